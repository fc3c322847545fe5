// Without Upstash the limiter counts in this process's memory only in the local stack
// (BASTION_LOCAL_STACK=1); on any deployment it refuses to: per-instance counts would multiply
// every limit by the number of warm instances.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../helpers/log-capture.js";

type LimiterModule = typeof import("../../../lib/limits/limiter.js");

/** A fresh lib/env and limiter, reading the environment as stubbed now. */
async function loadLimiter(where: "local stack" | "deployment"): Promise<LimiterModule> {
  vi.resetModules();
  vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
  vi.stubEnv("BASTION_LOCAL_STACK", where === "local stack" ? "1" : "");
  return import("../../../lib/limits/limiter.js");
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("the in-process limiter in the local stack", () => {
  let enforceRateLimit: LimiterModule["enforceRateLimit"];

  beforeEach(async () => {
    ({ enforceRateLimit } = await loadLimiter("local stack"));
    captureLogs();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:05.700Z"));
  });

  it("allows the limit, then answers 429 with Retry-After in whole seconds", async () => {
    const remaining = [];
    for (let i = 0; i < 5; i++) {
      remaining.push(
        (await enforceRateLimit("auth_email", "ada@example.com"))["RateLimit-Remaining"],
      );
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);

    const error = await rejection(enforceRateLimit("auth_email", "ada@example.com"));
    expect(error).toMatchObject({
      code: "rate_limited",
      status: 429,
      options: {
        headers: {
          "Retry-After": "895",
          "RateLimit-Limit": "5",
          "RateLimit-Remaining": "0",
          "RateLimit-Reset": "895",
        },
      },
    });
  });

  it("counts keys and policies separately", async () => {
    for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "grace@example.com");
    await rejection(enforceRateLimit("auth_email", "grace@example.com"));
    expect((await enforceRateLimit("auth_email", "alan@example.com"))["RateLimit-Remaining"]).toBe(
      "4",
    );
    expect((await enforceRateLimit("auth", "grace@example.com"))["RateLimit-Remaining"]).toBe("29");
  });

  it("weighs the previous window as a sliding window, then forgets it", async () => {
    for (let i = 0; i < 5; i++) await enforceRateLimit("auth_email", "edsger@example.com");

    // 20% into the next window, 80% of the previous five (4) still count: one more fits.
    vi.setSystemTime(new Date("2030-01-01T00:18:00.000Z"));
    const next = await enforceRateLimit("auth_email", "edsger@example.com");
    expect(next).toMatchObject({ "RateLimit-Remaining": "0", "RateLimit-Reset": "720" });
    await expect(
      rejection(enforceRateLimit("auth_email", "edsger@example.com")),
    ).resolves.toMatchObject({ code: "rate_limited" });

    // Two windows on, nothing of either burst is left.
    vi.setSystemTime(new Date("2030-01-01T00:45:00.000Z"));
    expect(
      (await enforceRateLimit("auth_email", "edsger@example.com"))["RateLimit-Remaining"],
    ).toBe("4");
  });
});

describe("the limiter on a deployment without Upstash", () => {
  it("counts nothing in memory: fail-closed policies answer 503, fail-open ones pass unchecked, and the cause is logged once", async () => {
    const { enforceRateLimit } = await loadLimiter("deployment");
    const logs = captureLogs();

    for (let i = 0; i < 200; i++) expect(await enforceRateLimit("read", "203.0.113.1")).toEqual({});
    await expect(rejection(enforceRateLimit("auth", "203.0.113.1"))).resolves.toMatchObject({
      code: "service_unavailable",
      status: 503,
    });
    expect(logs.filter((line) => line.event === "rate_limiter_not_configured")).toHaveLength(1);
    expect(logs.find((line) => line.event === "rate_limiter_not_configured")?.level).toBe("error");
  });
});
