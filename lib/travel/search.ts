// GET/POST /api/flights/search: the normalized query's offers from the configured provider,
// cached in Upstash for 5 minutes per query and loaded once under concurrency (single-flight).
// A cached price is for showing only: every offer token is re-validated with the provider
// before anything is charged (offer-details.ts, bookings.ts).
import * as z from "zod";
import { cacheNamespace } from "../cache/cache.js";
import { ApiError } from "../http/errors.js";
import { enforceRateLimit } from "../limits/limiter.js";
import {
  FlightOffer,
  type FlightProviderName,
  ProviderOffer,
  publicOffer,
  sealOfferToken,
} from "./offer.js";
import { configuredFlightProviderName, flightProvider } from "./providers/registry.js";
import { FlightProviderError } from "./providers/types.js";
import {
  type FlightQuery,
  FlightQueryError,
  type FlightSearchRequest,
  normalizeQuery,
  searchCacheKey,
} from "./search-request.js";
import { singleFlight } from "./single-flight.js";

export const SEARCH_CACHE_SECONDS = 300;

const CachedSearch = z.object({ searchedAt: z.iso.datetime(), offers: z.array(ProviderOffer) });
type CachedSearch = z.infer<typeof CachedSearch>;
const searches = cacheNamespace("flight_search", CachedSearch, SEARCH_CACHE_SECONDS);

export const FlightSearchResult = z
  .object({
    query: z.object({
      origin: z.string(),
      destination: z.string(),
      departureDate: z.string(),
      returnDate: z.string().nullable(),
      adults: z.number().int(),
      children: z.number().int(),
      infants: z.number().int(),
      currency: z.string(),
      cabin: z.string(),
      maxStops: z.number().int().nullable(),
      sort: z.string(),
      limit: z.number().int(),
    }),
    /** When the provider was asked; results are cached for 5 minutes from then. */
    searchedAt: z.iso.datetime(),
    cache: z.enum(["hit", "miss"]),
    offers: z.array(FlightOffer),
  })
  .meta({ id: "FlightSearchResult" });
export type FlightSearchResult = z.infer<typeof FlightSearchResult>;

/** Counts one provider request against the provider-wide ceiling; refuses when it is spent. */
export async function spendProviderCall(provider: FlightProviderName): Promise<void> {
  if (provider === "sandbox") return;
  try {
    await enforceRateLimit("flight_provider", `provider:${provider}`);
  } catch (error) {
    if (error instanceof ApiError && error.code === "rate_limited") {
      throw new ApiError(
        "service_unavailable",
        "Flight search is busy right now; try again in a minute.",
        error.options,
      );
    }
    throw error;
  }
}

/** A provider that fails or does not answer is 502, never its text. */
export function providerFailure(error: unknown): never {
  if (error instanceof FlightProviderError) {
    throw new ApiError("provider_error", "The flight provider could not answer; try again.");
  }
  throw error;
}

/** `source`: where the request's fields came from, as validation errors name them. */
export function validQuery(
  request: FlightSearchRequest,
  now: Date,
  source: "query" | "body",
): FlightQuery {
  try {
    return normalizeQuery(request, now);
  } catch (error) {
    if (error instanceof FlightQueryError) {
      throw new ApiError("validation_failed", error.message, {
        errors: { [`${source}.${error.field}`]: [error.message] },
      });
    }
    throw error;
  }
}

export interface SearchAnswer {
  result: FlightSearchResult;
  /** RFC 9211, e.g. `Bastion; hit; ttl=240` or `Bastion; fwd=uri-miss; stored`. */
  cacheStatus: string;
}

export async function searchFlights(
  request: FlightSearchRequest,
  now: Date,
  source: "query" | "body",
): Promise<SearchAnswer> {
  const query = validQuery(request, now, source);
  const providerName = configuredFlightProviderName();
  const key = searchCacheKey(providerName, query);
  let status: string;
  let entry = await searches.get(key);
  if (entry !== undefined) {
    status = `Bastion; hit; ttl=${ttlLeft(entry, now)}`;
  } else {
    const flight = await singleFlight(
      key,
      () => searches.get(key),
      async () => {
        const provider = await flightProvider(providerName);
        await spendProviderCall(providerName);
        const offers = await provider.search(query).catch(providerFailure);
        const loaded: CachedSearch = { searchedAt: new Date().toISOString(), offers };
        await searches.set(key, loaded);
        return loaded;
      },
    );
    entry = flight.value;
    status = flight.collapsed
      ? `Bastion; fwd=uri-miss; collapsed; ttl=${ttlLeft(entry, now)}`
      : "Bastion; fwd=uri-miss; stored";
  }
  const passengers = { adults: query.adults, children: query.children, infants: query.infants };
  return {
    cacheStatus: status,
    result: {
      query,
      searchedAt: entry.searchedAt,
      cache: status.includes("; hit") ? "hit" : "miss",
      offers: entry.offers.map((offer) =>
        publicOffer(offer, sealOfferToken(offer, passengers, now)),
      ),
    },
  };
}

function ttlLeft(entry: CachedSearch, now: Date): number {
  const age = Math.floor((now.getTime() - Date.parse(entry.searchedAt)) / 1000);
  return Math.max(0, SEARCH_CACHE_SECONDS - age);
}

/** The answer with its Cache-Status header, through the response schema. */
export function searchResponse(answer: SearchAnswer): Response {
  return Response.json(FlightSearchResult.parse(answer.result), {
    headers: { "cache-status": answer.cacheStatus },
  });
}
