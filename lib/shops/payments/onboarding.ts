// Stripe Connect for a shop's owner: POST /api/shops/:shopId/connect/onboarding creates the shop's
// Express account once (the database keeps the first) and answers a one-time Account Link to
// Stripe's hosted onboarding, whose return and refresh URLs are built from APP_URL — never from
// the request's Host. GET /api/shops/:shopId/connect re-reads the account from Stripe and records
// what Stripe reports, so the status is current even before account.updated arrives. Only the
// shop's owners manage payouts; anyone else gets 404, as for an unknown shop.
import type { SupabaseClient } from "@supabase/supabase-js";
import type Stripe from "stripe";
import * as z from "zod";
import {
  type PaymentAccountRow,
  paymentAccountForOwner,
  recordPaymentAccount,
  recordPaymentAccountStatus,
} from "./shop-ledger.js";
import { createAccountLink, createConnectAccount, retrieveAccount } from "./stripe-connect.js";

/** An app path (no scheme, host or `..`), where Stripe sends the owner back. */
const APP_PATH = /^\/(?!\/)[A-Za-z0-9/_-]{0,200}$/;

export const OnboardingRequest = z.strictObject({
  /** Where in the app Stripe sends the owner back (APP_URL + this path); `/shops/{shopId}/payouts` by default. */
  returnPath: z.string().regex(APP_PATH, "An app path such as /shops/123/payouts").optional(),
});
export type OnboardingRequest = z.infer<typeof OnboardingRequest>;

export const OnboardingLink = z
  .object({
    /** Stripe's hosted onboarding: open it in the owner's browser once, before `expiresAt`. */
    url: z.url(),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "ConnectOnboardingLink" });
export type OnboardingLink = z.infer<typeof OnboardingLink>;

export const ConnectStatus = z
  .object({
    /** Whether the shop has a Stripe Connect account yet (false: charges go to the platform). */
    connected: z.boolean(),
    chargesEnabled: z.boolean(),
    payoutsEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
  })
  .meta({ id: "ConnectStatus" });
export type ConnectStatus = z.infer<typeof ConnectStatus>;

export async function startOnboarding(
  service: SupabaseClient,
  caller: { userId: string },
  shopId: string,
  appUrl: string,
  request: OnboardingRequest,
): Promise<OnboardingLink> {
  let account = await paymentAccountForOwner(service, caller.userId, shopId);
  if (!account) {
    const created = await createConnectAccount(shopId);
    account = await recordPaymentAccount(service, caller.userId, shopId, created.id);
  }
  const back = new URL(request.returnPath ?? `/shops/${shopId}/payouts`, appUrl);
  const returnUrl = new URL(back);
  returnUrl.searchParams.set("stripe", "return");
  const refreshUrl = new URL(back);
  refreshUrl.searchParams.set("stripe", "refresh");
  const link = await createAccountLink(account.stripe_account_id, {
    returnUrl: returnUrl.href,
    refreshUrl: refreshUrl.href,
  });
  return { url: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString() };
}

export async function connectStatus(
  service: SupabaseClient,
  caller: { userId: string },
  shopId: string,
): Promise<ConnectStatus> {
  const account = await paymentAccountForOwner(service, caller.userId, shopId);
  if (!account) {
    return {
      connected: false,
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: false,
    };
  }
  const recorded = await recordAccountRead(
    service,
    await retrieveAccount(account.stripe_account_id),
  );
  return statusView(recorded ?? account);
}

/** Stripe's account as read now, recorded unless a later read already was. */
export function recordAccountRead(
  service: SupabaseClient,
  account: Stripe.Account,
  readAt = new Date(),
): Promise<PaymentAccountRow | undefined> {
  return recordPaymentAccountStatus(service, {
    stripeAccountId: account.id,
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    readAt,
  });
}

const statusView = (account: PaymentAccountRow): ConnectStatus => ({
  connected: true,
  chargesEnabled: account.charges_enabled,
  payoutsEnabled: account.payouts_enabled,
  detailsSubmitted: account.details_submitted,
});
