// The one @upstash/redis client that rate limits, caches and idempotency records share. It is
// kept at module scope so a warm function reuses it (and its keep-alive connection) across
// invocations; it is absent when Upstash is not configured. The SDK is imported on first use,
// so a function that never reaches Redis never pays for loading it.
import type { Redis } from "@upstash/redis";
import { env } from "./env.js";

/**
 * Budget for one REST call, retries included: Upstash answers in single-digit milliseconds from
 * the same region, so 1.5 s only runs out when Redis is unreachable, and a function then fails
 * fast instead of hanging until its own time limit. A signal *factory* is what makes the client
 * reject on timeout; a plain AbortSignal would be shared by every call and, once aborted, the
 * client turns it into a fake successful reply.
 */
const DEFAULT_REQUEST_TIMEOUT_MS = 1_500;

async function createRedisClient(): Promise<Redis | undefined> {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, REDIS_TIMEOUT_MS } = env();
  const timeout = REDIS_TIMEOUT_MS ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (url === undefined || token === undefined) return undefined;
  const { Redis } = await import("@upstash/redis");
  return new Redis({
    url,
    token,
    // The default is 5 retries with exponential backoff (~4 s of waiting) on network errors;
    // one quick retry covers a dropped keep-alive connection without stalling the request.
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeout),
    enableTelemetry: false,
  });
}

let client: Promise<Redis | undefined> | undefined;

/** The shared client, or undefined when UPSTASH_REDIS_REST_URL/_TOKEN are not set. */
export function redisClient(): Promise<Redis | undefined> {
  client ??= createRedisClient();
  return client;
}
