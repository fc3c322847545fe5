// Without Upstash, cache namespaces keep entries in this process's memory, with the same TTL,
// validation and namespacing as in Redis. This is allowed in production: a per-instance cache
// is still correct within its TTL.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { captureLogs } from "../../helpers/log-capture.js";

type CacheModule = typeof import("../../../lib/cache/cache.js");

const Profile = z.object({ name: z.string(), tags: z.array(z.string()) });

describe("cacheNamespace in memory", () => {
  let cacheNamespace: CacheModule["cacheNamespace"];

  beforeEach(async () => {
    vi.resetModules();
    vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
    vi.stubEnv("VERCEL_ENV", "production");
    ({ cacheNamespace } = await import("../../../lib/cache/cache.js"));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00.000Z"));
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("round-trips values, even in production", async () => {
    const profiles = cacheNamespace("profiles", Profile, 60);
    await profiles.set("user-1", { name: "Ada", tags: ["admin"] });
    expect(await profiles.get("user-1")).toEqual({ name: "Ada", tags: ["admin"] });
  });

  it("expires an entry after its TTL", async () => {
    const profiles = cacheNamespace("profiles", Profile, 60);
    await profiles.set("user-1", { name: "Ada", tags: [] });
    vi.setSystemTime(new Date("2030-01-01T00:00:59.999Z"));
    expect(await profiles.get("user-1")).toEqual({ name: "Ada", tags: [] });
    vi.setSystemTime(new Date("2030-01-01T00:01:00.000Z"));
    expect(await profiles.get("user-1")).toBeUndefined();
  });

  it("hands out copies, so mutating a value does not change the cache", async () => {
    const profiles = cacheNamespace("profiles", Profile, 60);
    const written = { name: "Ada", tags: ["admin"] };
    await profiles.set("user-1", written);
    written.tags.push("written-after");
    const read = await profiles.get("user-1");
    read?.tags.push("read-after");
    expect(await profiles.get("user-1")).toEqual({ name: "Ada", tags: ["admin"] });
  });

  it("keeps namespaces apart and validates what it reads", async () => {
    const logs = captureLogs();
    const profiles = cacheNamespace("profiles", Profile, 60);
    const loose = cacheNamespace("profiles", z.object({ name: z.number() }), 60);
    const counters = cacheNamespace("counters", z.number(), 60);
    await profiles.set("user-1", { name: "Ada", tags: [] });
    await counters.set("user-1", 3);
    expect(await counters.get("user-1")).toBe(3);
    // Same namespace read with a schema the entry does not match: a miss, and the entry is gone.
    expect(await loose.get("user-1")).toBeUndefined();
    expect(await profiles.get("user-1")).toBeUndefined();
    expect(logs.map((line) => line.event)).toEqual(["cache_invalid_entry"]);
  });
});
