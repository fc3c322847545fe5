// POST /api/payments/create-order: an order for the browser's Razorpay-style checkout. The amount
// is the server's — the hold's when a booking is named, else the catalogue's — and any amount a
// client sends is refused as an unknown field. Our payment id is the order's receipt, so every
// provider record points back to the ledger.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { attachOrder, createPayment } from "./ledger/ledger.js";
import { newPayment, type Payer } from "./new-payment.js";
import { orderProvider } from "./providers/registry.js";

export const OrderRequest = z.strictObject({
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  /** The session type's default format (video when it has a video price) when omitted. */
  format: z.enum(SESSION_FORMATS).optional(),
  /** Pay for this hold: its amount and currency are used. */
  bookingId: z.uuid().optional(),
  /** ISO 4217, without a booking; the practice's currency when omitted. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /**
   * What the MindfulQALB SPA sends about its customer. Accepted and not stored: the booking
   * (POST /api/bookings) carries the customer; the payment needs nothing of theirs.
   */
  customerName: z.string().max(200).optional(),
  customerEmail: z.string().max(254).optional(),
  customerPhone: z.string().max(40).optional(),
});
export type OrderRequest = z.infer<typeof OrderRequest>;

export const Order = z
  .object({
    orderId: z.string(),
    /** In minor units, as the checkout takes it. */
    amount: z.number().int().positive(),
    currency: z.string(),
    /** The public key id to open the checkout with (never the secret). */
    keyId: z.string(),
    /** Our payment id, the order's receipt. */
    paymentId: z.uuid(),
    /** Local sandbox only: the page that plays the provider's checkout. */
    checkoutUrl: z.string().optional(),
  })
  .meta({ id: "Order" });
export type Order = z.infer<typeof Order>;

/** `service` writes the ledger, for the payer, with the amount the catalogue or hold sets. */
export async function createOrder(
  service: SupabaseClient,
  payer: Payer,
  request: OrderRequest,
): Promise<Order> {
  const provider = await orderProvider();
  const payment = await createPayment(service, newPayment(payer, provider.name, request));
  const { orderId } = await provider.createOrder({
    receipt: payment.id,
    amountMinor: payment.amount_minor,
    currency: payment.currency,
  });
  await attachOrder(service, payment.id, orderId);
  return {
    orderId,
    amount: payment.amount_minor,
    currency: payment.currency,
    keyId: provider.keyId,
    paymentId: payment.id,
    ...(provider.name === "sandbox" && { checkoutUrl: `/__dev/pay/${orderId}` }),
  };
}
