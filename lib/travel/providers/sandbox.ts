// The local stack's flight provider: realistic, deterministic itineraries for any route, with no
// network and no account, so `npm run dev`, the demo and the bench search offline. The same
// query always gives the same offers (a PRNG seeded by the route, date and cabin), and an
// offer's ref carries what regenerates it, so confirming it gives the same offer back.
// Refused anywhere but the local stack (registry.ts).
import { createHash } from "node:crypto";
import type { FlightProviderName, Passengers, ProviderOffer } from "../offer.js";
import type { FlightQuery } from "../search-request.js";
import type { FlightProvider } from "./types.js";

const CARRIERS = [
  ["BA", "British Airways"],
  ["LH", "Lufthansa"],
  ["AF", "Air France"],
  ["KL", "KLM"],
  ["IB", "Iberia"],
  ["AZ", "ITA Airways"],
  ["U2", "easyJet"],
  ["FR", "Ryanair"],
  ["AI", "Air India"],
  ["EK", "Emirates"],
] as const;
const HUBS = ["AMS", "FRA", "CDG", "MAD", "DXB", "IST", "ZRH", "VIE"];

/** A few airports' countries, for whether passports are needed; unknown ones count as abroad. */
const COUNTRY: Record<string, string> = {
  LHR: "GB",
  LGW: "GB",
  MAN: "GB",
  EDI: "GB",
  LON: "GB",
  JFK: "US",
  LAX: "US",
  SFO: "US",
  ORD: "US",
  NYC: "US",
  BOS: "US",
  CDG: "FR",
  ORY: "FR",
  NCE: "FR",
  PAR: "FR",
  FRA: "DE",
  MUC: "DE",
  BER: "DE",
  MAD: "ES",
  BCN: "ES",
  AMS: "NL",
  FCO: "IT",
  MXP: "IT",
  DEL: "IN",
  BOM: "IN",
  BLR: "IN",
  MAA: "IN",
  HYD: "IN",
};
const CABIN_FACTOR = { economy: 1, premium_economy: 1.7, business: 3.4, first: 5.5 } as const;
const CABIN_CODE = { economy: "M", premium_economy: "W", business: "C", first: "F" } as const;

function random(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    // xorshift32: small, fast and the same everywhere.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

interface Itinerary {
  origin: string;
  destination: string;
  departureDate: string;
  returnDate: string | null;
  cabin: FlightQuery["cabin"];
  currency: string;
  index: number;
}

const encode = (it: Itinerary, passengers: Passengers) =>
  [
    "sbx1",
    it.origin,
    it.destination,
    it.departureDate,
    it.returnDate ?? "-",
    CABIN_CODE[it.cabin],
    it.currency,
    it.index,
    passengers.adults,
    passengers.children,
    passengers.infants,
  ].join(":");

function decode(ref: string): { itinerary: Itinerary; passengers: Passengers } | null {
  const parts = ref.split(":");
  if (parts.length !== 11 || parts[0] !== "sbx1") return null;
  const [, origin, destination, departureDate, back, code, currency, index, a, c, i] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const cabin = (Object.keys(CABIN_CODE) as FlightQuery["cabin"][]).find(
    (name) => CABIN_CODE[name] === code,
  );
  if (!cabin) return null;
  return {
    itinerary: {
      origin,
      destination,
      departureDate,
      returnDate: back === "-" ? null : back,
      cabin,
      currency,
      index: Number(index),
    },
    passengers: { adults: Number(a), children: Number(c), infants: Number(i) },
  };
}

/** Flight minutes between two airports: fixed per pair, 55 minutes to 13 hours. */
function legMinutes(from: string, to: string): number {
  const pair = [from, to].sort().join("-");
  return 55 + Math.floor(random(`leg:${pair}`)() * 725);
}

function buildSlice(
  it: Itinerary,
  direction: "outbound" | "return",
  from: string,
  to: string,
  day: string,
  next: () => number,
  stops: number,
  carrier: string,
) {
  const total = legMinutes(from, to);
  const points = [from, ...HUBS.filter((hub) => hub !== from && hub !== to).slice(0, stops), to];
  if (stops > 0) {
    // Different hubs for different offers.
    const shift = Math.floor(next() * HUBS.length);
    for (let s = 1; s <= stops; s++) {
      points[s] = HUBS.filter((hub) => hub !== from && hub !== to)[(shift + s) % 6] as string;
    }
  }
  let at = Date.parse(`${day}T00:00:00Z`) + (6 * 60 + Math.floor(next() * 15 * 60)) * 60_000;
  at -= at % (5 * 60_000);
  const segments = [];
  for (let s = 0; s < points.length - 1; s++) {
    const minutes = Math.max(45, Math.round((total / (stops + 1)) * (0.9 + next() * 0.3)));
    const departs = at;
    const arrives = departs + minutes * 60_000;
    segments.push({
      direction,
      origin: points[s] as string,
      destination: points[s + 1] as string,
      departureTime: new Date(departs).toISOString(),
      arrivalTime: new Date(arrives).toISOString(),
      carrier,
      flightNumber: `${carrier}${100 + Math.floor(next() * 8900)}`,
      durationMinutes: minutes,
    });
    at = arrives + (50 + Math.floor(next() * 120)) * 60_000;
  }
  void it;
  return segments;
}

function generate(it: Itinerary, passengers: Passengers): ProviderOffer {
  const next = random(encode(it, passengers).replace(/:\d+:\d+:\d+$/, ""));
  const carrierIndex = Math.floor(next() * CARRIERS.length);
  const [carrier, airlineName] = CARRIERS[carrierIndex] as readonly [string, string];
  const stops = it.index % 3 === 0 ? 0 : it.index % 3 === 1 ? 1 : Math.floor(next() * 2) + 1;
  const outbound = buildSlice(
    it,
    "outbound",
    it.origin,
    it.destination,
    it.departureDate,
    next,
    stops,
    carrier,
  );
  const back =
    it.returnDate === null
      ? []
      : buildSlice(it, "return", it.destination, it.origin, it.returnDate, next, stops, carrier);
  const first = outbound[0] as (typeof outbound)[number];
  const last = outbound.at(-1) as (typeof outbound)[number];
  const flying = [...outbound, ...back].reduce((sum, s) => sum + s.durationMinutes, 0);
  const perAdult = Math.round(
    (40 + flying * 0.9 + next() * 120) * CABIN_FACTOR[it.cabin] * (1 - stops * 0.08),
  );
  const priceMajor =
    perAdult * passengers.adults +
    perAdult * 0.75 * passengers.children +
    perAdult * 0.1 * passengers.infants;
  const domestic =
    COUNTRY[it.origin] !== undefined && COUNTRY[it.origin] === COUNTRY[it.destination];
  return {
    provider: "sandbox" satisfies FlightProviderName,
    ref: encode(it, passengers),
    origin: it.origin,
    destination: it.destination,
    departureTime: first.departureTime,
    arrivalTime: last.arrivalTime,
    durationMinutes: Math.round(
      (Date.parse(last.arrivalTime) - Date.parse(first.departureTime)) / 60_000,
    ),
    stops,
    // Whole units in minor: the sandbox prices in units of 100 minor (any 2-digit currency).
    priceMinor: Math.round(priceMajor) * 100,
    currency: it.currency,
    airline: airlineName,
    airlines: [carrier],
    deepLink: null,
    segments: [...outbound, ...back],
    baggage: { cabinBags: 1, checkedBags: it.cabin === "economy" ? it.index % 2 : 2 },
    conditions: { refundable: it.cabin !== "economy" || it.index % 4 === 0, changeable: true },
    documentsRequired: !domestic,
    expiresAt: null,
  };
}

const SORTERS: Record<FlightQuery["sort"], (a: ProviderOffer, b: ProviderOffer) => number> = {
  price: (a, b) => a.priceMinor - b.priceMinor,
  duration: (a, b) => a.durationMinutes - b.durationMinutes,
  departure: (a, b) => a.departureTime.localeCompare(b.departureTime),
};

export function sandboxFlightProvider(): FlightProvider {
  return {
    name: "sandbox",
    async search(query) {
      const passengers = { adults: query.adults, children: query.children, infants: query.infants };
      const offers: ProviderOffer[] = [];
      for (let index = 0; index < 12; index++) {
        offers.push(
          generate(
            {
              origin: query.origin,
              destination: query.destination,
              departureDate: query.departureDate,
              returnDate: query.returnDate,
              cabin: query.cabin,
              currency: query.currency,
              index,
            },
            passengers,
          ),
        );
      }
      return offers
        .filter((offer) => query.maxStops === null || offer.stops <= query.maxStops)
        .sort(SORTERS[query.sort])
        .slice(0, query.limit);
    },
    async confirm(ref, passengers) {
      const decoded = decode(ref);
      if (decoded === null) return null;
      const same =
        decoded.passengers.adults === passengers.adults &&
        decoded.passengers.children === passengers.children &&
        decoded.passengers.infants === passengers.infants;
      return same ? generate(decoded.itinerary, passengers) : null;
    },
  };
}
