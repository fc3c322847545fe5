// A network-level fake of the part of Duffel's Flights API that Bastion calls, pointed at with
// DUFFEL_API_URL: POST /air/offer_requests (return_offers=true), GET /air/offers/{id} and POST
// /air/orders (with metadata), GET /air/orders (pages of `limit`, `meta.after` cursor),
// POST /air/order_cancellations, GET /air/order_cancellations/{id} and POST
// /air/order_cancellations/{id}/actions/confirm, behind `Authorization: Bearer <token>` (401 without it) and `Duffel-Version: v2`
// (400 without it). Bodies are `{data: …}` both ways, amounts decimal strings, as Duffel's are.
// Tests move an offer's price with setPrice(), make the next order fail with refuseOrders()
// (or make it, then answer 500 with loseOrderAnswers()), shape the next cancellation quote with
// quoteCancellations(), fail cancellations with refuseCancellations(), and read what was sent
// in `requests`, `orders` and `cancellations`.
import { randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeDuffelRequest {
  method: string;
  path: string;
  body: unknown;
  authorized: boolean;
  version: string | null;
}

interface Offer {
  id: string;
  total_amount: string;
  total_currency: string;
  expires_at: string;
  owner: { iata_code: string; name: string };
  slices: unknown[];
  passengers: { id: string; type: string }[];
  passenger_identity_documents_required: boolean;
  conditions: {
    refund_before_departure: { allowed: boolean } | null;
    change_before_departure: { allowed: boolean } | null;
  };
}

export interface FakeDuffelOrder {
  id: string;
  booking_reference: string;
  offerId: string;
  body: Record<string, unknown>;
  metadata: Record<string, string> | null;
  cancelledAt: string | null;
}

export interface FakeDuffelCancellation {
  id: string;
  order_id: string;
  refund_amount: string;
  refund_currency: string;
  refund_to: string;
  expires_at: string;
  confirmed_at: string | null;
}

/** What the next quotes say (unset fields: the order's full amount, its currency, balance). */
export interface CancellationTerms {
  refund_amount?: string;
  refund_currency?: string;
  refund_to?: string;
}

export interface FakeDuffel {
  url: string;
  requests: FakeDuffelRequest[];
  orders: FakeDuffelOrder[];
  cancellations: FakeDuffelCancellation[];
  offers(): string[];
  /** Expire an offer (GET answers 404, as Duffel does for an expired one). */
  expireOffer(offerId: string): void;
  /** Orders are made but answered with this status (500: the answer was lost) until undefined. */
  loseOrderAnswers(status: number | undefined): void;
  quoteCancellations(terms: CancellationTerms): void;
  /** Cancellation calls answer this status until called with undefined. */
  refuseCancellations(status: number | undefined): void;
  /** Confirmations are applied but answered with this status (the answer lost) until undefined. */
  loseConfirmationAnswers(status: number | undefined): void;
  /** GET /air/orders answers this status until called with undefined. */
  refuseOrderLists(status: number | undefined): void;
  setPrice(offerId: string, amount: string): void;
  /** Orders answer this status (422: the airline refused) until called with undefined. */
  refuseOrders(status: number | undefined): void;
  close(): Promise<void>;
}

const pid = () => `pas_${randomBytes(8).toString("hex")}`;

export async function startFakeDuffel(token: string): Promise<FakeDuffel> {
  const requests: FakeDuffelRequest[] = [];
  const offers = new Map<string, Offer>();
  const orders: FakeDuffelOrder[] = [];
  const cancellations: FakeDuffelCancellation[] = [];
  let refuse: number | undefined;
  let lose: number | undefined;
  let refuseCancel: number | undefined;
  let loseConfirm: number | undefined;
  let refuseLists: number | undefined;
  let terms: CancellationTerms = {};

  const answer = (status: number, data: unknown) => Response.json({ data }, { status });
  const error = (status: number, message: string) =>
    Response.json({ errors: [{ title: message, code: "invalid" }] }, { status });

  function offerRequest(body: {
    data?: {
      slices?: { origin: string; destination: string; departure_date: string }[];
      passengers?: unknown[];
    };
  }) {
    const slices = body.data?.slices ?? [];
    const passengers = body.data?.passengers ?? [];
    if (slices.length === 0 || passengers.length === 0) return error(422, "slices and passengers");
    const made = [0, 1].map((n) => {
      const offer: Offer = {
        id: `off_${randomBytes(10).toString("hex")}`,
        total_amount: (210.4 + n * 35).toFixed(2),
        total_currency: "GBP",
        expires_at: new Date(Date.now() + 30 * 60_000).toISOString(),
        owner: { iata_code: "BA", name: "British Airways" },
        slices: slices.map((slice) => ({
          origin: { iata_code: slice.origin },
          destination: { iata_code: slice.destination },
          duration: "PT7H",
          segments: [
            {
              origin: { iata_code: slice.origin },
              destination: { iata_code: slice.destination },
              departing_at: `${slice.departure_date}T${String(9 + n * 4).padStart(2, "0")}:15:00`,
              arriving_at: `${slice.departure_date}T${String(16 + n * 4).padStart(2, "0")}:15:00`,
              marketing_carrier: { iata_code: "BA", name: "British Airways" },
              marketing_carrier_flight_number: String(170 + n),
              passengers: [
                {
                  baggages: [
                    { type: "checked", quantity: 1 },
                    { type: "carry_on", quantity: 1 },
                  ],
                },
              ],
            },
          ],
        })),
        passengers: passengers.map(() => ({ id: pid(), type: "adult" })),
        passenger_identity_documents_required: true,
        conditions: {
          refund_before_departure: { allowed: n === 1 },
          change_before_departure: { allowed: true },
        },
      };
      offers.set(offer.id, offer);
      return offer;
    });
    return answer(201, { id: `orq_${randomBytes(8).toString("hex")}`, offers: made });
  }

  function order(body: {
    data?: {
      selected_offers?: string[];
      passengers?: { id: string }[];
      payments?: { amount: string; currency: string }[];
    };
  }) {
    const offer = offers.get(body.data?.selected_offers?.[0] ?? "");
    if (!offer) return error(404, "offer not found");
    if (refuse !== undefined) return error(refuse, "The airline could not confirm the booking");
    const payment = body.data?.payments?.[0];
    if (payment?.amount !== offer.total_amount || payment.currency !== offer.total_currency) {
      return error(422, "payment amount does not match the offer");
    }
    const ids = new Set(offer.passengers.map((p) => p.id));
    if (!(body.data?.passengers ?? []).every((p) => ids.has(p.id))) {
      return error(422, "unknown passenger id");
    }
    if (orders.some((o) => o.offerId === offer.id && o.cancelledAt === null)) {
      return error(422, "offer already booked");
    }
    const created: FakeDuffelOrder = {
      id: `ord_${randomBytes(8).toString("hex")}`,
      booking_reference: randomBytes(3).toString("hex").toUpperCase(),
      offerId: offer.id,
      body: body.data as Record<string, unknown>,
      metadata: (body.data as { metadata?: Record<string, string> }).metadata ?? null,
      cancelledAt: null,
    };
    orders.push(created);
    if (lose !== undefined) return error(lose, "internal error");
    return answer(201, orderJson(created));
  }

  function orderJson(o: FakeDuffelOrder) {
    const offer = offers.get(o.offerId);
    return {
      id: o.id,
      booking_reference: o.booking_reference,
      metadata: o.metadata,
      total_amount: offer?.total_amount,
      total_currency: offer?.total_currency,
      cancelled_at: o.cancelledAt,
      available_actions: o.cancelledAt ? [] : ["cancel"],
    };
  }

  function listOrders(url: URL) {
    const limit = Number(url.searchParams.get("limit") ?? "50");
    const start = Number(url.searchParams.get("after") ?? "0");
    // Newest first, as a listing the sweep reads page by page.
    const page = [...orders].reverse().slice(start, start + limit);
    const next = start + limit < orders.length ? String(start + limit) : null;
    return Response.json({ data: page.map(orderJson), meta: { after: next, limit } });
  }

  function quote(body: { data?: { order_id?: string } }) {
    const o = orders.find((x) => x.id === body.data?.order_id);
    if (!o) return error(404, "order not found");
    if (o.cancelledAt) return error(422, "order already cancelled");
    const offer = offers.get(o.offerId);
    const made: FakeDuffelCancellation = {
      id: `ore_${randomBytes(8).toString("hex")}`,
      order_id: o.id,
      refund_amount: terms.refund_amount ?? offer?.total_amount ?? "0.00",
      refund_currency: terms.refund_currency ?? offer?.total_currency ?? "GBP",
      refund_to: terms.refund_to ?? "balance",
      expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
      confirmed_at: null,
    };
    cancellations.push(made);
    return answer(201, made);
  }

  function confirmCancellation(id: string) {
    const c = cancellations.find((x) => x.id === id);
    if (!c) return error(404, "order cancellation not found");
    const o = orders.find((x) => x.id === c.order_id);
    if (c.confirmed_at === null) {
      const latest = cancellations.filter((x) => x.order_id === c.order_id).at(-1);
      if (latest?.id !== c.id || o?.cancelledAt) return error(422, "not the latest quote");
      c.confirmed_at = new Date().toISOString();
      if (o) o.cancelledAt = c.confirmed_at;
      if (loseConfirm !== undefined) return error(loseConfirm, "internal error");
    }
    return answer(200, c);
  }

  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const body = text === "" ? undefined : (JSON.parse(text) as unknown);
      const authorized = request.headers.get("authorization") === `Bearer ${token}`;
      const version = request.headers.get("duffel-version");
      requests.push({ method: request.method, path: url.pathname, body, authorized, version });
      if (!authorized) return error(401, "invalid token");
      if (version !== "v2") return error(400, "Duffel-Version v2 required");
      if (request.method === "POST" && url.pathname === "/air/offer_requests") {
        return offerRequest(body as never);
      }
      const one = /^\/air\/offers\/([^/]+)$/.exec(url.pathname);
      if (request.method === "GET" && one) {
        const offer = offers.get(decodeURIComponent(one[1] as string));
        return offer ? answer(200, offer) : error(404, "offer not found");
      }
      if (request.method === "POST" && url.pathname === "/air/orders") return order(body as never);
      if (request.method === "GET" && url.pathname === "/air/orders") {
        return refuseLists === undefined ? listOrders(url) : error(refuseLists, "unavailable");
      }
      if (url.pathname.startsWith("/air/order_cancellations") && refuseCancel !== undefined) {
        return error(refuseCancel, "The airline could not be reached");
      }
      if (request.method === "POST" && url.pathname === "/air/order_cancellations") {
        return quote(body as never);
      }
      const cancellation = /^\/air\/order_cancellations\/([^/]+)(\/actions\/confirm)?$/.exec(
        url.pathname,
      );
      if (cancellation && request.method === "POST" && cancellation[2]) {
        return confirmCancellation(decodeURIComponent(cancellation[1] as string));
      }
      if (cancellation && request.method === "GET" && !cancellation[2]) {
        const c = cancellations.find((x) => x.id === decodeURIComponent(cancellation[1] as string));
        return c ? answer(200, c) : error(404, "order cancellation not found");
      }
      return error(404, "not found");
    },
    { port: 0 },
  );

  return {
    url: server.url,
    requests,
    orders,
    cancellations,
    offers: () => [...offers.keys()],
    expireOffer(offerId) {
      offers.delete(offerId);
    },
    loseOrderAnswers(status) {
      lose = status;
    },
    quoteCancellations(next) {
      terms = next;
    },
    refuseCancellations(status) {
      refuseCancel = status;
    },
    loseConfirmationAnswers(status) {
      loseConfirm = status;
    },
    refuseOrderLists(status) {
      refuseLists = status;
    },
    setPrice(offerId, amount) {
      const offer = offers.get(offerId);
      if (offer) offer.total_amount = amount;
    },
    refuseOrders(status) {
      refuse = status;
    },
    close: () => server.close(),
  };
}
