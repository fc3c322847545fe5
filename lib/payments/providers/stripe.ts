// Stripe behind the ledger's provider interface, and the few Stripe calls the Stripe endpoints and
// webhook make. A Stripe payment is its PaymentIntent: the intent id is both the ledger's order id
// and its payment id, and refunds name the intent. Every object we create carries our payment id
// in its metadata, and every create passes an idempotency key derived from our ids, so a retry
// (ours, or the SDK's own) finds the object the first attempt made instead of charging twice.
import type Stripe from "stripe";
import { requireConfig } from "../../env.js";
import type { PaymentRow } from "../payment-row.js";
import { stripeRequest, stripeSdk } from "./stripe-client.js";
import {
  LEDGER_REFUND_KEY,
  type PaymentProvider,
  type ProviderPayment,
  type ProviderRefund,
} from "./types.js";

/** Stripe's own default tolerance: a signed event older than this is refused as a replay. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Stripe wants at least 30 minutes; a hold lasts less, so a late payment is refunded anyway. */
const CHECKOUT_LIFETIME_SECONDS = 30 * 60;

export function stripeProvider(): PaymentProvider {
  requireConfig("Stripe payments", "STRIPE_SECRET_KEY");
  return {
    name: "stripe",
    async fetchPayment(intentId) {
      return providerPayment(await retrieveIntent(intentId));
    },
    async capturedPaymentOf(intentId) {
      const payment = providerPayment(await retrieveIntent(intentId));
      return payment.status === "captured" || payment.status === "refunded" ? payment : undefined;
    },
    async refund(intentId, amountMinor, idempotencyKey, options) {
      const refund = await stripeRequest("refunds.create", (stripe) =>
        stripe.refunds.create(
          {
            payment_intent: intentId,
            amount: amountMinor,
            ...(options?.reverseTransfer
              ? { reverse_transfer: true, refund_application_fee: true }
              : {}),
            metadata: { [LEDGER_REFUND_KEY]: idempotencyKey },
          },
          { idempotencyKey },
        ),
      );
      return { id: refund.id, status: refundStatus(refund.status) };
    },
  };
}

/** Our payment id (and booking id) on every Stripe object, so each one leads back to the ledger. */
function paymentMetadata(payment: PaymentRow): Record<string, string> {
  return {
    payment_id: payment.id,
    ...(payment.booking_id !== null && { booking_id: payment.booking_id }),
  };
}

export function createIntent(payment: PaymentRow): Promise<Stripe.PaymentIntent> {
  return stripeRequest("paymentIntents.create", (stripe) =>
    stripe.paymentIntents.create(
      {
        amount: payment.amount_minor,
        currency: payment.currency.toLowerCase(),
        metadata: paymentMetadata(payment),
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey: `intent-${payment.id}` },
    ),
  );
}

export function retrieveIntent(intentId: string): Promise<Stripe.PaymentIntent> {
  return stripeRequest("paymentIntents.retrieve", (stripe) =>
    stripe.paymentIntents.retrieve(intentId),
  );
}

export interface CheckoutPage {
  productName: string;
  customerEmail: string;
  successUrl: string;
  cancelUrl: string;
}

export function createCheckoutSession(
  payment: PaymentRow,
  page: CheckoutPage,
): Promise<Stripe.Checkout.Session> {
  const metadata = paymentMetadata(payment);
  return stripeRequest("checkout.sessions.create", (stripe) =>
    stripe.checkout.sessions.create(
      {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: payment.currency.toLowerCase(),
              unit_amount: payment.amount_minor,
              product_data: { name: page.productName },
            },
          },
        ],
        customer_email: page.customerEmail,
        success_url: page.successUrl,
        cancel_url: page.cancelUrl,
        client_reference_id: payment.id,
        metadata,
        // The intent Stripe creates when the customer pays carries it too, so its own events
        // lead back to the payment before checkout.session.completed arrives.
        payment_intent_data: { metadata },
        expires_at: Math.floor(Date.now() / 1000) + CHECKOUT_LIFETIME_SECONDS,
      },
      { idempotencyKey: `checkout-${payment.id}` },
    ),
  );
}

/** Every refund of an intent, as Stripe has them now. */
export function listRefunds(intentId: string): Promise<Stripe.Refund[]> {
  return stripeRequest("refunds.list", (stripe) =>
    stripe.refunds.list({ payment_intent: intentId, limit: 100 }).autoPagingToArray({
      limit: 1000,
    }),
  );
}

/**
 * The event, if the Stripe-Signature header verifies over the raw body within the tolerance;
 * undefined otherwise. Needs only the webhook secret, not the API key.
 */
export async function constructEvent(
  rawBody: string,
  signature: string | null,
): Promise<Stripe.Event | undefined> {
  const { STRIPE_WEBHOOK_SECRET } = requireConfig("Stripe webhooks", "STRIPE_WEBHOOK_SECRET");
  if (signature === null) return undefined;
  const StripeSdk = await stripeSdk();
  try {
    return StripeSdk.webhooks.constructEvent(
      rawBody,
      signature,
      STRIPE_WEBHOOK_SECRET,
      WEBHOOK_TOLERANCE_SECONDS,
    );
  } catch (error) {
    if (error instanceof StripeSdk.errors.StripeSignatureVerificationError) return undefined;
    throw error;
  }
}

/** An intent as the ledger's provider interface reports payments. */
function providerPayment(intent: Stripe.PaymentIntent): ProviderPayment {
  return {
    id: intent.id,
    orderId: intent.id,
    status: intentStatus(intent),
    amountMinor: intent.status === "succeeded" ? intent.amount_received : intent.amount,
    currency: intent.currency.toUpperCase(),
  };
}

/** What an intent's state means for the ledger. */
export function intentStatus(intent: Stripe.PaymentIntent): ProviderPayment["status"] {
  switch (intent.status) {
    case "succeeded":
      return "captured";
    case "requires_capture":
      return "authorized";
    case "canceled":
      return "failed";
    case "requires_payment_method":
      // Also the state of an intent nobody has tried to pay yet: only a failed attempt fails it.
      return intent.last_payment_error ? "failed" : "created";
    default:
      return "created";
  }
}

/** Stripe's refund status as the ledger's: pending (and requires_action) stay pending. */
export function refundStatus(status: string | null): ProviderRefund["status"] {
  if (status === "succeeded") return "succeeded";
  if (status === "failed" || status === "canceled") return "failed";
  return "pending";
}
