// Kiwi.com's Tequila API: GET /v2/search (the offers) and GET /v2/booking/check_flights (the
// price and availability of one offer now, by its booking_token), with the key in the `apikey`
// header and gzip. Tequila takes dates as dd/mm/yyyy, cabins as M/W/C/F, answers prices in the
// asked currency (`curr`) as decimals, and durations in seconds. Tickets are not bought through
// Tequila here (its booking API needs a separate partner agreement): a paid booking is
// confirmed in Bastion, and the offer's deep link leads to Kiwi.
import { env, localStackEnabled } from "../../env.js";
import { log } from "../../log.js";
import { type Passengers, type ProviderOffer, toMinor } from "../offer.js";
import type { FlightQuery } from "../search-request.js";
import { providerJson } from "./http.js";
import { type FlightProvider, FlightProviderError } from "./types.js";

const KIWI_API = "https://api.tequila.kiwi.com";
const CABIN = { economy: "M", premium_economy: "W", business: "C", first: "F" } as const;
const SORT = { price: "price", duration: "duration", departure: "date" } as const;

function apiAddress(): string {
  const url = env().KIWI_API_URL;
  if (url === undefined) return KIWI_API;
  if (!localStackEnabled()) {
    log.warn("kiwi_api_url_ignored", { reason: "KIWI_API_URL is for local use only" });
    return KIWI_API;
  }
  return url.replace(/\/+$/, "");
}

const tequilaDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

interface KiwiRoute {
  flyFrom: string;
  flyTo: string;
  utc_departure: string;
  utc_arrival: string;
  airline: string;
  operating_carrier?: string;
  flight_no: number | string;
  return: 0 | 1;
}

interface KiwiItinerary {
  id: string;
  flyFrom: string;
  flyTo: string;
  utc_departure: string;
  utc_arrival: string;
  price: number;
  airlines: string[];
  route: KiwiRoute[];
  booking_token: string;
  deep_link?: string;
  countryFrom?: { code: string };
  countryTo?: { code: string };
  baglimit?: Record<string, number>;
  bags_price?: Record<string, number>;
  availability?: { seats: number | null };
}

/** check_flights: one offer's price and flights now. */
interface KiwiCheckedFlight {
  src: string;
  dst: string;
  dtime_utc: number;
  atime_utc: number;
  airline: { code: string };
  flight_no: number | string;
  return?: 0 | 1;
}
interface KiwiCheck {
  flights_checked?: boolean;
  flights_invalid?: boolean;
  price_change?: boolean;
  total?: number;
  conversion?: { amount?: number };
  flights?: KiwiCheckedFlight[];
  document_options?: { document_need?: number };
}

function offerOf(item: KiwiItinerary, currency: string): ProviderOffer {
  const segments = item.route.map((leg) => ({
    direction: leg.return === 1 ? ("return" as const) : ("outbound" as const),
    origin: leg.flyFrom,
    destination: leg.flyTo,
    departureTime: new Date(leg.utc_departure).toISOString(),
    arrivalTime: new Date(leg.utc_arrival).toISOString(),
    carrier: leg.airline,
    flightNumber: `${leg.airline}${leg.flight_no}`,
    durationMinutes: Math.round(
      (Date.parse(leg.utc_arrival) - Date.parse(leg.utc_departure)) / 60_000,
    ),
  }));
  const outbound = segments.filter((segment) => segment.direction === "outbound");
  const first = outbound[0] ?? segments[0];
  const last = outbound.at(-1) ?? segments.at(-1);
  if (!first || !last) throw new Error("a Kiwi itinerary without a route");
  const countries = [item.countryFrom?.code, item.countryTo?.code];
  return {
    provider: "kiwi",
    ref: item.booking_token,
    origin: item.flyFrom,
    destination: item.flyTo,
    departureTime: first.departureTime,
    arrivalTime: last.arrivalTime,
    durationMinutes: Math.round(
      (Date.parse(last.arrivalTime) - Date.parse(first.departureTime)) / 60_000,
    ),
    stops: Math.max(0, outbound.length - 1),
    priceMinor: toMinor(item.price, currency),
    currency,
    airline: item.airlines[0] ?? first.carrier,
    airlines: item.airlines,
    deepLink: item.deep_link ?? null,
    segments,
    baggage:
      item.bags_price === undefined && item.baglimit === undefined
        ? null
        : { cabinBags: 1, checkedBags: item.bags_price?.["1"] === 0 ? 1 : 0 },
    conditions: null,
    documentsRequired:
      countries[0] === undefined || countries[1] === undefined || countries[0] !== countries[1],
    expiresAt: null,
  };
}

export function kiwiFlightProvider(apiKey: string): FlightProvider {
  const headers = { apikey: apiKey };
  return {
    name: "kiwi",
    async search(query: FlightQuery) {
      const params = new URLSearchParams({
        fly_from: query.origin,
        fly_to: query.destination,
        date_from: tequilaDate(query.departureDate),
        date_to: tequilaDate(query.departureDate),
        flight_type: query.returnDate === null ? "oneway" : "round",
        adults: String(query.adults),
        children: String(query.children),
        infants: String(query.infants),
        selected_cabins: CABIN[query.cabin],
        curr: query.currency,
        sort: SORT[query.sort],
        limit: String(query.limit),
      });
      if (query.returnDate !== null) {
        params.set("return_from", tequilaDate(query.returnDate));
        params.set("return_to", tequilaDate(query.returnDate));
      }
      if (query.maxStops !== null) params.set("max_stopovers", String(query.maxStops));
      const { status, json } = await providerJson(
        "kiwi",
        "search",
        `${apiAddress()}/v2/search?${params}`,
        {
          headers,
        },
      );
      if (status !== 200) throw new FlightProviderError("kiwi", "search", status);
      const answer = json as { currency?: string; data?: KiwiItinerary[] } | undefined;
      if (!Array.isArray(answer?.data)) throw new FlightProviderError("kiwi", "search", 502);
      const currency = (answer.currency ?? query.currency).toUpperCase();
      return answer.data.map((item) => offerOf(item, currency));
    },
    async confirm(ref: string, passengers: Passengers, currency: string) {
      const params = new URLSearchParams({
        booking_token: ref,
        bnum: "0",
        adults: String(passengers.adults),
        children: String(passengers.children),
        infants: String(passengers.infants),
        currency,
      });
      const { status, json } = await providerJson(
        "kiwi",
        "check_flights",
        `${apiAddress()}/v2/booking/check_flights?${params}`,
        { headers },
      );
      if (status === 400 || status === 404) return null;
      if (status !== 200) throw new FlightProviderError("kiwi", "check_flights", status);
      const answer = json as KiwiCheck | undefined;
      if (answer?.flights_invalid === true) return null;
      if (answer?.flights_checked !== true) {
        // Kiwi is still asking the airline: not confirmed, so not bookable at any price yet.
        throw new FlightProviderError("kiwi", "check_flights", 503);
      }
      const total = answer.conversion?.amount ?? answer.total;
      const flights = answer.flights ?? [];
      if (typeof total !== "number" || flights.length === 0) {
        throw new FlightProviderError("kiwi", "check_flights", 502);
      }
      const outbound = flights.filter((flight) => flight.return !== 1);
      const last = outbound.at(-1) ?? (flights.at(-1) as KiwiCheckedFlight);
      const first = flights[0] as KiwiCheckedFlight;
      return offerOf(
        {
          id: ref.slice(0, 16),
          flyFrom: first.src,
          flyTo: last.dst,
          utc_departure: new Date(first.dtime_utc * 1000).toISOString(),
          utc_arrival: new Date(last.atime_utc * 1000).toISOString(),
          price: total,
          airlines: [...new Set(flights.map((flight) => flight.airline.code))],
          route: flights.map((flight) => ({
            flyFrom: flight.src,
            flyTo: flight.dst,
            utc_departure: new Date(flight.dtime_utc * 1000).toISOString(),
            utc_arrival: new Date(flight.atime_utc * 1000).toISOString(),
            airline: flight.airline.code,
            flight_no: flight.flight_no,
            return: flight.return === 1 ? 1 : 0,
          })),
          booking_token: ref,
          // document_need: 0 none, 1 optional, 2 required.
          ...(answer.document_options?.document_need === 2
            ? {}
            : { countryFrom: { code: "XX" }, countryTo: { code: "XX" } }),
        },
        currency,
      );
    },
  };
}
