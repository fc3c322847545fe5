// A sliding-window limiter in this process's memory: a local stand-in for Upstash. It weighs the previous fixed window the way @upstash/ratelimit's slidingWindow does,
// so limits behave the same locally as deployed. Each serverless instance would count on its
// own, which is why limiter.ts uses it only in the local stack.
import { type RateLimitPolicy, windowMs } from "./policies.js";
import type { WindowLimiter } from "./window-limiter.js";

interface Counter {
  window: number;
  current: number;
  previous: number;
}

/** Above this many identifiers, counters too old to matter are dropped. */
const SWEEP_THRESHOLD = 10_000;

export function inProcessLimiter(policy: RateLimitPolicy): WindowLimiter {
  const size = windowMs(policy.window);
  const counters = new Map<string, Counter>();

  return {
    async limit(identifier) {
      const now = Date.now();
      const window = Math.floor(now / size);
      const counter = rollForward(counters.get(identifier), window);
      const previousWeight = 1 - (now % size) / size;
      const used = counter.current + Math.floor(previousWeight * counter.previous);
      const resetAt = (window + 1) * size;
      if (used >= policy.limit) {
        return { outcome: "counted", allowed: false, limit: policy.limit, remaining: 0, resetAt };
      }
      counter.current += 1;
      counters.set(identifier, counter);
      if (counters.size > SWEEP_THRESHOLD) sweep(counters, window);
      const remaining = policy.limit - used - 1;
      return { outcome: "counted", allowed: true, limit: policy.limit, remaining, resetAt };
    },
  };
}

function rollForward(counter: Counter | undefined, window: number): Counter {
  if (counter === undefined || counter.window < window - 1) {
    return { window, current: 0, previous: 0 };
  }
  if (counter.window === window - 1) return { window, current: 0, previous: counter.current };
  return counter;
}

function sweep(counters: Map<string, Counter>, window: number): void {
  for (const [identifier, counter] of counters) {
    if (counter.window < window - 1) counters.delete(identifier);
  }
}
