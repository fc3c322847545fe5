// POST /api/payments/create-order: an order for the browser's Razorpay-style checkout. The amount
// is the server's — the hold's when a booking is named, else the catalogue's — and any amount a
// client sends is refused as an unknown field. Our payment id is the order's receipt, so every
// provider record points back to the ledger. A coupon (`couponCode`, the MindfulQALB SPA's) takes
// its discount off the catalogue price in the same database call that opens the payment.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { ApiError } from "../http/errors.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { couponCodeOf, openCouponPayment } from "./coupons.js";
import { attachOrder, createPayment } from "./ledger/ledger.js";
import { newPayment, type Payer } from "./new-payment.js";
import type { PaymentRow } from "./payment-row.js";
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
  /**
   * A coupon code, for a session from the catalogue (not with `bookingId`): the server takes its
   * discount off the price. The MindfulQALB SPA sends it twice, as `couponCode` and
   * `coupon_code`; both must then be the same.
   */
  couponCode: z.string().trim().min(1).max(64).optional(),
  coupon_code: z.string().trim().min(1).max(64).optional(),
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
    /** With a coupon: what it took off the price, in the same minor units as `amount`. */
    discountPaise: z.number().int().positive().optional(),
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
  const couponCode = couponCodeOf(request);
  if (couponCode !== undefined && request.bookingId !== undefined) {
    throw new ApiError("validation_failed", "A coupon applies to a session from the catalogue.", {
      errors: { couponCode: ["Send it without bookingId"] },
    });
  }
  const fresh = newPayment(payer, provider.name, request);
  const payment: PaymentRow & { discount_minor?: number } =
    couponCode === undefined
      ? await createPayment(service, fresh)
      : await openCouponPayment(service, {
          userId: fresh.userId,
          provider: fresh.provider,
          sessionType: request.sessionType,
          format: fresh.format,
          currency: fresh.currency,
          couponCode,
        });
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
    ...(payment.discount_minor && { discountPaise: payment.discount_minor }),
    ...(provider.name === "sandbox" && { checkoutUrl: `/__dev/pay/${orderId}` }),
  };
}
