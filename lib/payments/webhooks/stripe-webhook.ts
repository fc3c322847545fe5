// Stripe's webhook as a WebhookSource (receive.ts does the inbox and the answer). The signature is
// checked over the raw body by the SDK's constructEvent, with Stripe's 300-second tolerance, and
// Stripe's event id keys the inbox. Every handled type re-reads its object from Stripe before the
// ledger changes, so an event that is stale, repeated or out of order applies Stripe's current
// state, and the ledger's forward-only statuses do the rest:
//
//   payment_intent.succeeded / .payment_failed / .canceled  the intent → captured (the hold
//       confirmed, or refunded in full when it cannot take the payment) or failed
//   checkout.session.completed / .async_payment_succeeded / .async_payment_failed  the session's
//       intent is attached to the payment named in the metadata, then applied as above; in
//       subscription mode, the session's subscription is synced as below (its customer recorded
//       for the user the session names)
//   checkout.session.expired  the payment named in the metadata failed, if it was never paid
//   charge.refunded, refund.created / .updated / .failed  the intent's refunds as Stripe has them:
//       dashboard refunds recorded, each once; ours that Stripe was paying out settled, paid
//       back or failed
//   charge.dispute.created / .closed  recorded in payment_disputes beside the payment, and logged
//   customer.subscription.created / .updated / .deleted / .paused / .resumed, invoice.paid,
//       invoice.payment_failed  the subscription (the invoice's, for invoices) re-read from
//       Stripe and stored if no later read is: tier, status, period end, cancel at period end
//       (lib/subscriptions/webhooks/stripe-subscription-events.ts)
//   customer.created  a customer we created, recorded as the user's in its metadata (from the
//       signed event itself: a customer's id and our user id in it never change)
//   anything else  stored and answered 200 ("ignored: unhandled type")
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import {
  recordCustomer,
  syncSubscription,
} from "../../subscriptions/webhooks/stripe-subscription-events.js";
import { paymentById, recordFailureById } from "../ledger/ledger.js";
import { constructEvent } from "../providers/stripe.js";
import { type Reconciled, reconcileIntent } from "../reconcile-intent.js";
import type { WebhookSource } from "./receive.js";
import { recordStripeDispute, recordStripeRefunds } from "./stripe-refunds.js";

/** A field the object may lack, or carry in a shape we do not read (it is then left out). */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/**
 * What the inbox keeps of an event's object: only what processing reads. Stripe's objects carry
 * the customer's name, email and address, which must not sit in the database in plain text.
 */
const EventObject = z.object({
  id: optional(z.string()),
  payment_intent: optional(z.string()),
  metadata: optional(z.object({ payment_id: optional(z.string()), user_id: optional(z.string()) })),
  mode: optional(z.string()),
  subscription: optional(z.string()),
  client_reference_id: optional(z.string()),
  parent: optional(
    z.object({
      subscription_details: optional(z.object({ subscription: optional(z.string()) })),
    }),
  ),
  amount: optional(z.number().int()),
  currency: optional(z.string()),
  reason: optional(z.string()),
  status: optional(z.string()),
});
const StoredPayload = z.object({ object: EventObject });

export function stripeWebhookSource(): WebhookSource {
  return {
    provider: "stripe",
    async verify(rawBody, headers) {
      const event = await constructEvent(rawBody, headers.get("stripe-signature"));
      return (
        event && {
          id: event.id,
          type: event.type,
          payload: { object: EventObject.parse(event.data.object) },
        }
      );
    },
    async handle(event, service) {
      const { object } = StoredPayload.parse(event.payload);
      switch (event.type) {
        case "payment_intent.succeeded":
        case "payment_intent.payment_failed":
        case "payment_intent.canceled":
          return object.id
            ? outcome(await reconcileIntent(service, object.id))
            : "ignored: no intent id";
        case "checkout.session.completed":
        case "checkout.session.async_payment_succeeded":
        case "checkout.session.async_payment_failed":
          if (object.mode === "subscription") {
            return object.subscription
              ? syncSubscription(service, object.subscription, object.client_reference_id)
              : "ignored: no subscription";
          }
          return object.payment_intent
            ? outcome(
                await reconcileIntent(service, object.payment_intent, object.metadata?.payment_id),
              )
            : "ignored: no payment intent";
        case "checkout.session.expired":
          return object.metadata?.payment_id
            ? expired(service, object.metadata.payment_id)
            : "ignored: no payment id";
        case "charge.refunded":
        case "refund.created":
        case "refund.updated":
        case "refund.failed":
          return object.payment_intent
            ? recordStripeRefunds(service, object.payment_intent)
            : "ignored: no payment intent";
        case "charge.dispute.created":
        case "charge.dispute.closed":
          return object.id && object.payment_intent
            ? recordStripeDispute(service, {
                id: object.id,
                paymentIntentId: object.payment_intent,
                amountMinor: object.amount ?? 0,
                currency: object.currency ?? "",
                reason: object.reason ?? "unknown",
                status: object.status ?? "unknown",
              })
            : "ignored: no payment intent";
        case "customer.subscription.created":
        case "customer.subscription.updated":
        case "customer.subscription.deleted":
        case "customer.subscription.paused":
        case "customer.subscription.resumed":
          return object.id ? syncSubscription(service, object.id) : "ignored: no subscription id";
        case "invoice.paid":
        case "invoice.payment_failed": {
          const subscriptionId = object.parent?.subscription_details?.subscription;
          return subscriptionId
            ? syncSubscription(service, subscriptionId)
            : "ignored: not a subscription's";
        }
        case "customer.created":
          return object.id
            ? recordCustomer(service, object.id, object.metadata?.user_id)
            : "ignored: no customer id";
        default:
          return "ignored: unhandled type";
      }
    },
  };
}

/** A Checkout session that lapsed unpaid: its payment will never be paid. */
async function expired(service: SupabaseClient, paymentId: string): Promise<string> {
  if (!z.uuid().safeParse(paymentId).success) return "ignored: unknown payment";
  const payment = await paymentById(service, paymentId);
  if (payment?.provider !== "stripe") return "ignored: unknown payment";
  const row = await recordFailureById(service, paymentId, "The Checkout session expired unpaid");
  return row.status === "failed" ? "failed: checkout expired" : `ignored: already ${row.status}`;
}

function outcome(reconciled: Reconciled | undefined): string {
  return reconciled?.outcome ?? "ignored: unknown payment";
}
