// Sign-in counters in this process's memory, for development without Upstash. Each instance
// would count on its own, which is why sign-in-limits.ts refuses this in production.
import type { SignInCounters } from "./sign-in-counters.js";

interface Entry {
  count: number;
  expiresAt: number;
}

/** Above this many keys, expired ones are dropped. */
const SWEEP_THRESHOLD = 10_000;

export function inProcessSignInCounters(): SignInCounters {
  const entries = new Map<string, Entry>();
  const live = (key: string, now: number) => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const secondsLeft = (entry: Entry, now: number) =>
    Math.max(1, Math.ceil((entry.expiresAt - now) / 1000));
  const decrement = (key: string, now: number) => {
    const entry = live(key, now);
    if (entry !== undefined && entry.count > 0) entry.count -= 1;
  };

  return {
    // JavaScript runs one callback at a time, so check-then-count cannot interleave here.
    async attempt(keys, limits) {
      const now = Date.now();
      const address = live(keys.address, now);
      if (address !== undefined && address.count >= limits.address.limit) {
        return { counted: false, full: "address", retryAfterSeconds: secondsLeft(address, now) };
      }
      const account = live(keys.account, now);
      if (
        account !== undefined &&
        account.count >= limits.account.limit &&
        live(keys.knownAddress, now) === undefined
      ) {
        return { counted: false, full: "account", retryAfterSeconds: secondsLeft(account, now) };
      }
      const count = (key: string, entry: Entry | undefined, windowSeconds: number) => {
        if (entry === undefined) {
          entries.set(key, { count: 1, expiresAt: now + windowSeconds * 1000 });
        } else {
          entry.count += 1;
        }
      };
      count(keys.address, address, limits.address.windowSeconds);
      count(keys.account, account, limits.account.windowSeconds);
      if (entries.size > SWEEP_THRESHOLD) {
        for (const key of [...entries.keys()]) live(key, now);
      }
      return { counted: true };
    },
    async succeeded(keys, limits) {
      const now = Date.now();
      entries.delete(keys.address);
      decrement(keys.account, now);
      entries.set(keys.knownAddress, {
        count: 1,
        expiresAt: now + limits.knownAddressSeconds * 1000,
      });
    },
    async withdrawn(keys) {
      const now = Date.now();
      decrement(keys.address, now);
      decrement(keys.account, now);
    },
  };
}
