// POST /api/bookings: a hold on the slot the customer picked (a confirmed booking when the
// session is free), for a signed-in customer or a guest. The API seals the customer's data and
// hands the local date and time the customer picked to public.create_booking_at, one database
// round trip and one transaction: it turns them into the slot's instant in the practitioner's
// time zone (the first free one where a fall-back day shows the time twice) and leaves every
// invariant that could race — the slot being free, the grid, notice and horizon, consent, the
// price, the hold's length — to create_booking. That function takes sealed data, so only the
// server may call it: `db.service` is the service client, and the booking is the signed-in
// caller's (their verified id) or a guest's (a new token).
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { sealPersonalData } from "../crypto/personal-data.js";
import { customerEmailHash } from "../customers/customer-email.js";
import { ApiError } from "../http/errors.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { callBookingFunction } from "./booking-rpc.js";
import { BookingView, bookingView } from "./booking-view.js";
import { newManageToken } from "./manage-token.js";
import { defaultCurrency } from "./policy.js";
import { BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";
import { minutesOf, TIME_LABEL } from "./slot-choice.js";

/** Digits with an optional leading +, spaces, dashes, dots and brackets, as people type them. */
const PHONE = /^\+?[0-9][0-9 ().-]{4,24}$/;

export const BookingNotes = z.string().trim().max(1000);

export const BookingRequest = z.strictObject({
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  format: z.enum(SESSION_FORMATS),
  /** The practitioner's local date and a time label from GET /api/availability. */
  date: z.iso.date(),
  time: z.string().regex(TIME_LABEL, "Choose a time, such as 10:00 AM or 14:30"),
  /** The practitioner GET /api/availability was asked about; the default one when omitted. */
  practitionerId: z.uuid().optional(),
  customer: z.strictObject({
    name: z.string().trim().min(1, "Enter the client's name").max(200),
    email: z.email("Enter an email address, such as name@example.com").max(254),
    phone: z.string().trim().regex(PHONE, "A phone number").nullish(),
  }),
  /** The client ticked the consent box; session types that require consent need it true. */
  consentAccepted: z.boolean().optional(),
  /** The record POST /api/consent returned; else the latest one for this email and type. */
  consentId: z.uuid().optional(),
  /** A captured payment to confirm the booking with at once. */
  paymentId: z.string().min(1).max(100).optional(),
  /** ISO 4217; the practice's currency when omitted. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  notes: BookingNotes.optional(),
});
export type BookingRequest = z.infer<typeof BookingRequest>;

export const BookingCreated = z
  .object({
    success: z.literal(true),
    bookingId: z.uuid(),
    status: BookingView.shape.status,
    /** Where the customer sees and manages the booking (for a guest, with the token). */
    confirmationUrl: z.url(),
    /** Until when an unpaid hold keeps the slot. */
    expiresAt: z.iso.datetime().optional(),
    /** Guests only, shown once: send it as X-Booking-Token to read, change or cancel. */
    manageToken: z.string().optional(),
    booking: BookingView,
  })
  .meta({ id: "BookingCreated" });
export type BookingCreated = z.infer<typeof BookingCreated>;

/**
 * `db.service` makes the booking (it takes sealed personal data) for `userId`, the signed-in
 * caller's id or null for a guest, in one database call.
 */
export async function createBooking(
  db: { readonly service: SupabaseClient },
  userId: string | null,
  request: BookingRequest,
  siteUrl: string,
): Promise<BookingCreated> {
  if (request.paymentId !== undefined) {
    // Paying first and booking with that payment is not supported yet: a payment is made for
    // a hold. Refused, so that no payment is taken for a booking that never links to it.
    throw new ApiError(
      "payment_not_usable",
      "There is no captured, unused payment with this id for this session; book without paymentId to get a hold, then pay for it.",
    );
  }
  const minutes = minutesOf(request.time);
  if (minutes === undefined) {
    throw new ApiError(
      "slot_unavailable",
      `No ${request.sessionType} session starts at ${request.time} on ${request.date}; pick a time from GET /api/availability.`,
    );
  }
  const guest = userId === null ? newManageToken() : undefined;
  const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
    sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);

  // One round trip: create_booking_at finds the instant the practitioner's clock reads `time`
  // on `date` and books it with every rule create_booking checks (the slot free, the grid,
  // notice and horizon, consent, the price, the hold's length).
  const document = await callBookingFunction(db.service, {
    fn: "create_booking_at",
    action: "creating a booking",
    notFound: `There is no bookable ${request.sessionType} session, or no ${request.format} price for it in ${request.currency ?? defaultCurrency()}.`,
    args: {
      p_user_id: userId,
      p_manage_token_hash: guest?.hash ?? null,
      p_session_type_slug: request.sessionType,
      p_format: request.format,
      p_practitioner_id: request.practitionerId ?? null,
      p_date: request.date,
      p_minutes: minutes,
      p_currency: request.currency ?? defaultCurrency(),
      p_customer_name_sealed: seal(request.customer.name, "customer_name_sealed"),
      p_customer_email_sealed: seal(request.customer.email, "customer_email_sealed"),
      p_customer_email_hash: customerEmailHash(request.customer.email),
      p_customer_phone_sealed: request.customer.phone
        ? seal(request.customer.phone, "customer_phone_sealed")
        : null,
      p_notes_sealed: request.notes ? seal(request.notes, "notes_sealed") : null,
      p_consent_accepted: request.consentAccepted ?? false,
      p_consent_id: request.consentId ?? null,
    },
  });
  const booking = bookingView(document);
  const confirmationUrl = new URL(`/bookings/${booking.id}`, siteUrl);
  if (guest) confirmationUrl.hash = `token=${guest.token}`;
  return {
    success: true,
    bookingId: booking.id,
    status: booking.status,
    confirmationUrl: confirmationUrl.toString(),
    ...(booking.expiresAt && { expiresAt: booking.expiresAt }),
    ...(guest && { manageToken: guest.token }),
    booking,
  };
}
