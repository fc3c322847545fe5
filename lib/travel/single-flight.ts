// One upstream call per key, however many requests ask at once. Within an instance, callers of
// the same key share one promise. Across instances, the first to take a short Redis lock
// (SET NX PX) loads; the others wait for the value to appear in the cache, and take over the
// lock if its holder dies without writing. Without Upstash (the local stack) the in-process
// share is all there is, which is exactly one instance's worth.
import { randomUUID } from "node:crypto";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";

/** Longer than a provider search may take (http.ts's 20 s timeout), so a live loader keeps it. */
const LOCK_MS = 25_000;
/** How often a waiter looks for the leader's value. */
const POLL_MS = 100;

export type Flight<T> = { value: T; collapsed: boolean };

const inFlight = new Map<string, Promise<unknown>>();

/**
 * The value for `key`: `cached()` if it is there, else `load()` by exactly one caller, whose
 * result the others receive (collapsed: true). `load` must write the cache itself before it
 * resolves, so waiters on other instances find it.
 */
export async function singleFlight<T>(
  key: string,
  cached: () => Promise<T | undefined>,
  load: () => Promise<T>,
): Promise<Flight<T>> {
  const running = inFlight.get(key) as Promise<T> | undefined;
  if (running) return { value: await running, collapsed: true };
  let collapsed = false;
  const shared = (async () => {
    const outcome = await acrossInstances(key, cached, load);
    collapsed = outcome.collapsed;
    return outcome.value;
  })();
  inFlight.set(key, shared);
  try {
    return { value: await shared, collapsed };
  } finally {
    inFlight.delete(key);
  }
}

async function acrossInstances<T>(
  key: string,
  cached: () => Promise<T | undefined>,
  load: () => Promise<T>,
): Promise<Flight<T>> {
  const redis = await redisClient();
  if (redis === undefined) return { value: await load(), collapsed: false };
  const lockKey = `lock:flight_search:${key}`;
  const owner = randomUUID();
  const deadline = Date.now() + LOCK_MS + 5_000;
  while (Date.now() < deadline) {
    let taken: boolean;
    try {
      taken = (await redis.set(lockKey, owner, { nx: true, px: LOCK_MS })) === "OK";
    } catch (error) {
      // The provider ceiling (fail-closed) still bounds what an outage of the lock lets through.
      log.warn("single_flight_lock_unavailable", { error });
      return { value: await load(), collapsed: false };
    }
    if (taken) {
      try {
        return { value: await load(), collapsed: false };
      } finally {
        // Only our own lock: compare-and-delete in one script.
        await redis
          .eval(
            'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end',
            [lockKey],
            [owner],
          )
          .catch((error: unknown) => log.warn("single_flight_unlock_failed", { error }));
      }
    }
    // Someone else is loading: wait for their value, or for the lock to go (then try to take it).
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const value = await cached();
      if (value !== undefined) return { value, collapsed: true };
      const holder = await redis.get(lockKey).catch(() => null);
      if (holder === null) break;
      if (Date.now() >= deadline) break;
    }
  }
  throw new ApiError("service_unavailable", "The flight search is taking too long; try again.");
}
