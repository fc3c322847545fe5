// POST /api/subscriptions/portal: Stripe's billing portal for the caller's customer, where they
// update their card, read invoices and cancel or resume. It returns only to our own origins.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { RedirectUrl, requireAllowedRedirects } from "../payments/redirect-url.js";
import { recordedCustomer } from "./billing-customer.js";
import { createPortalSession } from "./stripe-billing.js";
import { currentSubscription } from "./subscription-status.js";

export const PortalRequest = z.strictObject({
  /** Where the portal's back link goes: a page of the app or of an allowed app origin. */
  returnUrl: RedirectUrl,
});
export type PortalRequest = z.infer<typeof PortalRequest>;

export const PortalSession = z
  .object({
    /** Stripe's billing portal, signed in as the caller's customer: send the browser there. */
    url: z.url(),
  })
  .meta({ id: "BillingPortalSession" });
export type PortalSession = z.infer<typeof PortalSession>;

export async function openBillingPortal(
  db: SupabaseClient,
  caller: Caller,
  request: PortalRequest,
): Promise<PortalSession> {
  requireAllowedRedirects({ returnUrl: request.returnUrl });
  const [current, recorded] = await Promise.all([
    currentSubscription(db, caller.userId),
    recordedCustomer(db, caller.userId),
  ]);
  // The customer paying for the live subscription; the recorded one for a past subscriber.
  const customerId = current?.stripe_customer_id ?? recorded;
  if (customerId === undefined) {
    throw new ApiError("not_found", "You have no billing account yet; subscribe first.");
  }
  const session = await createPortalSession(customerId, request.returnUrl);
  return { url: session.url };
}
