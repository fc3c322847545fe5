// A Stripe Checkout Session as the endpoints that open one take and answer it — POST
// /api/payments/create-checkout for a session's payment, POST /api/subscriptions for a
// subscription: the pages Stripe returns the customer to, which must be our own
// (redirect-url.ts), and the hosted page to send the browser to.
import type Stripe from "stripe";
import * as z from "zod";
import { RedirectUrl, requireAllowedRedirects } from "./redirect-url.js";

/** Where Stripe returns the customer, paid or not: a page of the app or of an allowed app origin. */
export const checkoutReturnFields = { successUrl: RedirectUrl, cancelUrl: RedirectUrl };

export interface CheckoutReturn {
  successUrl: string;
  cancelUrl: string;
}

/** Refuses, per field, a return page that is not ours, before anything is asked of Stripe. */
export function requireOwnReturnPages(request: CheckoutReturn): void {
  requireAllowedRedirects({ successUrl: request.successUrl, cancelUrl: request.cancelUrl });
}

export const openedCheckoutFields = {
  sessionId: z.string(),
  /** Stripe's hosted Checkout page: send the browser there. */
  url: z.url(),
};

/**
 * The session's id and page. Stripe leaves the url null only for embedded Checkout, which we
 * never create, so a null one is a failure of ours, not the caller's.
 */
export function openedCheckout(session: Stripe.Checkout.Session): {
  sessionId: string;
  url: string;
} {
  if (session.url === null) throw new Error(`Stripe answered session ${session.id} without a url`);
  return { sessionId: session.id, url: session.url };
}
