// The Razorpay SDK, loaded on first use: importing it costs tens of milliseconds of cold start, so
// only a function that talks to Razorpay pays for it. Razorpay's own errors never
// reach the client: a payment Razorpay does not have fails verification, anything else is logged
// and answered 502.
import type Razorpay from "razorpay";
import * as z from "zod";
import { env, localStackEnabled, requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";

/** A hung call to Razorpay must not hold the function until the platform kills it. */
const TIMEOUT_MS = 10_000;

/**
 * The SDK's axios instance. Its constructor takes no base URL and no timeout, and its typings do
 * not show the instance, so both are set on it after construction.
 */
interface SdkTransport {
  rq: { defaults: { baseURL?: string; timeout?: number } };
}

/** How the SDK rejects when Razorpay answers with an error (normalizeError in its api.js). */
const RazorpayRefusal = z.object({
  statusCode: z.number(),
  error: z.object({ code: z.string().optional(), description: z.string().optional() }).optional(),
});

let client: Promise<Razorpay> | undefined;

/** One client per instance, or 503 provider_not_configured without the key id and secret. */
export function razorpayClient(): Promise<Razorpay> {
  const { RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET } = requireConfig(
    "Razorpay payments",
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
  );
  client ??= import("razorpay").then(({ default: RazorpaySdk }) => {
    const razorpay = new RazorpaySdk({ key_id: RAZORPAY_KEY_ID, key_secret: RAZORPAY_KEY_SECRET });
    const { rq } = razorpay.api as unknown as SdkTransport;
    rq.defaults.timeout = TIMEOUT_MS;
    const baseURL = apiAddress();
    if (baseURL !== undefined) rq.defaults.baseURL = baseURL;
    return razorpay;
  });
  return client;
}

/**
 * RAZORPAY_API_URL, for tests and local fakes (the SDK adds /v1 to it). Honoured only on the
 * local stack: anywhere else the key secret must only ever be sent to Razorpay, whatever a
 * misplaced variable says.
 */
function apiAddress(): string | undefined {
  const url = env().RAZORPAY_API_URL;
  if (url === undefined) return undefined;
  if (!localStackEnabled()) {
    log.warn("razorpay_api_url_ignored", { reason: "RAZORPAY_API_URL is for local use only" });
    return undefined;
  }
  return url;
}

/**
 * Runs one call against Razorpay, translating its failures into our error codes. `unknownIs`:
 * what Razorpay's 400 or 404 means for this call when it is the caller's mistake rather than
 * ours (a payment id Razorpay does not have: it answers 400 "The id provided does not exist").
 */
export async function razorpayRequest<T>(
  action: string,
  call: (razorpay: Razorpay) => Promise<T>,
  unknownIs?: ApiError,
): Promise<T> {
  const razorpay = await razorpayClient();
  try {
    return await call(razorpay);
  } catch (error) {
    const refusal = RazorpayRefusal.safeParse(error);
    const status = refusal.success ? refusal.data.statusCode : undefined;
    if (unknownIs && (status === 400 || status === 404)) throw unknownIs;
    log.error("razorpay_request_failed", {
      action,
      status,
      code: refusal.data?.error?.code,
      description: refusal.data?.error?.description,
      ...(!refusal.success && { error }),
    });
    throw new ApiError("provider_error", "Razorpay could not complete the request; try again.");
  }
}
