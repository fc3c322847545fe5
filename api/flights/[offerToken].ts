import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  ConfirmedFlightOffer,
  confirmOffer,
  OfferTokenParams,
} from "../../lib/travel/offer-details.js";

export default route({
  GET: endpoint(
    {
      summary: "One flight offer, re-validated with the provider",
      description:
        "Public. Asks the provider for the offer behind `offerToken` (from GET /api/flights/search) as it stands now — Kiwi's check_flights, Duffel's offer — and answers it with a fresh token that carries the confirmed price. `priceChanged` says whether the price moved since the token was issued (`previousPriceMinor`). 404 for an unknown or expired token (tokens live 30 minutes), 409 `conflict` when the offer can no longer be bought. Every call reaches the provider and counts against the deployment's provider ceiling (503 when spent).",
      tags: ["flights"],
      auth: "optional",
      params: OfferTokenParams,
      response: ConfirmedFlightOffer,
      limit: ["flight_search_ip", "flight_search_user"],
      errors: ["not_found", "conflict", "provider_error", "service_unavailable"],
      roundTrips: { database: 0, redis: 3, providers: 1 },
    },
    ({ params }) => confirmOffer(params.offerToken, new Date()),
  ),
});
