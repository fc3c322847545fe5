// Caches fail open: with Redis unreachable (the configured URL points at a local port where
// nothing listens) a read is a miss, a write is skipped, and the request still gets its data.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { closedPortUrl } from "../../helpers/local-upstash.js";
import { captureLogs, type LogLine } from "../../helpers/log-capture.js";

type CacheModule = typeof import("../../../lib/cache/cache.js");

describe("cacheNamespace when Redis is unreachable", () => {
  let cacheNamespace: CacheModule["cacheNamespace"];
  let logs: LogLine[];

  beforeAll(async () => {
    vi.stubEnv("UPSTASH_REDIS_REST_URL", await closedPortUrl());
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "token-for-a-redis-that-is-down");
    ({ cacheNamespace } = await import("../../../lib/cache/cache.js"));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("reads as a miss and logs cache_unavailable", async () => {
    expect(await cacheNamespace("profiles", z.string(), 60).get("user-1")).toBeUndefined();
    expect(logs).toMatchObject([
      { level: "warn", event: "cache_unavailable", namespace: "profiles", operation: "read" },
    ]);
  });

  it("skips writes and deletes without throwing", async () => {
    const profiles = cacheNamespace("profiles", z.string(), 60);
    await expect(profiles.set("user-1", "Ada")).resolves.toBeUndefined();
    await expect(profiles.delete("user-1")).resolves.toBeUndefined();
    expect(logs.map((line) => [line.event, line.operation])).toEqual([
      ["cache_unavailable", "write"],
      ["cache_unavailable", "delete"],
    ]);
  });

  it("getOrLoad still answers, from the loader every time", async () => {
    const profiles = cacheNamespace("profiles", z.string(), 60);
    const load = vi.fn(async () => "Ada");
    expect(await profiles.getOrLoad("user-1", load)).toBe("Ada");
    expect(await profiles.getOrLoad("user-1", load)).toBe("Ada");
    expect(load).toHaveBeenCalledTimes(2);
  });
});
