// A row of public.flight_bookings and the view the API answers with: the itinerary, price and
// statuses; the travellers' names (their documents and the contact details never leave sealed).
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { FlightSegment, ProviderOffer, toMajor } from "./offer.js";
import { FLIGHT_BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";
import { TRAVELER_TYPES, type Traveler } from "./travelers.js";

export const FLIGHT_BOOKING_STATUSES = [
  "pending_payment",
  "confirmed",
  "cancelled",
  "failed",
] as const;
export const FLIGHT_PAYMENT_STATUSES = ["unpaid", "paid", "refund_due", "refunded"] as const;

export const FlightBookingRow = z.object({
  id: z.uuid(),
  reference: z.string(),
  user_id: z.uuid().nullable(),
  provider: z.enum(["kiwi", "duffel", "sandbox"]),
  provider_offer_ref: z.string(),
  status: z.enum(FLIGHT_BOOKING_STATUSES),
  payment_status: z.enum(FLIGHT_PAYMENT_STATUSES),
  amount_minor: z.coerce.number().int(),
  currency: z.string(),
  itinerary: ProviderOffer,
  departs_at: z.string(),
  refundable: z.boolean().nullable(),
  travelers_sealed: z.string(),
  contact_email_sealed: z.string(),
  contact_phone_sealed: z.string(),
  paid_by_payment_id: z.uuid().nullable(),
  provider_order_id: z.string().nullable(),
  provider_booking_reference: z.string().nullable(),
  confirmed_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  created_at: z.string(),
  adults: z.number().int().default(1),
  children: z.number().int().default(0),
  infants: z.number().int().default(0),
  ordering_claimed_at: z.string().nullable().default(null),
  provider_cancellation_id: z.string().nullable().default(null),
  refund_minor: z.coerce.number().int().nullable().default(null),
});
export type FlightBookingRow = z.infer<typeof FlightBookingRow>;

export const FlightBookingView = z
  .object({
    id: z.uuid(),
    /** The human booking reference, e.g. K7QM2XPA. */
    reference: z.string(),
    status: z.enum(FLIGHT_BOOKING_STATUSES),
    paymentStatus: z.enum(FLIGHT_PAYMENT_STATUSES),
    /** The confirmed total in minor units, and for display. */
    amountMinor: z.number().int(),
    price: z.number(),
    currency: z.string(),
    provider: z.enum(["kiwi", "duffel", "sandbox"]),
    origin: z.string(),
    destination: z.string(),
    departureTime: z.iso.datetime({ offset: true }),
    arrivalTime: z.iso.datetime({ offset: true }),
    airline: z.string(),
    stops: z.number().int(),
    segments: z.array(FlightSegment),
    travelers: z.array(
      z.object({ type: z.enum(TRAVELER_TYPES), givenName: z.string(), familyName: z.string() }),
    ),
    /** The airline's reference (PNR) when the provider ticketed it (Duffel). */
    providerBookingReference: z.string().nullable(),
    /**
     * What a cancellation refunds, in minor units: the whole amount, or what the airline gives
     * back for a ticketed booking cancelled at the provider; null while not cancelled.
     */
    refundMinor: z.number().int().nullable(),
    /** Whether the owner may cancel now (unpaid, or a refundable fare before departure). */
    cancellable: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
    confirmedAt: z.iso.datetime({ offset: true }).nullable(),
    cancelledAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "FlightBooking" });
export type FlightBookingView = z.infer<typeof FlightBookingView>;

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

export function openTravelers(row: FlightBookingRow): Traveler[] {
  return JSON.parse(
    openPersonalData(row.travelers_sealed, FLIGHT_BOOKING_SEALED_COLUMNS.travelers_sealed),
  ) as Traveler[];
}

export function flightBookingView(row: FlightBookingRow, now: Date): FlightBookingView {
  const offer = row.itinerary;
  const open = row.status === "pending_payment" || row.status === "confirmed";
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    paymentStatus: row.payment_status,
    amountMinor: row.amount_minor,
    price: toMajor(row.amount_minor, row.currency),
    currency: row.currency,
    provider: row.provider,
    origin: offer.origin,
    destination: offer.destination,
    departureTime: offer.departureTime,
    arrivalTime: offer.arrivalTime,
    airline: offer.airline,
    stops: offer.stops,
    segments: offer.segments,
    travelers: openTravelers(row).map(({ type, givenName, familyName }) => ({
      type,
      givenName,
      familyName,
    })),
    providerBookingReference: row.provider_booking_reference,
    refundMinor:
      row.status !== "cancelled" || row.paid_by_payment_id === null
        ? null
        : (row.refund_minor ?? row.amount_minor),
    cancellable:
      open &&
      Date.parse(row.departs_at) > now.getTime() &&
      (row.paid_by_payment_id === null || row.refundable === true),
    createdAt: new Date(row.created_at).toISOString(),
    confirmedAt: iso(row.confirmed_at),
    cancelledAt: iso(row.cancelled_at),
  };
}
