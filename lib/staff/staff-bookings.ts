// Staff work on their practitioners' bookings (issue 17, item 6): GET /api/staff/bookings (a day
// or a range, customer data opened), GET /api/staff/bookings/:id (with its payments and consent
// record), POST /api/staff/bookings/:id/refund. The database decides who sees what
// (public.staff_bookings, public.staff_booking_record: staff of the booking's practitioner, or
// an admin; anyone else 404) and logs every read of customer data in personal_data_reads, in
// the transaction of the read (supabase/migrations/20261121001500_staff_admin.sql). Confirming
// and cancelling stay POST /api/bookings/:id/confirm and /cancel, which serve staff already.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { BookingView, bookingView, parseBookingDocument } from "../bookings/booking-view.js";
import { ApiError } from "../http/errors.js";
import { type RefundView, staffRefund } from "../payments/staff-refund.js";
import { assertTimeZone, firstInstantAtOrAfterWall, parseDate } from "../scheduling/zoned.js";

const DAY_MS = 86_400_000;
/** The longest range one list answers (the database's limit too). */
export const STAFF_RANGE_MAX_DAYS = 31;

const isoDate = z.iso.date();

export const StaffBookingsQuery = z
  .strictObject({
    /** The first local date listed (YYYY-MM-DD). */
    from: isoDate,
    /** The last local date listed, inclusive; `from` when omitted (one day). */
    to: isoDate.optional(),
    /** The IANA zone the dates are local to; UTC when omitted. */
    timeZone: z
      .string()
      .max(64)
      .refine((name) => {
        try {
          assertTimeZone(name);
          return true;
        } catch {
          return false;
        }
      }, "An IANA time zone such as Asia/Kolkata")
      .default("UTC"),
    /** Only this practitioner's bookings (one the caller serves; admins any). */
    practitionerId: z.uuid().optional(),
  })
  .refine(({ from, to }) => to === undefined || to >= from, "`to` must be on or after `from`")
  .refine(
    ({ from, to }) =>
      to === undefined || (Date.parse(to) - Date.parse(from)) / DAY_MS < STAFF_RANGE_MAX_DAYS,
    `At most ${STAFF_RANGE_MAX_DAYS} days at a time`,
  );
export type StaffBookingsQuery = z.infer<typeof StaffBookingsQuery>;

export const StaffBooking = BookingView.extend({
  practitionerId: z.uuid(),
}).meta({ id: "StaffBooking" });
export type StaffBooking = z.infer<typeof StaffBooking>;

export const StaffBookingList = z
  .object({
    /** Sessions overlapping the range, by start; lapsed holds left out; at most 500. */
    bookings: z.array(StaffBooking),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
  })
  .meta({ id: "StaffBookingList" });
export type StaffBookingList = z.infer<typeof StaffBookingList>;

export const StaffBookingParams = z.strictObject({ id: z.uuid() });

const instant = z.string().transform((text) => new Date(text).toISOString());

const RecordDocument = z.object({
  booking: z.unknown(),
  paid_by_payment_id: z.uuid().nullable(),
  personal_data_erased_at: instant.nullable(),
  payments: z.array(
    z.object({
      id: z.uuid(),
      provider: z.string(),
      status: z.string(),
      amount_minor: z.number().int(),
      currency: z.string(),
      refunded_minor: z.number().int(),
      created_at: instant,
      captured_at: instant.nullable(),
      refunds: z.array(
        z.object({
          id: z.uuid(),
          amount_minor: z.number().int(),
          status: z.string(),
          created_at: instant,
        }),
      ),
    }),
  ),
  consent: z
    .object({
      id: z.uuid(),
      consent_version: z.string(),
      acknowledgments: z.array(z.string()),
      created_at: instant,
      expires_at: instant,
    })
    .nullable(),
});

export const StaffBookingRecord = z
  .object({
    booking: StaffBooking,
    /** The payment that paid for the booking; null when unpaid or free. */
    paidByPaymentId: z.uuid().nullable(),
    /** When the retention job erased the customer's data; null while it is kept. */
    personalDataErasedAt: z.iso.datetime().nullable(),
    payments: z.array(
      z.object({
        id: z.uuid(),
        provider: z.string(),
        status: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        refundedMinor: z.number().int(),
        createdAt: z.iso.datetime(),
        capturedAt: z.iso.datetime().nullable(),
        refunds: z.array(
          z.object({
            id: z.uuid(),
            amountMinor: z.number().int(),
            status: z.string(),
            createdAt: z.iso.datetime(),
          }),
        ),
      }),
    ),
    /**
     * The consent record the booking rests on: what was agreed and when. Its IP and user agent
     * are read with GET /api/consent/{id}, audited as such.
     */
    consent: z
      .object({
        id: z.uuid(),
        version: z.string(),
        acknowledgments: z.array(z.string()),
        createdAt: z.iso.datetime(),
        expiresAt: z.iso.datetime(),
      })
      .nullable(),
  })
  .meta({ id: "StaffBookingRecord" });
export type StaffBookingRecord = z.infer<typeof StaffBookingRecord>;

export const StaffRefundRequest = z.strictObject({
  /** Minor units; what is left to refund of the booking's payment when omitted. */
  amount: z.number().int().positive().optional(),
  reason: z.string().trim().min(1).max(500),
});
export type StaffRefundRequest = z.infer<typeof StaffRefundRequest>;

function staffError(error: PostgrestError, action: string): never {
  if (error.code === "PT404")
    throw new ApiError("not_found", "There is no such booking or practitioner.");
  if (error.code === "42501") throw new ApiError("forbidden", "This needs a staff account.");
  throw new Error(`${action} failed: ${error.code} ${error.message}`);
}

function staffBooking(document: unknown): StaffBooking {
  const parsed = parseBookingDocument(document);
  return { ...bookingView(parsed), practitionerId: parsed.practitioner_id };
}

/** Local midnight of `date` in `timeZone` (or the first instant after it, on a gap day). */
const midnight = (date: string, timeZone: string) =>
  new Date(firstInstantAtOrAfterWall(parseDate(date), timeZone));

const nextDate = (date: string) => new Date(parseDate(date) + DAY_MS).toISOString().slice(0, 10);

export async function listStaffBookings(
  db: SupabaseClient,
  query: StaffBookingsQuery,
): Promise<StaffBookingList> {
  const from = midnight(query.from, query.timeZone);
  const to = midnight(nextDate(query.to ?? query.from), query.timeZone);
  const { data, error } = await db.rpc("staff_bookings", {
    p_from: from.toISOString(),
    p_to: to.toISOString(),
    p_practitioner_id: query.practitionerId ?? null,
  });
  if (error) staffError(error, "listing staff bookings");
  return {
    bookings: z.array(z.unknown()).parse(data).map(staffBooking),
    from: from.toISOString(),
    to: to.toISOString(),
  };
}

export async function readStaffBooking(
  db: SupabaseClient,
  id: string,
): Promise<StaffBookingRecord> {
  const { data, error } = await db.rpc("staff_booking_record", { p_id: id });
  if (error) staffError(error, "reading a booking for staff");
  const record = RecordDocument.parse(data);
  return {
    booking: staffBooking(record.booking),
    paidByPaymentId: record.paid_by_payment_id,
    personalDataErasedAt: record.personal_data_erased_at,
    payments: record.payments.map((payment) => ({
      id: payment.id,
      provider: payment.provider,
      status: payment.status,
      amountMinor: payment.amount_minor,
      currency: payment.currency,
      refundedMinor: payment.refunded_minor,
      createdAt: payment.created_at,
      capturedAt: payment.captured_at,
      refunds: payment.refunds.map((refund) => ({
        id: refund.id,
        amountMinor: refund.amount_minor,
        status: refund.status,
        createdAt: refund.created_at,
      })),
    })),
    consent:
      record.consent === null
        ? null
        : {
            id: record.consent.id,
            version: record.consent.consent_version,
            acknowledgments: record.consent.acknowledgments,
            createdAt: record.consent.created_at,
            expiresAt: record.consent.expires_at,
          },
  };
}

/**
 * Refunds the payment that paid for the booking (POST /api/payments/refund's rules and audit:
 * staffRefund). The booking is read through row-level security, so another practitioner's
 * booking is 404 like an unknown one; an unpaid booking is 409.
 */
export async function refundStaffBooking(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  id: string,
  request: StaffRefundRequest,
  idempotencyKey: string,
): Promise<RefundView> {
  const { data, error } = await db
    .from("bookings")
    .select("paid_by_payment_id, practitioner_id")
    .eq("id", id)
    .maybeSingle<{ paid_by_payment_id: string | null; practitioner_id: string }>();
  if (error) throw new Error(`reading a booking's payment failed: ${error.code} ${error.message}`);
  // Row-level security also shows a staff member their own bookings as a customer: only the
  // bookings of a practitioner they serve count here.
  if (data === null || !(await servesPractitioner(db, caller, data.practitioner_id))) {
    throw new ApiError("not_found", "There is no such booking.");
  }
  if (data.paid_by_payment_id === null) {
    throw new ApiError("conflict", "This booking has no captured payment to refund.");
  }
  return staffRefund(
    db,
    service,
    caller,
    { paymentId: data.paid_by_payment_id, amount: request.amount, reason: request.reason },
    idempotencyKey,
  );
}

async function servesPractitioner(
  db: SupabaseClient,
  caller: Caller,
  practitionerId: string,
): Promise<boolean> {
  if (caller.roles.includes("admin")) return true;
  const { data, error } = await db.rpc("is_my_practitioner", { p_practitioner_id: practitionerId });
  if (error) throw new Error(`checking staff scope failed: ${error.code} ${error.message}`);
  return data === true;
}
