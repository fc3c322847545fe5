// Cache entries in Upstash Redis, shared by every instance; Redis expires them.
import type { Redis } from "@upstash/redis";
import type { CacheStore } from "./cache-store.js";

export function redisCacheStore(redis: Redis): CacheStore {
  return {
    async read(key) {
      // The client JSON-encodes objects on write and parses them on read.
      return (await redis.get(key)) ?? undefined;
    },
    async write(key, entry, ttlSeconds) {
      await redis.set(key, entry, { ex: ttlSeconds });
    },
    async remove(key) {
      await redis.del(key);
    },
  };
}
