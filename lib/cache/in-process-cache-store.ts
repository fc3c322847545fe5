// Cache entries in this process's memory, used when Upstash is not configured. Allowed in
// production too: a cache only saves work, and each entry is still bounded by its TTL. What is
// lost is sharing: each warm instance fills its own copy, and delete() reaches only the
// instance that runs it, so other instances may serve the old value until it expires.
import type { CacheStore } from "./cache-store.js";

/** Enough for hot lookups without letting a long-lived instance grow without bound. */
const MAX_ENTRIES = 1_000;

export function inProcessCacheStore(): CacheStore {
  // JSON text, not the value itself: a caller mutating what it read must not change the cache,
  // and values round-trip exactly as they would through Redis.
  const entries = new Map<string, { json: string; expiresAt: number }>();

  return {
    async read(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return JSON.parse(entry.json);
    },
    async write(key, entry, ttlSeconds) {
      // Re-inserting moves the key to the end, so the first key is always the oldest write.
      entries.delete(key);
      entries.set(key, { json: JSON.stringify(entry), expiresAt: Date.now() + ttlSeconds * 1000 });
      if (entries.size > MAX_ENTRIES) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    async remove(key) {
      entries.delete(key);
    },
  };
}
