// POST /api/shops/:shopId/payments/confirm: the browser says it paid; the server asks the provider
// and records what the provider reports, nothing else. Stripe: the intent is retrieved from
// Stripe and applied through the ledger's one step (lib/payments/reconcile-intent.ts), which the
// platform webhook and the reconciliation sweep share, so whichever comes first captures it, the
// database moves the order to `processing` in that transaction, and the others find it done.
// Razorpay: Checkout's signature over our stored order, then Razorpay's own record
// (lib/payments/verify-payment.ts). A payment that is not one of this shop's is 404.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../../http/errors.js";
import { throwLedgerError } from "../../payments/ledger/ledger-errors.js";
import { RefundRow, sendReservedRefund } from "../../payments/ledger/refund-payment.js";
import { PAYMENT_STATUSES } from "../../payments/payment-row.js";
import { retrieveIntent } from "../../payments/providers/stripe.js";
import { applyIntent } from "../../payments/reconcile-intent.js";
import { VerifyRequest, verifyPayment } from "../../payments/verify-payment.js";
import { ShopPaymentRow } from "./shop-payment-row.js";

const RAZORPAY_FIELDS = ["razorpay_order_id", "razorpay_payment_id", "razorpay_signature"] as const;

/** Stripe's PaymentIntent id, or Razorpay Checkout's three fields: one of the two, whole. */
export const ShopConfirmRequest = z
  .strictObject({
    paymentIntentId: z
      .string()
      .regex(/^pi_[A-Za-z0-9]{1,200}$/, "A PaymentIntent id (pi_…)")
      .optional(),
    razorpay_order_id: VerifyRequest.shape.razorpay_order_id.optional(),
    razorpay_payment_id: VerifyRequest.shape.razorpay_payment_id.optional(),
    razorpay_signature: VerifyRequest.shape.razorpay_signature.optional(),
  })
  .refine(
    (body) => {
      const razorpay = RAZORPAY_FIELDS.filter((field) => body[field] !== undefined).length;
      return body.paymentIntentId !== undefined ? razorpay === 0 : razorpay === 3;
    },
    {
      message:
        "Send paymentIntentId (Stripe), or razorpay_order_id, razorpay_payment_id and razorpay_signature (Razorpay)",
      path: ["paymentIntentId"],
    },
  );
export type ShopConfirmRequest = z.infer<typeof ShopConfirmRequest>;

export const ShopPaymentConfirmation = z
  .object({
    paymentId: z.uuid(),
    orderId: z.uuid(),
    /** The ledger's status after the provider's answer: captured, failed, or still created. */
    status: z.enum(PAYMENT_STATUSES),
    /** The order's status: `processing` once paid. */
    orderStatus: z.string(),
  })
  .meta({ id: "ShopPaymentConfirmation" });
export type ShopPaymentConfirmation = z.infer<typeof ShopPaymentConfirmation>;

const PaymentState = z
  .object({ payment: ShopPaymentRow, order_status: z.string() })
  .nullable()
  .transform((state, context) => {
    if (state === null) {
      context.addIssue({ code: "custom", message: "not found" });
      return z.NEVER;
    }
    return state;
  });

async function paymentState(
  service: SupabaseClient,
  shopId: string,
  provider: "stripe" | "razorpay",
  providerOrderId: string,
) {
  const { data, error } = await service.rpc("shop_payment_state", {
    p_shop_id: shopId,
    p_provider: provider,
    p_provider_order_id: providerOrderId,
  });
  if (error) throwLedgerError(error, "reading a shop payment");
  const state = PaymentState.safeParse(data);
  if (!state.success) throw new ApiError("not_found", "There is no such payment.");
  return state.data;
}

export async function confirmShopPayment(
  service: SupabaseClient,
  shopId: string,
  request: ShopConfirmRequest,
): Promise<ShopPaymentConfirmation> {
  const checkout = VerifyRequest.safeParse(request);
  const intentId = request.paymentIntentId;
  const provider = intentId !== undefined ? "stripe" : "razorpay";
  const orderRef = intentId ?? (checkout.success ? checkout.data.razorpay_order_id : undefined);
  if (orderRef === undefined) throw new ApiError("not_found", "There is no such payment.");
  // Before the provider is asked: a payment of another shop, or none, is 404 alike.
  const before = await paymentState(service, shopId, provider, orderRef);
  if (intentId !== undefined) {
    await applyIntent(service, before.payment, await retrieveIntent(intentId));
  } else if (checkout.success) {
    await verifyPayment(service, null, checkout.data);
  }
  let after = await paymentState(service, shopId, provider, orderRef);
  if (await refundUnusableCapture(service, after.payment)) {
    after = await paymentState(service, shopId, provider, orderRef);
  }
  return {
    paymentId: after.payment.id,
    orderId: after.payment.order_id,
    status: after.payment.status,
    orderStatus: after.order_status,
  };
}

/**
 * A capture the order could not take (another payment paid it first, or it was cancelled) had
 * its full refund reserved by the database; it is sent now, and by the settle sweep if this fails.
 */
async function refundUnusableCapture(
  service: SupabaseClient,
  payment: ShopPaymentRow,
): Promise<boolean> {
  const { data, error } = await service
    .from("refunds")
    .select("*")
    .eq("payment_id", payment.id)
    .eq("idempotency_key", `unusable-capture:${payment.id}`)
    .eq("status", "pending")
    .maybeSingle();
  if (error) throw new Error(`reading a refund failed: ${error.code} ${error.message}`);
  if (data === null) return false;
  await sendReservedRefund(service, payment, RefundRow.parse(data));
  return true;
}
