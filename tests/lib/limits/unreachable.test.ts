// When Redis cannot be reached, each policy's failure mode decides: reads and ordinary writes go
// through, auth, payment, SMS and AI are refused with 503. Redis is "down" here because the
// configured URL points at a local port where nothing listens.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RateLimitPolicyName } from "../../../lib/limits/policies.js";
import { closedPortUrl } from "../../helpers/local-upstash.js";
import { captureLogs } from "../../helpers/log-capture.js";

type LimiterModule = typeof import("../../../lib/limits/limiter.js");

describe("enforceRateLimit when Redis is unreachable", () => {
  let enforceRateLimit: LimiterModule["enforceRateLimit"];
  let policyNames: RateLimitPolicyName[];

  beforeAll(async () => {
    vi.stubEnv("UPSTASH_REDIS_REST_URL", await closedPortUrl());
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "token-for-a-redis-that-is-down");
    vi.stubEnv("VERCEL_ENV", "production");
    ({ enforceRateLimit } = await import("../../../lib/limits/limiter.js"));
    const { RATE_LIMIT_POLICIES } = await import("../../../lib/limits/policies.js");
    policyNames = Object.keys(RATE_LIMIT_POLICIES) as RateLimitPolicyName[];
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fails open for reads and ordinary writes, closed for auth, payment, SMS and AI", async () => {
    captureLogs();
    const outcomes = await Promise.all(
      policyNames.map(async (name) => {
        try {
          return [name, await enforceRateLimit(name, "203.0.113.5")] as const;
        } catch (error) {
          return [name, error] as const;
        }
      }),
    );
    const byPolicy = Object.fromEntries(outcomes);
    for (const name of ["read", "write"]) expect(byPolicy[name], name).toEqual({});
    for (const name of ["auth", "auth_email", "payment", "sms", "sms_destination", "ai"]) {
      expect(byPolicy[name], name).toMatchObject({ code: "service_unavailable", status: 503 });
    }
    expect(Object.keys(byPolicy).sort()).toEqual(policyNames.sort());
  });

  it("logs rate_limiter_unavailable with the policy and its failure mode", async () => {
    const logs = captureLogs();
    await enforceRateLimit("read", "203.0.113.5");
    await enforceRateLimit("payment", "user-1").catch(() => {});
    const unavailable = logs.filter((line) => line.event === "rate_limiter_unavailable");
    expect(unavailable).toMatchObject([
      { level: "warn", policy: "read", failure: "open" },
      { level: "error", policy: "payment", failure: "closed" },
    ]);
    expect(JSON.stringify(logs)).not.toContain("203.0.113.5");
  });

  it("gives up fast instead of holding the request", async () => {
    captureLogs();
    const started = performance.now();
    await enforceRateLimit("read", "203.0.113.6");
    // A refused connection is retried once after 50 ms; the library default waits ~4 s.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
