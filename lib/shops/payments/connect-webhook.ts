// The Stripe Connect endpoint's webhook (POST /api/webhooks/stripe-connect) as a WebhookSource:
// events of shops' connected accounts, each carrying the account's id in `account`, signed with
// that endpoint's own secret (STRIPE_CONNECT_WEBHOOK_SECRET) and verified over the raw body by the
// SDK's constructEvent. Stored once in the inbox under provider `stripe_connect` and processed
// once; the settle-payments sweep retries one whose processing failed. Every handled type re-reads
// its object from Stripe, so late, repeated or out-of-order events converge on Stripe's state:
//
//   account.updated  the account re-read; charges_enabled, payouts_enabled, details_submitted
//       recorded for the shop that has it (a later read is never overwritten by an earlier one)
//   account.application.deauthorized  the shop can no longer be charged through it: recorded
//       as disabled (its payments go to the platform's own account again)
//   payment_intent.succeeded / .payment_failed / .canceled  an intent on the connected account
//       (re-read with Stripe-Account) applied through the ledger when it is one of ours; shop
//       payments are destination charges on the platform, reported by the platform endpoint
//   anything else  stored and answered 200 ("ignored: unhandled type")
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { paymentByOrder } from "../../payments/ledger/ledger.js";
import { applyIntent } from "../../payments/reconcile-intent.js";
import type { WebhookSource } from "../../payments/webhooks/receive.js";
import { recordAccountRead } from "./onboarding.js";
import { recordPaymentAccountStatus } from "./shop-ledger.js";
import {
  constructConnectEvent,
  retrieveAccount,
  retrieveConnectedIntent,
} from "./stripe-connect.js";

const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** What the inbox keeps: ids only (Stripe's objects carry names, emails and addresses). */
const StoredPayload = z.object({
  account: optional(z.string()),
  object: z.object({ id: optional(z.string()), object: optional(z.string()) }),
});

export function stripeConnectWebhookSource(): WebhookSource {
  return {
    provider: "stripe_connect",
    async verify(rawBody, headers) {
      const event = await constructConnectEvent(rawBody, headers.get("stripe-signature"));
      return (
        event && {
          id: event.id,
          type: event.type,
          payload: StoredPayload.parse({ account: event.account, object: event.data.object }),
        }
      );
    },
    async handle(event, service) {
      const { account, object } = StoredPayload.parse(event.payload);
      const accountId = account ?? (object.object === "account" ? object.id : undefined);
      if (!accountId) return "ignored: no connected account";
      switch (event.type) {
        case "account.updated": {
          const recorded = await recordAccountRead(service, await retrieveAccount(accountId));
          return recorded
            ? `account: charges ${recorded.charges_enabled ? "enabled" : "disabled"}`
            : "ignored: no shop has this account";
        }
        case "account.application.deauthorized": {
          const recorded = await recordPaymentAccountStatus(service, {
            stripeAccountId: accountId,
            chargesEnabled: false,
            payoutsEnabled: false,
            detailsSubmitted: false,
            readAt: new Date(),
          });
          return recorded ? "account: deauthorized" : "ignored: no shop has this account";
        }
        case "payment_intent.succeeded":
        case "payment_intent.payment_failed":
        case "payment_intent.canceled":
          return object.id
            ? connectedIntent(service, accountId, object.id)
            : "ignored: no intent id";
        default:
          return "ignored: unhandled type";
      }
    },
  };
}

async function connectedIntent(
  service: SupabaseClient,
  accountId: string,
  intentId: string,
): Promise<string> {
  const intent = await retrieveConnectedIntent(accountId, intentId);
  const payment = await paymentByOrder(service, "stripe", intent.id);
  if (!payment) return "ignored: unknown payment";
  return (await applyIntent(service, payment, intent)).outcome;
}
