// A row of public.payments as the ledger functions return it, and the view the API answers with:
// amounts from the server, ids the client may hold, nothing of the provider's secrets.
import * as z from "zod";

export const PAYMENT_STATUSES = [
  "created",
  "authorized",
  "captured",
  "partially_refunded",
  "refunded",
  "failed",
] as const;

export const PaymentRow = z.object({
  id: z.uuid(),
  user_id: z.uuid().nullable(),
  booking_id: z.uuid().nullable(),
  provider: z.enum(["razorpay", "stripe", "sandbox"]),
  provider_order_id: z.string().nullable(),
  provider_payment_id: z.string().nullable(),
  /** A session's payment; null for a shop order's (order_id, issue 20). */
  session_type_id: z.uuid().nullable(),
  /** The flight booking it pays for (lib/travel), if any. */
  flight_booking_id: z.uuid().nullable().optional(),
  /** A shop's Stripe Connect account a destination charge pays out to (lib/shops/payments). */
  transfer_destination: z.string().nullable().optional(),
  amount_minor: z.coerce.number().int(),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  refunded_minor: z.coerce.number().int(),
  created_at: z.string(),
  captured_at: z.string().nullable(),
});
export type PaymentRow = z.infer<typeof PaymentRow>;

export const PaymentView = z
  .object({
    id: z.uuid(),
    bookingId: z.uuid().nullable(),
    provider: z.enum(["razorpay", "stripe", "sandbox"]),
    status: z.enum(PAYMENT_STATUSES),
    /** Computed by the server, in minor units. */
    amountMinor: z.number().int(),
    currency: z.string(),
    refundedMinor: z.number().int(),
    createdAt: z.iso.datetime({ offset: true }),
    capturedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "Payment" });
export type PaymentView = z.infer<typeof PaymentView>;

export function paymentView(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    bookingId: row.booking_id,
    provider: row.provider,
    status: row.status,
    amountMinor: row.amount_minor,
    currency: row.currency,
    refundedMinor: row.refunded_minor,
    createdAt: new Date(row.created_at).toISOString(),
    capturedAt: row.captured_at === null ? null : new Date(row.captured_at).toISOString(),
  };
}
