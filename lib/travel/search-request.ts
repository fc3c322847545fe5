// The flight search question (GET query or POST body) and its normalized form. Normalizing is
// what makes the cache key: codes upper-cased, defaults filled in, fields in one fixed order, so
// `?origin=lhr&destination=jfk` and `{"destination":"JFK","origin":"LHR","adults":1}` are one
// query and one provider request.
import { createHash } from "node:crypto";
import * as z from "zod";

export const CABINS = ["economy", "premium_economy", "business", "first"] as const;
export const SORTS = ["price", "duration", "departure"] as const;

const Iata = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, "A three-letter IATA airport or city code")
  .transform((code) => code.toUpperCase());
const Day = z.iso.date("A date as YYYY-MM-DD");
/** Query strings carry numbers as text; JSON bodies as numbers. Both are accepted. */
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const FlightSearchRequest = z
  .strictObject({
    origin: Iata,
    destination: Iata,
    departureDate: Day,
    returnDate: Day.optional(),
    adults: count(1, 9).default(1),
    children: count(0, 8).default(0),
    infants: count(0, 4).default(0),
    /** ISO 4217; prices come back in it. */
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, "An ISO 4217 currency code")
      .transform((code) => code.toUpperCase())
      .default("EUR"),
    cabin: z.enum(CABINS).default("economy"),
    /** Omitted: any number of stops. */
    maxStops: count(0, 3).optional(),
    sort: z.enum(SORTS).default("price"),
    limit: count(1, 50).default(20),
  })
  .superRefine((query, context) => {
    if (query.origin === query.destination) {
      context.addIssue({
        code: "custom",
        path: ["destination"],
        message: "The destination must differ from the origin",
      });
    }
    if (query.infants > query.adults) {
      context.addIssue({
        code: "custom",
        path: ["infants"],
        message: "Each infant travels on an adult's lap: at most one infant per adult",
      });
    }
    if (query.adults + query.children + query.infants > 9) {
      context.addIssue({
        code: "custom",
        path: ["adults"],
        message: "At most 9 travellers in one search",
      });
    }
    if (query.returnDate !== undefined && query.returnDate < query.departureDate) {
      context.addIssue({
        code: "custom",
        path: ["returnDate"],
        message: "The return date must be on or after the departure date",
      });
    }
  });
export type FlightSearchRequest = z.infer<typeof FlightSearchRequest>;

/** A search with every default applied, in one field order: what providers and the cache see. */
export interface FlightQuery {
  origin: string;
  destination: string;
  departureDate: string;
  returnDate: string | null;
  adults: number;
  children: number;
  infants: number;
  currency: string;
  cabin: (typeof CABINS)[number];
  maxStops: number | null;
  sort: (typeof SORTS)[number];
  limit: number;
}

/** The latest date anywhere on Earth is UTC+14: "today" there is the earliest date still valid. */
export function earliestDepartureDate(now: Date): string {
  return new Date(now.getTime() - 12 * 3_600_000).toISOString().slice(0, 10);
}

/** Dates are checked against the clock here, not in the schema, so the schema stays pure. */
export function normalizeQuery(request: FlightSearchRequest, now: Date): FlightQuery {
  const earliest = earliestDepartureDate(now);
  if (request.departureDate < earliest) {
    throw new FlightQueryError("departureDate", "The departure date is in the past");
  }
  const horizon = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  if (request.departureDate > horizon || (request.returnDate ?? "") > horizon) {
    throw new FlightQueryError("departureDate", "Flights can be searched up to a year ahead");
  }
  return {
    origin: request.origin,
    destination: request.destination,
    departureDate: request.departureDate,
    returnDate: request.returnDate ?? null,
    adults: request.adults,
    children: request.children,
    infants: request.infants,
    currency: request.currency,
    cabin: request.cabin,
    maxStops: request.maxStops ?? null,
    sort: request.sort,
    limit: request.limit,
  };
}

export class FlightQueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "FlightQueryError";
  }
}

/**
 * The cache key of a query at one provider: a hash of the normalized query in its fixed field
 * order (no personal data, short, and safe in a Redis key).
 */
export function searchCacheKey(provider: string, query: FlightQuery): string {
  const canonical = JSON.stringify([
    provider,
    query.origin,
    query.destination,
    query.departureDate,
    query.returnDate,
    query.adults,
    query.children,
    query.infants,
    query.currency,
    query.cabin,
    query.maxStops,
    query.sort,
    query.limit,
  ]);
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 32);
}
