// GET /api/flights/{offerToken}: the offer re-validated with its provider now (prices and seats
// change by the minute), with a fresh token carrying the confirmed price. Booking re-validates
// again and charges what the provider confirms then, never a cached price.
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import {
  FlightOffer,
  type OfferTokenContent,
  openOfferToken,
  type ProviderOffer,
  publicOffer,
  sealOfferToken,
} from "./offer.js";
import { flightProvider } from "./providers/registry.js";
import { providerFailure, spendProviderCall } from "./search.js";

export const OfferTokenParams = z.strictObject({
  offerToken: z.string().min(20).max(12_000),
});

export const ConfirmedFlightOffer = z
  .object({
    offer: FlightOffer,
    /** Whether the price now differs from the one the token was issued with. */
    priceChanged: z.boolean(),
    /** The price the token was issued with, in minor units. */
    previousPriceMinor: z.number().int(),
    confirmedAt: z.iso.datetime(),
  })
  .meta({ id: "ConfirmedFlightOffer" });
export type ConfirmedFlightOffer = z.infer<typeof ConfirmedFlightOffer>;

/** The provider's offer now; 409 when it can no longer be bought or its currency moved. */
export async function revalidate(token: OfferTokenContent): Promise<ProviderOffer> {
  const provider = await flightProvider(token.provider);
  await spendProviderCall(token.provider);
  const offer = await provider
    .confirm(token.ref, token.passengers, token.currency)
    .catch(providerFailure);
  if (offer === null || offer.currency !== token.currency) {
    throw new ApiError("conflict", "This offer is no longer available: search again.", {
      extensions: { reason: "offer_unavailable" },
    });
  }
  return offer;
}

export async function confirmOffer(offerToken: string, now: Date): Promise<ConfirmedFlightOffer> {
  const token = openOfferToken(offerToken, now);
  const offer = await revalidate(token);
  return {
    offer: publicOffer(offer, sealOfferToken(offer, token.passengers, now)),
    priceChanged: offer.priceMinor !== token.shownMinor,
    previousPriceMinor: token.shownMinor,
    confirmedAt: now.toISOString(),
  };
}
