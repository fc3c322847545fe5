// A shop order's payment: the ledger's row (lib/payments/payment-row.ts) with the order it pays and
// the destination charge it was made as, and the view the shop endpoints answer with.
import * as z from "zod";
import { PAYMENT_STATUSES, PaymentRow } from "../../payments/payment-row.js";

export const ShopPaymentRow = PaymentRow.extend({
  order_id: z.uuid(),
  transfer_destination: z.string().nullable(),
  application_fee_minor: z.coerce.number().int(),
});
export type ShopPaymentRow = z.infer<typeof ShopPaymentRow>;

export const ShopPayment = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    provider: z.enum(["razorpay", "stripe", "sandbox"]),
    status: z.enum(PAYMENT_STATUSES),
    /** The order's total when the payment opened, in minor units: never the client's number. */
    amountMinor: z.number().int(),
    currency: z.string(),
    refundedMinor: z.number().int(),
    /** The platform's fee kept from a connected shop's charge (0 on the platform's own account). */
    applicationFeeMinor: z.number().int(),
    /** Whether the money goes to the shop's Stripe Connect account (else the platform's). */
    connectedAccount: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
    capturedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: "ShopPayment" });
export type ShopPayment = z.infer<typeof ShopPayment>;

export function shopPaymentView(row: ShopPaymentRow): ShopPayment {
  return {
    id: row.id,
    orderId: row.order_id,
    provider: row.provider,
    status: row.status,
    amountMinor: row.amount_minor,
    currency: row.currency,
    refundedMinor: row.refunded_minor,
    applicationFeeMinor: row.application_fee_minor,
    connectedAccount: row.transfer_destination !== null,
    createdAt: new Date(row.created_at).toISOString(),
    capturedAt: row.captured_at === null ? null : new Date(row.captured_at).toISOString(),
  };
}
