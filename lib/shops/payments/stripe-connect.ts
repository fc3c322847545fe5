// The Stripe calls shop payments make beyond the ledger's own (lib/payments/providers/stripe.ts):
// Connect accounts and their onboarding links, destination charges (refunded through the ledger's
// own refund step, which reverses the transfer), and webhook verification with the Connect
// endpoint's own secret. Every create passes an idempotency key derived from our ids, as the
// ledger's Stripe calls do.
import type Stripe from "stripe";
import { requireConfig } from "../../env.js";
import type { PaymentRow } from "../../payments/payment-row.js";
import { stripeRequest, stripeSdk } from "../../payments/providers/stripe-client.js";

/** Stripe's own default tolerance, as the platform endpoint uses. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** An Express account for the shop; the owner completes it on Stripe's hosted onboarding. */
export function createConnectAccount(shopId: string): Promise<Stripe.Account> {
  return stripeRequest("accounts.create", (stripe) =>
    stripe.accounts.create(
      {
        type: "express",
        capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
        metadata: { shop_id: shopId },
      },
      // One account per shop, however often the owner starts onboarding at once.
      { idempotencyKey: `connect-account-${shopId}` },
    ),
  );
}

export function retrieveAccount(accountId: string): Promise<Stripe.Account> {
  return stripeRequest("accounts.retrieve", (stripe) => stripe.accounts.retrieve(accountId));
}

/** A one-time Account Link (it expires in minutes); its return and refresh URLs are APP_URL's. */
export function createAccountLink(
  accountId: string,
  urls: { returnUrl: string; refreshUrl: string },
): Promise<Stripe.AccountLink> {
  return stripeRequest("accountLinks.create", (stripe) =>
    stripe.accountLinks.create({
      account: accountId,
      type: "account_onboarding",
      return_url: urls.returnUrl,
      refresh_url: urls.refreshUrl,
    }),
  );
}

/**
 * A destination charge for an order's payment: the intent lives on the platform account (so the
 * ledger's confirm, webhook, reconciliation and refunds read it as any other), Stripe moves the
 * amount less the platform's fee to the shop's account, and `on_behalf_of` makes the shop the
 * settlement merchant. Without a destination, a plain platform charge.
 */
export function createShopIntent(
  payment: PaymentRow,
  charge: { shopId: string; orderId: string; destination: string | null; feeMinor: number },
): Promise<Stripe.PaymentIntent> {
  return stripeRequest("paymentIntents.create", (stripe) =>
    stripe.paymentIntents.create(
      {
        amount: payment.amount_minor,
        currency: payment.currency.toLowerCase(),
        metadata: { payment_id: payment.id, shop_id: charge.shopId, order_id: charge.orderId },
        automatic_payment_methods: { enabled: true },
        ...(charge.destination !== null && {
          on_behalf_of: charge.destination,
          transfer_data: { destination: charge.destination },
          ...(charge.feeMinor > 0 && { application_fee_amount: charge.feeMinor }),
        }),
      },
      { idempotencyKey: `intent-${payment.id}` },
    ),
  );
}

/** An intent on a connected account (a direct charge made there), read with Stripe-Account. */
export function retrieveConnectedIntent(
  accountId: string,
  intentId: string,
): Promise<Stripe.PaymentIntent> {
  return stripeRequest("paymentIntents.retrieve", (stripe) =>
    stripe.paymentIntents.retrieve(intentId, {}, { stripeAccount: accountId }),
  );
}

/**
 * The event, if Stripe-Signature verifies over the raw body with the Connect endpoint's secret
 * (STRIPE_CONNECT_WEBHOOK_SECRET) within the tolerance; undefined otherwise.
 */
export async function constructConnectEvent(
  rawBody: string,
  signature: string | null,
): Promise<Stripe.Event | undefined> {
  const { STRIPE_CONNECT_WEBHOOK_SECRET } = requireConfig(
    "Stripe Connect webhooks",
    "STRIPE_CONNECT_WEBHOOK_SECRET",
  );
  if (signature === null) return undefined;
  const StripeSdk = await stripeSdk();
  try {
    return StripeSdk.webhooks.constructEvent(
      rawBody,
      signature,
      STRIPE_CONNECT_WEBHOOK_SECRET,
      WEBHOOK_TOLERANCE_SECONDS,
    );
  } catch (error) {
    if (error instanceof StripeSdk.errors.StripeSignatureVerificationError) return undefined;
    throw error;
  }
}
