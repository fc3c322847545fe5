// A flight offer in Bastion's normalized shape, whatever provider found it, and the opaque token
// a client holds instead of it. The token is sealed (AES-256-GCM under the personal-data keys,
// its own context), so the client can neither read the provider's reference nor change the
// price or passengers in it: booking reads everything from the token and the provider, never
// from the client's word.
import * as z from "zod";
import { openPersonalData, sealPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";

export const PROVIDER_NAMES = ["kiwi", "duffel", "sandbox"] as const;
export type FlightProviderName = (typeof PROVIDER_NAMES)[number];

export const FlightSegment = z
  .object({
    direction: z.enum(["outbound", "return"]),
    origin: z.string(),
    destination: z.string(),
    departureTime: z.iso.datetime({ offset: true }),
    arrivalTime: z.iso.datetime({ offset: true }),
    /** The marketing carrier's IATA code. */
    carrier: z.string(),
    flightNumber: z.string(),
    durationMinutes: z.number().int().nonnegative(),
  })
  .meta({ id: "FlightSegment" });
export type FlightSegment = z.infer<typeof FlightSegment>;

/** What an offer is, as providers report it and the cache keeps it (with the provider's ref). */
export const ProviderOffer = z.object({
  provider: z.enum(PROVIDER_NAMES),
  /** Kiwi's booking_token, Duffel's offer id, the sandbox's itinerary key. Never sent out. */
  ref: z.string().min(1).max(8_000),
  origin: z.string(),
  destination: z.string(),
  departureTime: z.iso.datetime({ offset: true }),
  arrivalTime: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().nonnegative(),
  stops: z.number().int().nonnegative(),
  priceMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  airline: z.string(),
  airlines: z.array(z.string()),
  deepLink: z.string().nullable(),
  segments: z.array(FlightSegment).min(1),
  baggage: z
    .object({ cabinBags: z.number().int().nullable(), checkedBags: z.number().int().nullable() })
    .nullable(),
  conditions: z
    .object({ refundable: z.boolean().nullable(), changeable: z.boolean().nullable() })
    .nullable(),
  /** Whether travellers need passport number and expiry (an international itinerary). */
  documentsRequired: z.boolean(),
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});
export type ProviderOffer = z.infer<typeof ProviderOffer>;

/** The passengers an offer is priced for. */
export interface Passengers {
  adults: number;
  children: number;
  infants: number;
}

export const FlightOffer = z
  .object({
    /** Opaque and sealed: GET /api/flights/{offerToken}, POST /api/flights/bookings. */
    offerToken: z.string(),
    provider: z.enum(PROVIDER_NAMES),
    origin: z.string(),
    destination: z.string(),
    departureAirport: z.string(),
    arrivalAirport: z.string(),
    departureTime: z.iso.datetime({ offset: true }),
    arrivalTime: z.iso.datetime({ offset: true }),
    durationMinutes: z.number().int(),
    stops: z.number().int(),
    /** The total for all passengers, in major units for display. */
    price: z.number(),
    /** The same total in minor units (what is charged). */
    priceMinor: z.number().int(),
    currency: z.string(),
    airline: z.string(),
    airlines: z.array(z.string()),
    deepLink: z.string().nullable(),
    segments: z.array(FlightSegment),
    baggage: ProviderOffer.shape.baggage,
    conditions: ProviderOffer.shape.conditions,
    documentsRequired: z.boolean(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "FlightOffer" });
export type FlightOffer = z.infer<typeof FlightOffer>;

/** Digits after the decimal point of a currency (JPY 0, EUR 2, KWD 3). */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

export const toMinor = (amount: number, currency: string) =>
  Math.round(amount * 10 ** currencyDigits(currency));
export const toMajor = (minor: number, currency: string) => minor / 10 ** currencyDigits(currency);

const TOKEN_CONTEXT = "flights.offer_token";
/** How long a token may be presented; the provider's own expiry is checked again on use. */
export const OFFER_TOKEN_MINUTES = 30;

const TokenContent = z.object({
  v: z.literal(1),
  provider: z.enum(PROVIDER_NAMES),
  ref: z.string(),
  passengers: z.object({
    adults: z.number().int(),
    children: z.number().int(),
    infants: z.number().int(),
  }),
  /** The price the client was shown, to tell it when the confirmed one differs. */
  shownMinor: z.number().int(),
  currency: z.string(),
  /** Unix ms after which the token is refused. */
  expires: z.number().int(),
});
export type OfferTokenContent = z.infer<typeof TokenContent>;

export function sealOfferToken(offer: ProviderOffer, passengers: Passengers, now: Date): string {
  const content: OfferTokenContent = {
    v: 1,
    provider: offer.provider,
    ref: offer.ref,
    passengers,
    shownMinor: offer.priceMinor,
    currency: offer.currency,
    expires: now.getTime() + OFFER_TOKEN_MINUTES * 60_000,
  };
  return sealPersonalData(JSON.stringify(content), TOKEN_CONTEXT);
}

/** The token's content; 404 for anything that is not a live token of ours. */
export function openOfferToken(token: string, now: Date): OfferTokenContent {
  let content: OfferTokenContent;
  try {
    content = TokenContent.parse(JSON.parse(openPersonalData(token, TOKEN_CONTEXT)));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("not_found", "There is no such offer: search again.");
  }
  if (content.expires <= now.getTime()) {
    throw new ApiError("not_found", "This offer has expired: search again.");
  }
  return content;
}

export function publicOffer(offer: ProviderOffer, offerToken: string): FlightOffer {
  const first = offer.segments[0] as FlightSegment;
  const outbound = offer.segments.filter((segment) => segment.direction === "outbound");
  const last = (outbound.at(-1) ?? first) as FlightSegment;
  return {
    offerToken,
    provider: offer.provider,
    origin: offer.origin,
    destination: offer.destination,
    departureAirport: first.origin,
    arrivalAirport: last.destination,
    departureTime: offer.departureTime,
    arrivalTime: offer.arrivalTime,
    durationMinutes: offer.durationMinutes,
    stops: offer.stops,
    price: toMajor(offer.priceMinor, offer.currency),
    priceMinor: offer.priceMinor,
    currency: offer.currency,
    airline: offer.airline,
    airlines: offer.airlines,
    deepLink: offer.deepLink,
    segments: offer.segments,
    baggage: offer.baggage,
    conditions: offer.conditions,
    documentsRequired: offer.documentsRequired,
    expiresAt: offer.expiresAt,
  };
}
