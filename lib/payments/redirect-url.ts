// Where a hosted payment page may send the customer back to: a page of the app (APP_URL's
// origin) or of one of ALLOWED_ORIGINS (SPAs served elsewhere), never an origin the caller picks
// — nor the one the request's Host names, which the caller picks too. Stripe would otherwise
// redirect our customers, fresh from paying us, to any site the request named: an open redirect
// that lends that site our checkout's credibility.
import * as z from "zod";
import { appUrl, env } from "../env.js";
import { ApiError } from "../http/errors.js";

/** An absolute http(s) URL; where it points is checked against the allowed origins. */
export const RedirectUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Refuses, per field, every URL whose origin is neither the app's nor an allowed app's. */
export function requireAllowedRedirects(urls: Record<string, string>): void {
  const allowed = new Set([appUrl(), ...(env().ALLOWED_ORIGINS ?? [])]);
  const refused = Object.entries(urls)
    .filter(([, url]) => !allowed.has(new URL(url).origin))
    .map(([field]) => field);
  if (refused.length > 0) {
    throw new ApiError("validation_failed", "Some fields are missing or not valid.", {
      errors: Object.fromEntries(
        refused.map((field) => [field, ["Use a page of this site or of an allowed app origin"]]),
      ),
    });
  }
}
