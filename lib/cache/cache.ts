// Typed cache namespaces. Every entry lives under `cache:<namespace>:<key>` with a TTL and is
// validated with the namespace's schema when read, so a value written by an older deploy (or
// anything else in Redis) can never reach a handler in the wrong shape. Caches fail open: when
// Redis is unreachable a read is a miss and a write is skipped, and the request carries on.
import * as z from "zod";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import type { CacheStore } from "./cache-store.js";
import { inProcessCacheStore } from "./in-process-cache-store.js";
import { redisCacheStore } from "./redis-cache-store.js";

export interface CacheNamespace<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** The cached value, or load()'s result, which is then cached. load()'s errors propagate. */
  getOrLoad(key: string, load: () => Promise<T>): Promise<T>;
}

let chosenStore: Promise<CacheStore> | undefined;

/** Chosen on first use, so importing the cache loads no Redis SDK. */
function store(): Promise<CacheStore> {
  chosenStore ??= redisClient().then((redis) =>
    redis === undefined ? inProcessCacheStore() : redisCacheStore(redis),
  );
  return chosenStore;
}

/** No ":" in names, so namespace "a" with key "b:c" can never meet namespace "a:b" with key "c". */
const NAMESPACE_NAME = /^[a-z0-9_-]+$/i;

/**
 * Values must survive JSON (plain objects, arrays, strings, numbers, booleans, null); the schema
 * may transform on read, e.g. an ISO string back into a Date. Keys should be ids, not personal
 * data: they are stored in Redis as given.
 */
export function cacheNamespace<T>(
  name: string,
  schema: z.ZodType<T>,
  ttlSeconds: number,
): CacheNamespace<T> {
  if (!NAMESPACE_NAME.test(name)) throw new Error(`Invalid cache namespace name: ${name}`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new Error(`Cache namespace ${name} needs a TTL of at least one whole second`);
  }
  // Wrapping the value tells a cached null apart from a miss.
  const Entry = z.object({ value: schema });
  const storeKey = (key: string) => `cache:${name}:${key}`;

  /** Runs a store operation; on failure logs and returns undefined (a miss, a skipped write). */
  async function failOpen<R>(operation: string, run: () => Promise<R>): Promise<R | undefined> {
    try {
      return await run();
    } catch (error) {
      log.warn("cache_unavailable", { namespace: name, operation, error });
      return undefined;
    }
  }

  async function get(key: string): Promise<T | undefined> {
    const stored = await failOpen("read", async () => (await store()).read(storeKey(key)));
    if (stored === undefined) return undefined;
    const entry = Entry.safeParse(stored);
    if (entry.success) return entry.data.value;
    log.warn("cache_invalid_entry", {
      namespace: name,
      issues: entry.error.issues.map(({ code, path }) => ({ code, path })),
    });
    await failOpen("delete", async () => (await store()).remove(storeKey(key)));
    return undefined;
  }

  async function set(key: string, value: T): Promise<void> {
    await failOpen("write", async () =>
      (await store()).write(storeKey(key), { value }, ttlSeconds),
    );
  }

  return {
    get,
    set,
    async delete(key) {
      await failOpen("delete", async () => (await store()).remove(storeKey(key)));
    },
    async getOrLoad(key, load) {
      const cached = await get(key);
      if (cached !== undefined) return cached;
      const loaded = await load();
      // Awaited: a serverless function may be frozen as soon as its response is sent.
      await set(key, loaded);
      return loaded;
    },
  };
}
