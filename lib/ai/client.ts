// The OpenAI SDK, loaded on first use (importing it costs tens of milliseconds of cold start, so
// only the AI functions pay for it), and the translation of its failures into our error codes.
// The SDK itself retries 429, 5xx and connection failures with exponential backoff (honouring
// OpenAI's retry-after headers); every call here runs inside one deadline (OPENAI_TIMEOUT_MS),
// retries included, and then answers 503 (OpenAI overloaded or too slow) or 502 (OpenAI failed).
import type OpenAI from "openai";
import { env, localStackEnabled } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";

const OPENAI_URL = "https://api.openai.com/v1";
const DEFAULT_DEADLINE_MS = 30_000;
/** Retries after the first attempt, within the deadline. */
const MAX_RETRIES = 2;
/** What the local responder is sent as a key: it checks none, and no real key goes there. */
const LOCAL_RESPONDER_KEY = "local-responder-no-key";

/** Which OpenAI answers: the real API, or the local stack's stand-in (labelled in every answer). */
export type AiProvider = "openai" | "local";

export interface AiConnection {
  client: OpenAI;
  provider: AiProvider;
  deadlineMs: number;
}

let sdk: Promise<typeof OpenAI> | undefined;
const clients = new Map<string, Promise<OpenAI>>();

export function openAiSdk(): Promise<typeof OpenAI> {
  sdk ??= import("openai").then((module) => module.default);
  return sdk;
}

/**
 * The client for this deployment. With OPENAI_API_KEY it talks to OpenAI (or, on the local stack
 * only, to OPENAI_API_URL: a test's fake). Without a key, the local stack uses the local responder
 * at OPENAI_API_URL (`npm run dev` sets it); anywhere else that is 503 provider_not_configured.
 * The base URL is always passed explicitly, so the SDK's own OPENAI_BASE_URL is never read.
 */
export async function aiConnection(): Promise<AiConnection> {
  const { OPENAI_API_KEY: key, OPENAI_API_URL: override, OPENAI_TIMEOUT_MS } = env();
  const local = localStackEnabled();
  if (override !== undefined && !local) {
    log.warn("openai_api_url_ignored", { reason: "OPENAI_API_URL is for local use only" });
  }
  const baseURL = local && override !== undefined ? override : OPENAI_URL;
  const provider: AiProvider = key === undefined ? "local" : "openai";
  if (key === undefined && !(local && override !== undefined)) {
    log.warn("provider_not_configured", { feature: "AI", missing: ["OPENAI_API_KEY"] });
    throw new ApiError("provider_not_configured", "AI is not configured on this server.");
  }
  const apiKey = key ?? LOCAL_RESPONDER_KEY;
  const deadlineMs = OPENAI_TIMEOUT_MS ?? DEFAULT_DEADLINE_MS;
  const cacheKey = `${baseURL} ${provider} ${deadlineMs}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = openAiSdk().then(
      (Sdk) =>
        new Sdk({
          apiKey,
          baseURL,
          organization: null,
          project: null,
          maxRetries: MAX_RETRIES,
          timeout: deadlineMs,
          logLevel: "off",
        }),
    );
    clients.set(cacheKey, client);
  }
  return { client: await client, provider, deadlineMs };
}

/** Whether the error is the caller's own abort (the client went away), not a failure. */
export async function isAbort(error: unknown): Promise<boolean> {
  const { APIUserAbortError } = await openAiSdk();
  return (
    error instanceof APIUserAbortError || (error instanceof Error && error.name === "AbortError")
  );
}

/**
 * OpenAI's failure as one of ours, logged with its status and request id only (never a prompt,
 * an answer or OpenAI's message text, which may quote the input): too many requests, a timeout
 * or an unreachable API → 503 service_unavailable with Retry-After; anything else → 502.
 */
export async function providerFailure(error: unknown, action: string): Promise<ApiError> {
  if (error instanceof ApiError) return error;
  const { APIError, APIConnectionError, APIUserAbortError, RateLimitError } = await openAiSdk();
  const status = error instanceof APIError ? error.status : undefined;
  const requestId = error instanceof APIError ? error.requestID : undefined;
  // Our own signals abort only at the deadline (a client leaving mid-stream is handled apart).
  const timedOut =
    error instanceof APIConnectionError ||
    error instanceof APIUserAbortError ||
    (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
  log.error("openai_request_failed", {
    action,
    status,
    openaiRequestId: requestId ?? undefined,
    kind: error instanceof Error ? error.name : typeof error,
  });
  if (error instanceof RateLimitError || timedOut || status === 503) {
    return new ApiError("service_unavailable", "The AI service is busy; try again in a moment.", {
      headers: { "Retry-After": "10" },
    });
  }
  return new ApiError("provider_error", "The AI service could not answer; try again.");
}
