// The Stripe calls subscriptions make, through the shared client (loaded lazily, failures
// translated, Stripe's own words never shown to the caller). Customers and Checkout sessions carry
// our user id in their metadata, and so does every subscription Checkout creates, so each object
// and each of its events leads back to the user.
import type Stripe from "stripe";
import { stripeRequest } from "../payments/providers/stripe-client.js";

/**
 * The user's Stripe customer, created under a key named after the user: every call within the
 * 24 hours Stripe keeps the key — concurrent ones included — gets the same customer. By then
 * the webhook has recorded it (customer.created), and callers find it in billing_customers.
 */
export function createCustomer(userId: string): Promise<Stripe.Customer> {
  return stripeRequest("customers.create", (stripe) =>
    stripe.customers.create(
      { metadata: { user_id: userId } },
      { idempotencyKey: `customer-${userId}` },
    ),
  );
}

export interface SubscriptionCheckout {
  userId: string;
  customerId: string;
  priceId: string;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
}

export function createSubscriptionCheckout(
  checkout: SubscriptionCheckout,
): Promise<Stripe.Checkout.Session> {
  const metadata = { user_id: checkout.userId };
  return stripeRequest("checkout.sessions.create", (stripe) =>
    stripe.checkout.sessions.create(
      {
        mode: "subscription",
        customer: checkout.customerId,
        line_items: [{ price: checkout.priceId, quantity: 1 }],
        success_url: checkout.successUrl,
        cancel_url: checkout.cancelUrl,
        client_reference_id: checkout.userId,
        metadata,
        subscription_data: { metadata },
      },
      { idempotencyKey: checkout.idempotencyKey },
    ),
  );
}

export function retrieveSubscription(subscriptionId: string): Promise<Stripe.Subscription> {
  return stripeRequest("subscriptions.retrieve", (stripe) =>
    stripe.subscriptions.retrieve(subscriptionId),
  );
}

/** Moves the subscription's item to another price, prorated as Stripe does by default. */
export function changePrice(
  subscriptionId: string,
  itemId: string,
  priceId: string,
): Promise<Stripe.Subscription> {
  return stripeRequest("subscriptions.update", (stripe) =>
    stripe.subscriptions.update(subscriptionId, { items: [{ id: itemId, price: priceId }] }),
  );
}

/** The subscription runs to the end of the period it is paid for, then ends. */
export function cancelAtPeriodEnd(subscriptionId: string): Promise<Stripe.Subscription> {
  return stripeRequest("subscriptions.update", (stripe) =>
    stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }),
  );
}

export function createPortalSession(
  customerId: string,
  returnUrl: string,
): Promise<Stripe.BillingPortal.Session> {
  return stripeRequest("billingPortal.sessions.create", (stripe) =>
    stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }),
  );
}
