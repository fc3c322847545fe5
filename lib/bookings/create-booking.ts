// POST /api/bookings: a hold on the slot the customer picked (a confirmed booking when the
// session is free), for a signed-in customer or a guest. The API seals the customer's data and
// hands the local date and time the customer picked to public.create_booking_at, one database
// round trip and one transaction: it turns them into the slot's instant in the practitioner's
// time zone (the first free one where a fall-back day shows the time twice) and leaves every
// invariant that could race — the slot being free, the grid, notice and horizon, consent, the
// price, the hold's length — to create_booking. That function takes sealed data, so only the
// server may call it: `db.service` is the service client, and the booking is the signed-in
// caller's (their verified id) or a guest's (a new token).
//
// The therapy spec pays first and books after: with `paymentId` (Bastion's payment id, or the
// provider's `pay_…`/`pi_…` as verify answers it) public.book_session_at takes a captured payment
// nobody has used, for the same session type and amount, and books and confirms the slot in the
// same transaction. If the slot was taken between payment and booking, nothing is booked: the
// payment goes back in full through the ledger's refund path (lib/payments/ledger) and the answer
// is 409 slot_unavailable saying so.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { sealPersonalData } from "../crypto/personal-data.js";
import { customerEmailHash } from "../customers/customer-email.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { refundPayment } from "../payments/ledger/refund-payment.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { linkBookingToCalcom } from "../scheduling/calcom/link.js";
import { throwBookingError } from "./booking-errors.js";
import { BookingView, bookingView, parseBookingDocument } from "./booking-view.js";
import { newManageToken } from "./manage-token.js";
import { defaultCurrency } from "./policy.js";
import { BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";
import { minutesOf, TIME_LABEL } from "./slot-choice.js";

/** Digits with an optional leading +, spaces, dashes, dots and brackets, as people type them. */
const PHONE = /^\+?[0-9][0-9 ().-]{4,24}$/;

export const BookingNotes = z.string().trim().max(1000);

export const BookingRequest = z.strictObject({
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  /** The session type's default format (video when it has a video price) when omitted. */
  format: z.enum(SESSION_FORMATS).optional(),
  /** The practitioner's local date and a time label from GET /api/availability. */
  date: z.iso.date(),
  time: z.string().regex(TIME_LABEL, "Choose a time, such as 10:00 AM or 14:30"),
  /** The practitioner GET /api/availability was asked about; the default one when omitted. */
  practitionerId: z.uuid().optional(),
  customer: z.strictObject({
    name: z.string().trim().min(1, "Enter the client's name").max(200),
    email: z.email("Enter an email address, such as name@example.com").max(254),
    phone: z.string().trim().regex(PHONE, "A phone number").nullish(),
    /** Where the MindfulQALB SPA sends the notes (always, "" for none); same as `notes`. */
    notes: BookingNotes.optional(),
  }),
  /**
   * Sent by the MindfulQALB SPA when signed in; ignored: the booking is the verified caller's
   * (their access token), or a guest's.
   */
  user_id: z.string().max(100).optional(),
  /**
   * The client ticked the consent box. Session types that require consent refuse `false`;
   * omitted (the MindfulQALB SPA sends none), the consent record for the email, which
   * POST /api/consent made after checking every item, is the acceptance. Either way a record is
   * required.
   */
  consentAccepted: z.boolean().optional(),
  /** The record POST /api/consent returned; else the latest one for this email and type. */
  consentId: z.uuid().optional(),
  /**
   * A captured payment not yet used, for this session type and amount, to book and confirm with
   * at once: Bastion's payment id, or the provider's (`pay_…`, `pi_…`).
   */
  paymentId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, "A payment id: Bastion's, or the provider's (pay_…)")
    .optional(),
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
  const minutes = minutesOf(request.time);
  if (minutes === undefined) {
    throw new ApiError(
      "slot_unavailable",
      `No ${request.sessionType} session starts at ${request.time} on ${request.date}; pick a time from GET /api/availability.`,
    );
  }
  const guest = userId === null ? newManageToken() : undefined;
  const notes = request.notes || request.customer.notes;
  const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
    sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);

  // One round trip: create_booking_at finds the instant the practitioner's clock reads `time`
  // on `date` and books it with every rule create_booking checks (the slot free, the grid,
  // notice and horizon, consent, the price, the hold's length).
  const { data, error } = await db.service.rpc("book_session_at", {
    p_user_id: userId,
    p_manage_token_hash: guest?.hash ?? null,
    p_payment_ref: request.paymentId ?? null,
    p_session_type_slug: request.sessionType,
    p_format: request.format ?? null,
    p_practitioner_id: request.practitionerId ?? null,
    p_date: request.date,
    p_minutes: minutes,
    // With a payment, the payment's currency unless one is named (which must be the same).
    p_currency: request.currency ?? (request.paymentId ? null : defaultCurrency()),
    p_customer_name_sealed: seal(request.customer.name, "customer_name_sealed"),
    p_customer_email_sealed: seal(request.customer.email, "customer_email_sealed"),
    p_customer_email_hash: customerEmailHash(request.customer.email),
    p_customer_phone_sealed: request.customer.phone
      ? seal(request.customer.phone, "customer_phone_sealed")
      : null,
    p_notes_sealed: notes ? seal(notes, "notes_sealed") : null,
    p_consent_accepted: request.consentAccepted ?? true,
    p_consent_id: request.consentId ?? null,
  });
  if (error) {
    throwBookingError(
      error,
      "creating a booking",
      `There is no bookable ${request.sessionType} session, or no ${request.format ?? "default format"} price for it in ${request.currency ?? defaultCurrency()}.`,
    );
  }
  const outcome = BookOutcome.parse(data);
  if (outcome.slot_taken) {
    throw await refundedSlotTaken(db.service, outcome.payment_id, outcome.refund_minor);
  }
  const booking = bookingView(parseBookingDocument(outcome.booking));
  await linkBookingToCalcom(db.service, request.sessionType, booking.id);
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

/** What public.book_session_at answers: the booking, or the slot taken after the payment. */
const BookOutcome = z.union([
  z.object({ slot_taken: z.literal(true), payment_id: z.uuid(), refund_minor: z.coerce.number() }),
  z.object({ slot_taken: z.undefined().optional(), booking: z.unknown() }),
]);

/**
 * The payment paid for a slot someone took before the booking was made: it goes back in full,
 * once (the key names the payment, as for any capture a booking could not take), and the caller
 * hears so. A provider that cannot be reached now leaves the refund pending for the settlement
 * sweep (api/cron/settle-payments), which the answer says too.
 */
async function refundedSlotTaken(
  service: SupabaseClient,
  paymentId: string,
  refundMinor: number,
): Promise<ApiError> {
  let refundStatus: string;
  try {
    const refund =
      refundMinor > 0
        ? await refundPayment(service, {
            paymentId,
            amountMinor: refundMinor,
            reason: "The slot was taken between the payment and the booking",
            requestedBy: null,
            idempotencyKey: `unusable-capture:${paymentId}`,
          })
        : undefined;
    refundStatus = refund?.status ?? "succeeded";
  } catch (error) {
    log.error("slot_taken_refund_failed", { paymentId, error });
    refundStatus = "pending";
  }
  const refunded =
    refundStatus === "succeeded"
      ? "it has been refunded in full"
      : "a full refund has been requested and will be completed automatically";
  return new ApiError(
    "slot_unavailable",
    `Someone else booked this time after you paid, so nothing was booked and your payment ${paymentId} cannot be used: ${refunded}. Pick another time and pay again.`,
    { extensions: { paymentId, refund: { status: refundStatus, amountMinor: refundMinor } } },
  );
}
