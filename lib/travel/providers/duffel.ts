// Duffel's Flights API: POST /air/offer_requests?return_offers=true (the search: slices and
// passengers in, offers out), GET /air/offers/{id} (one offer as it stands now: price and
// availability), POST /air/orders (buy it: an instant order paid from the Duffel balance, at
// exactly the confirmed price, carrying the Bastion booking id in its metadata), GET /air/orders
// (listing, to find the order an unanswered attempt may have made), POST
// /air/order_cancellations and …/{id}/actions/confirm (quote, then confirm, a cancellation).
// Every call sends `Authorization: Bearer <token>` and
// `Duffel-Version: v2`; bodies are `{data: …}` both ways; amounts are decimal strings.
import { env, localStackEnabled } from "../../env.js";
import { log } from "../../log.js";
import { currencyDigits, type Passengers, type ProviderOffer, toMajor, toMinor } from "../offer.js";
import type { FlightQuery } from "../search-request.js";
import { providerJson } from "./http.js";
import {
  type CancellationQuote,
  type FlightProvider,
  FlightProviderError,
  type ProviderOrder,
} from "./types.js";

/** The metadata key an order carries its Bastion booking id under (what findOrder looks for). */
export const DUFFEL_BOOKING_METADATA_KEY = "bastion_booking_id";
/** Pages of 200 orders read before the sweep gives up on telling (and tries again later). */
const ORDER_LIST_PAGES = 25;

interface DuffelOrderCancellation {
  id?: string;
  refund_amount?: string | null;
  refund_currency?: string | null;
  refund_to?: string | null;
  expires_at?: string | null;
  confirmed_at?: string | null;
}

function quoteOf(data: unknown, endpoint: string): CancellationQuote {
  const quote = data as DuffelOrderCancellation | undefined;
  const currency = quote?.refund_currency?.toUpperCase();
  const amount = Number(quote?.refund_amount ?? Number.NaN);
  if (!quote?.id || !currency || !/^[A-Z]{3}$/.test(currency) || !Number.isFinite(amount)) {
    throw new FlightProviderError("duffel", endpoint, 502);
  }
  return {
    id: quote.id,
    refundMinor: toMinor(amount, currency),
    currency,
    refundTo: quote.refund_to ?? "unknown",
    expiresAt: quote.expires_at ? new Date(quote.expires_at).toISOString() : null,
    confirmed: Boolean(quote.confirmed_at),
  };
}

const DUFFEL_API = "https://api.duffel.com";
export const DUFFEL_VERSION = "v2";

function apiAddress(): string {
  const url = env().DUFFEL_API_URL;
  if (url === undefined) return DUFFEL_API;
  if (!localStackEnabled()) {
    log.warn("duffel_api_url_ignored", { reason: "DUFFEL_API_URL is for local use only" });
    return DUFFEL_API;
  }
  return url.replace(/\/+$/, "");
}

interface DuffelSegment {
  origin: { iata_code: string; iata_country_code?: string };
  destination: { iata_code: string; iata_country_code?: string };
  departing_at: string;
  arriving_at: string;
  marketing_carrier: { iata_code: string; name: string };
  marketing_carrier_flight_number: string;
  passengers?: { baggages?: { type: "checked" | "carry_on"; quantity: number }[] }[];
}

interface DuffelOffer {
  id: string;
  total_amount: string;
  total_currency: string;
  expires_at?: string;
  owner: { iata_code: string; name: string };
  slices: { segments: DuffelSegment[] }[];
  passengers: { id: string; type?: string; age?: number }[];
  passenger_identity_documents_required?: boolean;
  conditions?: {
    refund_before_departure?: { allowed: boolean } | null;
    change_before_departure?: { allowed: boolean } | null;
  };
}

/**
 * Segments' times are local to their airports, without an offset (Duffel's "2026-12-01T10:30:00").
 * Read as UTC here: a display time, consistent with itself; the airport names the zone.
 */
const instant = (local: string) =>
  new Date(/[zZ]|[+-]\d\d:\d\d$/.test(local) ? local : `${local}Z`).toISOString();

function offerOf(offer: DuffelOffer): ProviderOffer {
  const segments = offer.slices.flatMap((slice, index) =>
    slice.segments.map((segment) => ({
      direction: index === 0 ? ("outbound" as const) : ("return" as const),
      origin: segment.origin.iata_code,
      destination: segment.destination.iata_code,
      departureTime: instant(segment.departing_at),
      arrivalTime: instant(segment.arriving_at),
      carrier: segment.marketing_carrier.iata_code,
      flightNumber: `${segment.marketing_carrier.iata_code}${segment.marketing_carrier_flight_number}`,
      durationMinutes: Math.max(
        0,
        Math.round(
          (Date.parse(instant(segment.arriving_at)) - Date.parse(instant(segment.departing_at))) /
            60_000,
        ),
      ),
    })),
  );
  const outbound = offer.slices[0]?.segments ?? [];
  const first = segments[0];
  const lastOut = segments.filter((segment) => segment.direction === "outbound").at(-1);
  if (!first || !lastOut) throw new FlightProviderError("duffel", "offers", 502);
  const bags = outbound[0]?.passengers?.[0]?.baggages;
  const currency = offer.total_currency.toUpperCase();
  return {
    provider: "duffel",
    ref: offer.id,
    origin: first.origin,
    destination: lastOut.destination,
    departureTime: first.departureTime,
    arrivalTime: lastOut.arrivalTime,
    durationMinutes: Math.round(
      (Date.parse(lastOut.arrivalTime) - Date.parse(first.departureTime)) / 60_000,
    ),
    stops: Math.max(0, outbound.length - 1),
    priceMinor: toMinor(Number(offer.total_amount), currency),
    currency,
    airline: offer.owner.name,
    airlines: [...new Set(segments.map((segment) => segment.carrier))],
    deepLink: null,
    segments,
    baggage: bags
      ? {
          cabinBags: bags.filter((b) => b.type === "carry_on").reduce((n, b) => n + b.quantity, 0),
          checkedBags: bags.filter((b) => b.type === "checked").reduce((n, b) => n + b.quantity, 0),
        }
      : null,
    conditions: offer.conditions
      ? {
          refundable: offer.conditions.refund_before_departure?.allowed ?? false,
          changeable: offer.conditions.change_before_departure?.allowed ?? false,
        }
      : null,
    documentsRequired: offer.passenger_identity_documents_required ?? true,
    expiresAt: offer.expires_at ? new Date(offer.expires_at).toISOString() : null,
  };
}

function passengerList(passengers: Passengers) {
  return [
    ...Array.from({ length: passengers.adults }, () => ({ type: "adult" })),
    // Duffel prices children and infants by age; a representative age is enough to price them.
    ...Array.from({ length: passengers.children }, () => ({ age: 8 })),
    ...Array.from({ length: passengers.infants }, () => ({ type: "infant_without_seat" })),
  ];
}

export function duffelFlightProvider(accessToken: string): FlightProvider {
  const headers = { authorization: `Bearer ${accessToken}`, "duffel-version": DUFFEL_VERSION };
  const call = async (endpoint: string, path: string, body?: unknown) => {
    const answer = await providerJson("duffel", endpoint, `${apiAddress()}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body,
    });
    return { status: answer.status, data: (answer.json as { data?: unknown } | undefined)?.data };
  };

  return {
    name: "duffel",
    async search(query: FlightQuery) {
      const slices = [
        {
          origin: query.origin,
          destination: query.destination,
          departure_date: query.departureDate,
        },
        ...(query.returnDate === null
          ? []
          : [
              {
                origin: query.destination,
                destination: query.origin,
                departure_date: query.returnDate,
              },
            ]),
      ];
      const { status, data } = await call(
        "offer_requests",
        "/air/offer_requests?return_offers=true&supplier_timeout=15000",
        {
          data: {
            slices,
            passengers: passengerList(query),
            cabin_class: query.cabin,
            ...(query.maxStops !== null && { max_connections: query.maxStops }),
          },
        },
      );
      if (status !== 201 && status !== 200)
        throw new FlightProviderError("duffel", "offer_requests", status);
      const offers = (data as { offers?: DuffelOffer[] } | undefined)?.offers;
      if (!Array.isArray(offers)) throw new FlightProviderError("duffel", "offer_requests", 502);
      const normalized = offers.map(offerOf);
      // Duffel answers in the airline's currency; only offers in the asked one can be charged as shown.
      const sorted = normalized.sort(
        query.sort === "duration"
          ? (a, b) => a.durationMinutes - b.durationMinutes
          : query.sort === "departure"
            ? (a, b) => a.departureTime.localeCompare(b.departureTime)
            : (a, b) => a.priceMinor - b.priceMinor,
      );
      return sorted.slice(0, query.limit);
    },
    async confirm(ref: string) {
      const { status, data } = await call(
        "offers",
        `/air/offers/${encodeURIComponent(ref)}?return_available_services=false`,
      );
      if (status === 404 || status === 410 || status === 422) return null;
      if (status !== 200) throw new FlightProviderError("duffel", "offers", status);
      const offer = data as DuffelOffer | undefined;
      if (!offer?.id) throw new FlightProviderError("duffel", "offers", 502);
      if (offer.expires_at && Date.parse(offer.expires_at) <= Date.now()) return null;
      return offerOf(offer);
    },
    async createOrder(offer, travelers, contact, bookingId) {
      const current = await call("offers", `/air/offers/${encodeURIComponent(offer.ref)}`);
      const ids = ((current.data as DuffelOffer | undefined)?.passengers ?? []).map((p) => p.id);
      if (current.status !== 200 || ids.length !== travelers.length) {
        throw new FlightProviderError(
          "duffel",
          "offers",
          current.status === 200 ? 409 : current.status,
        );
      }
      // Duffel lists the offer's passengers adults first, as passengerList asked for them.
      const ordered = [...travelers].sort(
        (a, b) =>
          ["adult", "child", "infant"].indexOf(a.type) -
          ["adult", "child", "infant"].indexOf(b.type),
      );
      const { status, data } = await call("orders", "/air/orders", {
        data: {
          type: "instant",
          selected_offers: [offer.ref],
          metadata: { [DUFFEL_BOOKING_METADATA_KEY]: bookingId },
          payments: [
            {
              type: "balance",
              currency: offer.currency,
              amount: toMajor(offer.priceMinor, offer.currency).toFixed(
                currencyDigits(offer.currency),
              ),
            },
          ],
          passengers: ordered.map((traveler, index) => ({
            id: ids[index],
            title: traveler.title ?? (traveler.gender === "f" ? "ms" : "mr"),
            given_name: traveler.givenName,
            family_name: traveler.familyName,
            gender: traveler.gender,
            born_on: traveler.dateOfBirth,
            email: contact.email,
            phone_number: contact.phone,
            ...(traveler.document && {
              identity_documents: [
                {
                  type: "passport",
                  unique_identifier: traveler.document.number,
                  expires_on: traveler.document.expiresOn,
                  issuing_country_code: traveler.document.issuingCountry ?? traveler.nationality,
                },
              ],
            }),
          })),
        },
      });
      if (status !== 201 && status !== 200)
        throw new FlightProviderError("duffel", "orders", status);
      const order = data as { id?: string; booking_reference?: string } | undefined;
      if (!order?.id) throw new FlightProviderError("duffel", "orders", 502);
      return { orderId: order.id, bookingReference: order.booking_reference ?? null };
    },
    async findOrder(bookingId) {
      // Duffel takes no idempotency key on orders and filters no listing by metadata: every
      // order is read, newest pages first, until the one carrying this booking id shows up.
      let after: string | null = null;
      for (let page = 0; page < ORDER_LIST_PAGES; page++) {
        const query = new URLSearchParams({ limit: "200", ...(after !== null && { after }) });
        let answer: { status: number; json: unknown };
        try {
          answer = await providerJson("duffel", "orders", `${apiAddress()}/air/orders?${query}`, {
            headers,
          });
        } catch {
          return "unknown";
        }
        if (answer.status !== 200) return "unknown";
        const body = answer.json as
          | {
              data?: {
                id: string;
                booking_reference?: string;
                metadata?: Record<string, string> | null;
              }[];
              meta?: { after?: string | null };
            }
          | undefined;
        if (!Array.isArray(body?.data)) return "unknown";
        const found = body.data.find(
          (order) => order.metadata?.[DUFFEL_BOOKING_METADATA_KEY] === bookingId,
        );
        if (found) {
          return {
            orderId: found.id,
            bookingReference: found.booking_reference ?? null,
          } satisfies ProviderOrder;
        }
        after = body.meta?.after ?? null;
        if (after === null) return null;
      }
      return "unknown";
    },
    async quoteCancellation(orderId) {
      const { status, data } = await call("order_cancellations", "/air/order_cancellations", {
        data: { order_id: orderId },
      });
      if (status !== 201 && status !== 200) {
        throw new FlightProviderError("duffel", "order_cancellations", status);
      }
      return quoteOf(data, "order_cancellations");
    },
    async getCancellation(cancellationId) {
      const { status, data } = await call(
        "order_cancellations",
        `/air/order_cancellations/${encodeURIComponent(cancellationId)}`,
      );
      if (status === 404) return null;
      if (status !== 200) throw new FlightProviderError("duffel", "order_cancellations", status);
      return quoteOf(data, "order_cancellations");
    },
    async confirmCancellation(cancellationId) {
      const { status, data } = await call(
        "order_cancellations_confirm",
        `/air/order_cancellations/${encodeURIComponent(cancellationId)}/actions/confirm`,
        {},
      );
      if (status !== 200 && status !== 201) {
        throw new FlightProviderError("duffel", "order_cancellations_confirm", status);
      }
      return quoteOf(data, "order_cancellations_confirm");
    },
  };
}
