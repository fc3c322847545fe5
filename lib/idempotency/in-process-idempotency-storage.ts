// Idempotency records in this process's memory: a local stand-in for Upstash. A retry served by
// another instance would not see them, so store.ts uses this only in the local stack.
import type { IdempotencyRecord } from "./idempotency-record.js";
import type { IdempotencyStorage } from "./idempotency-storage.js";

export function inProcessIdempotencyStorage(): IdempotencyStorage {
  const records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();

  const live = (key: string) => {
    const entry = records.get(key);
    if (entry !== undefined && entry.expiresAt <= Date.now()) {
      records.delete(key);
      return undefined;
    }
    return entry;
  };
  const store = (key: string, record: IdempotencyRecord, ttlSeconds: number) => {
    records.set(key, {
      record: structuredClone(record),
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
  };

  return {
    // JavaScript runs one callback at a time, so check-then-set cannot interleave here.
    async claim(key, record, ttlSeconds) {
      if (live(key) !== undefined) return false;
      store(key, record, ttlSeconds);
      return true;
    },
    async read(key) {
      const entry = live(key);
      return entry === undefined ? undefined : structuredClone(entry.record);
    },
    async save(key, record, ttlSeconds) {
      store(key, record, ttlSeconds);
    },
    async release(key) {
      records.delete(key);
    },
  };
}
