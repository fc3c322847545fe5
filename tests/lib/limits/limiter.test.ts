// Rate limits counted in a real Redis behind the local Upstash endpoint, through the same
// @upstash/ratelimit code that runs in production.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";
import { RATE_LIMIT_POLICIES, windowMs } from "../../../lib/limits/policies.js";
import { type LocalUpstash, startLocalUpstash } from "../../helpers/local-upstash.js";
import { captureLogs } from "../../helpers/log-capture.js";
import { redisServerBinary } from "../../helpers/redis.js";
import { announceSkipped } from "../../helpers/skipped.js";

type LimiterModule = typeof import("../../../lib/limits/limiter.js");

describe("the policy table", () => {
  it("fails closed for auth, sessions, payment, SMS, AI, the flight provider and shops' public forms and chat; open for reads, ordinary writes and flight searches", () => {
    const byFailure = (mode: "open" | "closed") =>
      Object.entries(RATE_LIMIT_POLICIES)
        .filter(([, policy]) => policy.failure === mode)
        .map(([name]) => name)
        .sort();
    // A flight search that misses the cache still passes the fail-closed provider ceiling.
    expect(byFailure("open")).toEqual(["flight_search_ip", "flight_search_user", "read", "write"]);
    expect(byFailure("closed")).toEqual([
      "ai",
      "auth",
      "auth_email",
      "coupon",
      "flight_provider",
      "payment",
      "session",
      "shop_chat",
      "shop_chat_start",
      "shop_form",
      "sms",
      "sms_destination",
    ]);
  });

  it("reads windows in seconds, minutes and hours", () => {
    expect(windowMs("60 s")).toBe(60_000);
    expect(windowMs("15 m")).toBe(900_000);
    expect(windowMs("1 h")).toBe(3_600_000);
  });
});

const binary = redisServerBinary();

/** Pins Date only (timers stay real), so every request of a test falls in a known window. */
function pinClock(iso: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(iso));
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

if (!binary) {
  // Loud rather than silently green: these tests need the real server.
  announceSkipped(
    "redis-server not found — rate limiter tests against Redis did not run (apt-get install redis-server)",
  );
} else {
  describe("enforceRateLimit with Upstash Redis", () => {
    let upstash: LocalUpstash;
    let enforceRateLimit: LimiterModule["enforceRateLimit"];

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      // lib/env reads the environment once per process, so it is set before the first import.
      vi.stubEnv("UPSTASH_REDIS_REST_URL", upstash.url);
      vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", upstash.token);
      vi.stubEnv("VERCEL_ENV", "production");
      ({ enforceRateLimit } = await import("../../../lib/limits/limiter.js"));
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await upstash?.stop();
    });

    beforeEach(() => {
      captureLogs();
    });

    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it("allows the policy's limit, counting down RateLimit-Remaining", async () => {
      // auth_email: 5 per 15 minutes. Windows start on the quarter hour, so at 00:00:05.7 the
      // window ends in 894.3 s, announced as 895 whole seconds.
      pinClock("2030-01-01T00:00:05.700Z");
      const seen = [];
      for (let i = 0; i < 5; i++)
        seen.push(await enforceRateLimit("auth_email", "ada@example.com"));
      expect(seen.map((headers) => headers["RateLimit-Remaining"])).toEqual([
        "4",
        "3",
        "2",
        "1",
        "0",
      ]);
      expect(seen[0]).toEqual({
        "RateLimit-Limit": "5",
        "RateLimit-Remaining": "4",
        "RateLimit-Reset": "895",
      });
    });

    it("answers 429 past the limit with Retry-After in whole seconds and RateLimit-* headers", async () => {
      pinClock("2030-01-01T00:00:05.700Z");
      for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "grace@example.com");

      const error = await rejection(enforceRateLimit("auth_email", "grace@example.com"));
      expect(error.code).toBe("rate_limited");
      expect(error.status).toBe(429);
      expect(error.options.headers).toEqual({
        "Retry-After": "895",
        "RateLimit-Limit": "5",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "895",
      });
      expect(error.detail).toBe("Too many requests. Try again in 895 seconds.");
    });

    it("keeps blocking within the window, with Retry-After counting down", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "alan@example.com");
      await rejection(enforceRateLimit("auth_email", "alan@example.com"));

      vi.setSystemTime(new Date("2030-01-01T00:14:59.200Z"));
      const error = await rejection(enforceRateLimit("auth_email", "alan@example.com"));
      expect(new Headers(error.options.headers).get("Retry-After")).toBe("1");
    });

    it("lets requests through again once the sliding window has moved on", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "edsger@example.com");
      await rejection(enforceRateLimit("auth_email", "edsger@example.com"));

      // Two windows later nothing of the burst is weighed any more.
      vi.setSystemTime(new Date("2030-01-01T00:30:05.000Z"));
      const headers = await enforceRateLimit("auth_email", "edsger@example.com");
      expect(headers["RateLimit-Remaining"]).toBe("4");
    });

    it("counts each key separately", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "barbara@example.com");
      await rejection(enforceRateLimit("auth_email", "barbara@example.com"));

      const other = await enforceRateLimit("auth_email", "margaret@example.com");
      expect(other["RateLimit-Remaining"]).toBe("4");
    });

    it("counts each policy separately for the same key", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "203.0.113.9");
      await rejection(enforceRateLimit("auth_email", "203.0.113.9"));

      const auth = await enforceRateLimit("auth", "203.0.113.9");
      expect(auth).toMatchObject({ "RateLimit-Limit": "30", "RateLimit-Remaining": "29" });
    });

    it("applies each policy's own limit", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      expect(await enforceRateLimit("read", "198.51.100.1")).toEqual({
        "RateLimit-Limit": "300",
        "RateLimit-Remaining": "299",
        "RateLimit-Reset": "55",
      });
      expect((await enforceRateLimit("ai", "user-1"))["RateLimit-Limit"]).toBe("20");
    });

    it("keeps no raw IP address or email in Redis keys or logs", async () => {
      pinClock("2030-01-01T00:00:05.000Z");
      const logs = captureLogs();
      const ip = "192.0.2.77";
      const email = "katherine@example.com";
      for (let i = 0; i < 6; i++) await enforceRateLimit("auth_email", email).catch(() => {});
      await enforceRateLimit("read", ip);

      const keys = await upstash.direct.keys("*");
      expect(keys.some((key) => key.startsWith("ratelimit:auth_email:"))).toBe(true);
      expect(keys.some((key) => key.startsWith("ratelimit:read:"))).toBe(true);
      expect(keys.filter((key) => key.includes(ip) || key.includes("katherine"))).toEqual([]);

      expect(logs.map((line) => line.event)).toContain("rate_limited");
      const logged = JSON.stringify(logs);
      expect(logged).not.toContain("katherine");
      expect(logged).not.toContain(ip);
    });
  });
}
