// Idempotency records in Upstash Redis, shared by every instance, so a retry that lands on
// another instance still finds the first request's claim or response.
import type { Redis } from "@upstash/redis";
import type { IdempotencyStorage } from "./idempotency-storage.js";

export function redisIdempotencyStorage(redis: Redis): IdempotencyStorage {
  return {
    async claim(key, record, ttlSeconds) {
      // SET NX EX: one atomic command, so two instances cannot both claim the key.
      return (await redis.set(key, record, { nx: true, ex: ttlSeconds })) === "OK";
    },
    async read(key) {
      // The client JSON-encodes objects on write and parses them on read.
      return (await redis.get(key)) ?? undefined;
    },
    async save(key, record, ttlSeconds) {
      await redis.set(key, record, { ex: ttlSeconds });
    },
    async release(key) {
      await redis.del(key);
    },
  };
}
