// A booking as the API answers it: the database's booking_document, checked, with the customer's
// sealed fields opened. Only the fields listed here ever leave: no ids of other people, no
// hashes, no ciphertext, no practitioner internals.
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { localDateAndTime } from "../scheduling/zoned.js";
import { BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";

export const BOOKING_STATUSES = ["held", "confirmed", "completed", "expired", "cancelled"] as const;

const instant = z.string().transform((text, context) => {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    context.addIssue({ code: "custom", message: "not an instant" });
    return z.NEVER;
  }
  return date;
});

/** public.booking_document(), as PostgREST sends jsonb. */
export const BookingDocument = z.object({
  id: z.uuid(),
  status: z.enum(BOOKING_STATUSES),
  session_type: z.string(),
  format: z.enum(["video", "in_person", "chat", "audio", "call"]),
  starts_at: instant,
  ends_at: instant,
  time_zone: z.string(),
  expires_at: instant.nullable(),
  changeable_until: instant,
  amount_minor: z.number().int(),
  currency: z.string(),
  customer_name_sealed: z.string().nullable(),
  customer_email_sealed: z.string().nullable(),
  customer_phone_sealed: z.string().nullable(),
  notes_sealed: z.string().nullable(),
  sms_opt_in: z.boolean(),
  guest: z.boolean(),
  cancellation_reason: z.string().nullable(),
  refund_due_minor: z.number().int().nullable(),
  created_at: instant,
  practitioner_id: z.uuid(),
  blocked_from: instant,
  blocked_to: instant,
});
export type BookingDocument = z.infer<typeof BookingDocument>;

export const BookingView = z
  .object({
    id: z.uuid(),
    /** As of now: a hold past its expiry is expired. */
    status: z.enum(BOOKING_STATUSES),
    sessionType: z.string(),
    format: z.enum(["video", "in_person", "chat", "audio", "call"]),
    /** The practitioner's local date and time, as the availability slots show them. */
    date: z.iso.date(),
    time: z.string(),
    timezone: z.string(),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    /** Until when an unpaid hold keeps the slot; null otherwise. */
    expiresAt: z.iso.datetime().nullable(),
    /**
     * Until when the customer may reschedule or cancel it themselves (the practice's change
     * window before the start); after that only staff can. An unpaid hold may always be withdrawn.
     */
    changeableUntil: z.iso.datetime(),
    /** Computed by the server from the catalogue, in minor units. */
    price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    /** Null once the customer's account is deleted. */
    customer: z
      .object({ name: z.string(), email: z.string(), phone: z.string().nullable() })
      .nullable(),
    notes: z.string().nullable(),
    /** Texts about the booking (reminders included) also go to its phone number. */
    smsReminders: z.boolean(),
    cancellationReason: z.string().nullable(),
    /** What the cancellation policy refunds, in minor units; null when nothing is owed. */
    refundDueMinor: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Booking" });
export type BookingView = z.infer<typeof BookingView>;

/** The checked document; an unexpected shape is our bug, not the caller's. */
export function parseBookingDocument(data: unknown): BookingDocument {
  return BookingDocument.parse(data);
}

export function bookingView(document: BookingDocument): BookingView {
  const open = (sealed: string | null, context: string) =>
    sealed === null ? null : openPersonalData(sealed, context);
  const name = open(document.customer_name_sealed, BOOKING_SEALED_COLUMNS.customer_name_sealed);
  const email = open(document.customer_email_sealed, BOOKING_SEALED_COLUMNS.customer_email_sealed);
  return {
    id: document.id,
    status: document.status,
    sessionType: document.session_type,
    format: document.format,
    ...localDateAndTime(document.starts_at, document.time_zone),
    timezone: document.time_zone,
    start: document.starts_at.toISOString(),
    end: document.ends_at.toISOString(),
    expiresAt: document.expires_at?.toISOString() ?? null,
    changeableUntil: document.changeable_until.toISOString(),
    price: { amountMinor: document.amount_minor, currency: document.currency },
    customer:
      name === null || email === null
        ? null
        : {
            name,
            email,
            phone: open(
              document.customer_phone_sealed,
              BOOKING_SEALED_COLUMNS.customer_phone_sealed,
            ),
          },
    notes: open(document.notes_sealed, BOOKING_SEALED_COLUMNS.notes_sealed),
    smsReminders: document.sms_opt_in,
    cancellationReason: document.cancellation_reason,
    refundDueMinor: document.refund_due_minor,
    createdAt: document.created_at.toISOString(),
  };
}
