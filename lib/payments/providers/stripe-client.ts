// The Stripe SDK, loaded on first use: importing it costs tens of milliseconds of cold start, so
// only a function that talks to Stripe pays for it. Stripe's own errors never
// reach the client: an object Stripe does not have is 404, anything else is logged and 502.
import type Stripe from "stripe";
import { env, localStackEnabled, requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";

/** A hung call to Stripe must not hold the function until the platform kills it. */
const TIMEOUT_MS = 10_000;

let sdk: Promise<typeof Stripe> | undefined;
let client: Promise<Stripe> | undefined;

export function stripeSdk(): Promise<typeof Stripe> {
  sdk ??= import("stripe").then((module) => module.default);
  return sdk;
}

/** One client per instance, or 503 provider_not_configured without STRIPE_SECRET_KEY. */
export function stripeClient(): Promise<Stripe> {
  const { STRIPE_SECRET_KEY } = requireConfig("Stripe payments", "STRIPE_SECRET_KEY");
  client ??= stripeSdk().then(
    (StripeSdk) => new StripeSdk(STRIPE_SECRET_KEY, { timeout: TIMEOUT_MS, ...apiAddress() }),
  );
  return client;
}

/**
 * STRIPE_API_URL, for tests and local fakes. Honoured only on the local stack: anywhere else
 * the secret key must only ever be sent to Stripe, whatever a misplaced variable says.
 */
function apiAddress(): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  const url = env().STRIPE_API_URL;
  if (url === undefined) return {};
  if (!localStackEnabled()) {
    log.warn("stripe_api_url_ignored", { reason: "STRIPE_API_URL is for local use only" });
    return {};
  }
  const { hostname, port, protocol } = new URL(url);
  const scheme = protocol === "https:" ? "https" : "http";
  return { host: hostname, port: port || (scheme === "https" ? 443 : 80), protocol: scheme };
}

/** Runs one call against Stripe, translating its failures into our error codes. */
export async function stripeRequest<T>(
  action: string,
  call: (stripe: Stripe) => Promise<T>,
): Promise<T> {
  const stripe = await stripeClient();
  try {
    return await call(stripe);
  } catch (error) {
    const { errors } = await stripeSdk();
    if (error instanceof errors.StripeInvalidRequestError && error.code === "resource_missing") {
      throw new ApiError("not_found", "There is no such payment.");
    }
    log.error("stripe_request_failed", { action, error });
    throw new ApiError("provider_error", "Stripe could not complete the request; try again.");
  }
}
