// POST /api/shops/:shopId/payments/intent: a payment for one of the shop's pending orders. The
// amount is the order's total, read by the database under the order's lock (shop_open_payment);
// the body names only the order, and an amount in it is refused as an unknown field. Stripe by
// default: a destination charge to the shop's connected account when Stripe reports it can take
// charges (less the platform's fee, SHOP_PLATFORM_FEE_BPS), else a charge on the platform's own
// account. Razorpay for an INR order when Razorpay is configured (or when asked for), on the
// platform's account through the existing adapter.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { env, requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { attachOrder } from "../../payments/ledger/ledger.js";
import { openShopPayment } from "./shop-ledger.js";
import { createShopIntent } from "./stripe-connect.js";

export const ShopIntentRequest = z.strictObject({
  orderId: z.uuid(),
  /** Stripe, or Razorpay (where configured); by default Razorpay for INR orders when configured. */
  provider: z.enum(["stripe", "razorpay"]).optional(),
});
export type ShopIntentRequest = z.infer<typeof ShopIntentRequest>;

export const ShopIntentCreated = z
  .object({
    /** Bastion's payment id: GET /api/shops/{shopId}/payments/{id}. */
    paymentId: z.uuid(),
    orderId: z.uuid(),
    provider: z.enum(["stripe", "razorpay"]),
    /** The order's total, in minor units, computed by the server. */
    amount: z.number().int().positive(),
    currency: z.string(),
    /** The platform's fee kept from the charge (0 without a connected account). */
    applicationFeeAmount: z.number().int().nonnegative(),
    /** Whether the charge goes to the shop's Stripe Connect account. */
    connectedAccount: z.boolean(),
    /** Stripe: for stripe.confirmPayment in the browser; it can pay this intent only. */
    clientSecret: z.string().optional(),
    paymentIntentId: z.string().optional(),
    /** Razorpay: the order Checkout opens, and the public key id to open it with. */
    razorpayOrderId: z.string().optional(),
    keyId: z.string().optional(),
  })
  .meta({ id: "ShopIntentCreated" });
export type ShopIntentCreated = z.infer<typeof ShopIntentCreated>;

const razorpayConfigured = () => {
  const { RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET } = env();
  return RAZORPAY_KEY_ID !== undefined && RAZORPAY_KEY_SECRET !== undefined;
};

export async function createShopPaymentIntent(
  service: SupabaseClient,
  shopId: string,
  request: ShopIntentRequest,
): Promise<ShopIntentCreated> {
  if (request.provider === "razorpay" && !razorpayConfigured()) {
    throw new ApiError("provider_not_configured", "Razorpay is not configured on this server.");
  }
  // Before a payment opens, so an unconfigured provider leaves nothing behind.
  if (request.provider === "stripe") requireConfig("Stripe payments", "STRIPE_SECRET_KEY");
  const payment = await openShopPayment(service, {
    shopId,
    orderId: request.orderId,
    provider: request.provider ?? null,
    inrProvider: razorpayConfigured() ? "razorpay" : "stripe",
    feeBps: env().SHOP_PLATFORM_FEE_BPS ?? 0,
  });
  const base = {
    paymentId: payment.id,
    orderId: payment.order_id,
    amount: payment.amount_minor,
    currency: payment.currency,
    applicationFeeAmount: payment.application_fee_minor,
    connectedAccount: payment.transfer_destination !== null,
  };
  if (payment.provider === "razorpay") {
    const razorpay = (await import("../../payments/providers/razorpay.js")).razorpayProvider();
    const order = await razorpay.createOrder({
      receipt: payment.id,
      amountMinor: payment.amount_minor,
      currency: payment.currency,
    });
    await attachOrder(service, payment.id, order.orderId);
    return { ...base, provider: "razorpay", razorpayOrderId: order.orderId, keyId: razorpay.keyId };
  }
  const intent = await createShopIntent(payment, {
    shopId,
    orderId: payment.order_id,
    destination: payment.transfer_destination,
    feeMinor: payment.application_fee_minor,
  });
  await attachOrder(service, payment.id, intent.id);
  if (intent.client_secret === null) {
    throw new Error(`Stripe answered intent ${intent.id} without a client secret`);
  }
  return {
    ...base,
    provider: "stripe",
    clientSecret: intent.client_secret,
    paymentIntentId: intent.id,
  };
}
