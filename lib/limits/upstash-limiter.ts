// A limiter counted in Upstash Redis, shared by every instance of every function.
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import { env } from "../env.js";
import type { RateLimitPolicy } from "./policies.js";
import type { WindowLimiter } from "./window-limiter.js";

/**
 * How long a limit check may take. @upstash/ratelimit then resolves `success: true` with
 * `reason: "timeout"` rather than rejecting, so that reason is read as "unreachable" below and
 * the policy's failure mode decides, not the library.
 */
const DEFAULT_LIMIT_TIMEOUT_MS = 1_000;

export function upstashLimiter(redis: Redis, name: string, policy: RateLimitPolicy): WindowLimiter {
  const ratelimit = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(policy.limit, policy.window),
    prefix: `ratelimit:${name}`,
    // Remembers identifiers that are over their limit until their window resets, so a warm
    // instance turns a flood away without a Redis call. Only useful because this limiter is
    // built once at module scope.
    ephemeralCache: new Map(),
    timeout: env().REDIS_TIMEOUT_MS ?? DEFAULT_LIMIT_TIMEOUT_MS,
    analytics: false,
    enableTelemetry: false,
  });

  return {
    async limit(identifier) {
      try {
        const result = await ratelimit.limit(identifier);
        if (result.reason === "timeout") {
          return { outcome: "unreachable", cause: new Error("rate limit check timed out") };
        }
        return {
          outcome: "counted",
          allowed: result.success,
          limit: result.limit,
          remaining: result.remaining,
          resetAt: result.reset,
        };
      } catch (cause) {
        return { outcome: "unreachable", cause };
      }
    },
  };
}
