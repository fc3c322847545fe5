// Cache namespaces on a real Redis behind the local Upstash endpoint; what was stored (keys,
// TTLs, bytes) is checked on the Redis itself.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { inProcessCacheStore } from "../../../lib/cache/in-process-cache-store.js";
import { type LocalUpstash, startLocalUpstash } from "../../helpers/local-upstash.js";
import { captureLogs, type LogLine } from "../../helpers/log-capture.js";
import { redisServerBinary } from "../../helpers/redis.js";
import { announceSkipped } from "../../helpers/skipped.js";

type CacheModule = typeof import("../../../lib/cache/cache.js");

const Profile = z.object({ name: z.string(), plan: z.enum(["free", "pro"]) });

describe("the in-memory cache store (used without Upstash)", () => {
  it("holds at most 1000 entries, evicting the oldest write first", async () => {
    const store = inProcessCacheStore();
    for (let i = 0; i < 1_000; i++) await store.write(`key-${i}`, { value: i }, 60);
    // Rewriting key-0 makes key-1 the oldest.
    await store.write("key-0", { value: "again" }, 60);
    await store.write("key-1000", { value: 1_000 }, 60);
    expect(await store.read("key-1")).toBeUndefined();
    expect(await store.read("key-0")).toEqual({ value: "again" });
    expect(await store.read("key-2")).toEqual({ value: 2 });
    expect(await store.read("key-1000")).toEqual({ value: 1_000 });
  });
});

const binary = redisServerBinary();

if (!binary) {
  // Loud rather than silently green: these tests need the real server.
  announceSkipped(
    "redis-server not found — cache tests against Redis did not run (apt-get install redis-server)",
  );
} else {
  describe("cacheNamespace with Upstash Redis", () => {
    let upstash: LocalUpstash;
    let cacheNamespace: CacheModule["cacheNamespace"];
    let logs: LogLine[];

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      // lib/env reads the environment once per process, so it is set before the first import.
      vi.stubEnv("UPSTASH_REDIS_REST_URL", upstash.url);
      vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", upstash.token);
      ({ cacheNamespace } = await import("../../../lib/cache/cache.js"));
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await upstash?.stop();
    });

    beforeEach(() => {
      logs = captureLogs();
    });

    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("round-trips a value under cache:<namespace>:<key>", async () => {
      const profiles = cacheNamespace("profiles", Profile, 300);
      await profiles.set("user-1", { name: "Ada", plan: "pro" });
      expect(await profiles.get("user-1")).toEqual({ name: "Ada", plan: "pro" });
      expect(JSON.parse((await upstash.direct.get("cache:profiles:user-1")) ?? "")).toEqual({
        value: { name: "Ada", plan: "pro" },
      });
    });

    it("sets the namespace's TTL on the key in Redis", async () => {
      const profiles = cacheNamespace("ttl_profiles", Profile, 300);
      await profiles.set("user-1", { name: "Ada", plan: "pro" });
      const ttl = await upstash.direct.ttl("cache:ttl_profiles:user-1");
      expect(ttl).toBeGreaterThan(290);
      expect(ttl).toBeLessThanOrEqual(300);
    });

    it("is a miss for a key never set", async () => {
      expect(await cacheNamespace("profiles", Profile, 300).get("nobody")).toBeUndefined();
    });

    it("treats an entry that fails the schema as a miss, deletes it and logs it", async () => {
      const key = "cache:profiles:user-2";
      await upstash.direct.set(key, JSON.stringify({ value: { name: "Ada", plan: "gold" } }));
      expect(await cacheNamespace("profiles", Profile, 300).get("user-2")).toBeUndefined();
      expect(await upstash.direct.exists(key)).toBe(0);
      expect(logs).toMatchObject([
        { level: "warn", event: "cache_invalid_entry", namespace: "profiles" },
      ]);
    });

    it("treats text that is not JSON as an invalid entry", async () => {
      const key = "cache:profiles:user-3";
      await upstash.direct.set(key, "not json at all");
      expect(await cacheNamespace("profiles", Profile, 300).get("user-3")).toBeUndefined();
      expect(await upstash.direct.exists(key)).toBe(0);
      expect(logs.map((line) => line.event)).toEqual(["cache_invalid_entry"]);
    });

    it("keeps namespaces apart for the same key", async () => {
      const profiles = cacheNamespace("profiles", Profile, 300);
      const counters = cacheNamespace("counters", z.number(), 300);
      await profiles.set("shared", { name: "Grace", plan: "free" });
      await counters.set("shared", 7);
      expect(await profiles.get("shared")).toEqual({ name: "Grace", plan: "free" });
      expect(await counters.get("shared")).toBe(7);
    });

    it("tells a cached null apart from a miss", async () => {
      const lookups = cacheNamespace("lookups", Profile.nullable(), 60);
      await lookups.set("unknown-user", null);
      const load = vi.fn(async () => ({ name: "never", plan: "free" as const }));
      expect(await lookups.getOrLoad("unknown-user", load)).toBeNull();
      expect(load).not.toHaveBeenCalled();
    });

    it("keeps a string that looks like a number a string", async () => {
      const codes = cacheNamespace("codes", z.string(), 60);
      await codes.set("zip", "01234");
      expect(await codes.get("zip")).toBe("01234");
    });

    it("deletes an entry", async () => {
      const profiles = cacheNamespace("profiles", Profile, 300);
      await profiles.set("user-4", { name: "Alan", plan: "free" });
      await profiles.delete("user-4");
      expect(await profiles.get("user-4")).toBeUndefined();
      expect(await upstash.direct.exists("cache:profiles:user-4")).toBe(0);
    });

    it("getOrLoad loads on a miss, caches, and serves the cached value next time", async () => {
      const profiles = cacheNamespace("loaded", Profile, 300);
      const load = vi.fn(async () => ({ name: "Barbara", plan: "pro" as const }));
      expect(await profiles.getOrLoad("user-5", load)).toEqual({ name: "Barbara", plan: "pro" });
      expect(await profiles.getOrLoad("user-5", load)).toEqual({ name: "Barbara", plan: "pro" });
      expect(load).toHaveBeenCalledTimes(1);
      expect(await upstash.direct.ttl("cache:loaded:user-5")).toBeGreaterThan(290);
    });

    it("getOrLoad passes a failing load through and caches nothing", async () => {
      const profiles = cacheNamespace("loaded", Profile, 300);
      await expect(
        profiles.getOrLoad("user-6", async () => {
          throw new Error("database down");
        }),
      ).rejects.toThrow("database down");
      expect(await upstash.direct.exists("cache:loaded:user-6")).toBe(0);
    });

    it("validates with the schema's transforms on read", async () => {
      const stamps = cacheNamespace(
        "stamps",
        z.iso.datetime().transform((t) => new Date(t)),
        60,
      );
      const when = new Date("2030-01-01T12:00:00.000Z");
      // A Date is stored as its JSON form, an ISO string, and comes back as a Date.
      await stamps.set("built", when);
      expect(await stamps.get("built")).toEqual(when);
    });

    it("refuses namespace names that could collide and TTLs under a second", () => {
      expect(() => cacheNamespace("a:b", Profile, 60)).toThrow(/namespace name/);
      expect(() => cacheNamespace("", Profile, 60)).toThrow(/namespace name/);
      expect(() => cacheNamespace("profiles", Profile, 0)).toThrow(/TTL/);
      expect(() => cacheNamespace("profiles", Profile, 1.5)).toThrow(/TTL/);
    });
  });
}
