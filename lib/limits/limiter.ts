// Applies a policy from the table to one request. The limiters are built once, at module scope:
// @upstash/ratelimit's in-memory block list only spans invocations that way, and a warm
// instance skips rebuilding them.
import { localStackEnabled } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import { hashIdentifier } from "./hash-identifier.js";
import { inProcessLimiter } from "./in-process-limiter.js";
import { RATE_LIMIT_POLICIES, type RateLimitPolicy, type RateLimitPolicyName } from "./policies.js";
import type { LimitResult, WindowLimiter } from "./window-limiter.js";

/**
 * RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds until the window ends), for
 * the response; empty when a fail-open policy let the request through unchecked.
 */
export type RateLimitHeaders = Readonly<Record<string, string>>;

/**
 * Undefined without Upstash outside the local stack: per-instance counters would let a client
 * multiply its limit by the number of warm instances, so on a deployment without Redis every
 * limit is treated as unreachable (fail-closed policies answer 503, fail-open ones pass
 * unchecked) until Redis is configured. In-process counting is a local stand-in.
 */
let limiters: Promise<Map<RateLimitPolicyName, WindowLimiter> | undefined> | undefined;
let refusalLogged = false;

async function buildLimiters(): Promise<Map<RateLimitPolicyName, WindowLimiter> | undefined> {
  const redis = await redisClient();
  if (redis === undefined && !localStackEnabled()) return undefined;
  // Only a function that limits through Upstash loads @upstash/ratelimit.
  const upstash = redis && (await import("./upstash-limiter.js"));
  const policies = Object.entries(RATE_LIMIT_POLICIES) as [RateLimitPolicyName, RateLimitPolicy][];
  return new Map(
    policies.map(([name, policy]) => [
      name,
      redis && upstash ? upstash.upstashLimiter(redis, name, policy) : inProcessLimiter(policy),
    ]),
  );
}

/**
 * Counts one request against `policy` for `key`: the raw client IP, user id or normalized
 * custom value the policy's `key` names. The limiter hashes it (see hash-identifier.ts) and
 * keeps each policy's counters apart, so callers pass the value itself, with no prefix.
 *
 * Resolves with the headers to add to the response; throws ApiError "rate_limited" (429, with
 * Retry-After in whole seconds) when over the limit, and "service_unavailable" (503) when the
 * limiter is unreachable under a fail-closed policy or not configured in production.
 */
export async function enforceRateLimit(
  policyName: RateLimitPolicyName,
  key: string,
): Promise<RateLimitHeaders> {
  limiters ??= buildLimiters();
  const policy = RATE_LIMIT_POLICIES[policyName];
  const limiter = (await limiters)?.get(policyName);
  const subject = hashIdentifier(key);
  const result: LimitResult = limiter
    ? await limiter.limit(subject)
    : { outcome: "unreachable", cause: new Error("UPSTASH_REDIS_REST_URL/_TOKEN are not set") };

  // Not configured on a deployment counts as unreachable: the policy's failure mode decides.
  if (result.outcome === "unreachable") {
    const fields = { policy: policyName, failure: policy.failure, error: result.cause };
    if (limiter === undefined) {
      if (!refusalLogged) {
        refusalLogged = true;
        log.error("rate_limiter_not_configured", fields);
      }
    } else if (policy.failure === "open") {
      log.warn("rate_limiter_unavailable", fields);
    } else {
      log.error("rate_limiter_unavailable", fields);
    }
    if (policy.failure === "open") return {};
    throw new ApiError("service_unavailable", "Please try again in a moment.");
  }

  const resetSeconds = Math.max(1, Math.ceil((result.resetAt - Date.now()) / 1000));
  const headers = {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(resetSeconds),
  };
  if (result.allowed) return headers;

  log.info("rate_limited", { policy: policyName, subject });
  throw new ApiError("rate_limited", `Too many requests. Try again in ${resetSeconds} seconds.`, {
    headers: { ...headers, "Retry-After": String(resetSeconds) },
  });
}
