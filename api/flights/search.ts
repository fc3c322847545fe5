import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { FlightSearchResult, searchFlights, searchResponse } from "../../lib/travel/search.js";
import { FlightSearchRequest } from "../../lib/travel/search-request.js";

const description =
  "Public (a signed-in caller is limited per account too). Flights for `origin` → `destination` (IATA airport or city codes) on `departureDate`, returning on `returnDate` when given (on or after departure), for `adults` (1–9), `children` (2–11 years) and `infants` (under 2, at most one per adult), at most 9 in all; `currency` (default EUR), `cabin` (economy, premium_economy, business, first), `maxStops`, `sort` (price, duration, departure) and `limit` (1–50, default 20). Dates must not be in the past, nor more than a year ahead. Results are cached for 5 minutes per normalized query (code case, field order and defaults make no new query) and fetched once however many ask at once; the `Cache-Status` header (RFC 9211) says `hit` or `fwd=uri-miss`. Each offer carries an opaque, sealed `offerToken`: prices shown here are for display — GET /api/flights/{offerToken} re-validates with the provider, and a booking charges only what the provider confirms then. 503 when the deployment-wide ceiling of provider requests per minute is spent.";

const spec = {
  tags: ["flights"],
  auth: "optional" as const,
  response: FlightSearchResult,
  limit: ["flight_search_ip", "flight_search_user"] as const,
  errors: ["validation_failed", "provider_error", "service_unavailable"] as const,
  // A miss (the provider asked once); a hit makes no provider request and 3 Redis requests.
  roundTrips: { database: 0, redis: 7, providers: 1 },
};

export default route({
  GET: endpoint(
    {
      ...spec,
      summary: "Search flights",
      description,
      query: FlightSearchRequest,
      limit: [...spec.limit],
      errors: [...spec.errors],
    },
    async ({ query }) => searchResponse(await searchFlights(query, new Date(), "query")),
  ),
  POST: endpoint(
    {
      ...spec,
      summary: "Search flights (JSON body)",
      description: `${description} Same as GET, for clients that send the search as a JSON body.`,
      body: FlightSearchRequest,
      limit: [...spec.limit],
      errors: [...spec.errors],
    },
    async ({ body }) => searchResponse(await searchFlights(body, new Date(), "body")),
  ),
});
