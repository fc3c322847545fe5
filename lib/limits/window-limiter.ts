// What the rate-limit pipeline needs from a limiter, whichever store counts the requests.

export type LimitResult =
  | {
      outcome: "counted";
      allowed: boolean;
      limit: number;
      remaining: number;
      /** Unix time in milliseconds when the current window ends. */
      resetAt: number;
    }
  /** The store could not be asked (network error, timeout); the policy decides what happens. */
  | { outcome: "unreachable"; cause: unknown };

export interface WindowLimiter {
  /** Counts one request for the (already hashed) identifier. Never rejects. */
  limit(identifier: string): Promise<LimitResult>;
}
