// The local stack is opted into (BASTION_LOCAL_STACK=1) and refused on a production host; the
// settings every deployment needs are named when missing. Each case reads the environment afresh,
// as a cold start would.
import { afterEach, describe, expect, it, vi } from "vitest";

type Settings = Partial<Record<string, string>>;

/** lib/env.ts as a function started with exactly these settings (of the ones that matter). */
async function envWith(settings: Settings) {
  vi.resetModules();
  for (const name of [
    "BASTION_LOCAL_STACK",
    "NODE_ENV",
    "VERCEL_ENV",
    "APP_URL",
    "PERSONAL_DATA_KEYS",
    "PERSONAL_DATA_HMAC_KEY",
  ]) {
    vi.stubEnv(name, settings[name] ?? "");
  }
  return import("../../lib/env.js");
}

const COMPLETE = {
  APP_URL: "https://app.example.test",
  PERSONAL_DATA_KEYS: "k1:set",
  PERSONAL_DATA_HMAC_KEY: "set",
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("localStackEnabled", () => {
  it("is off unless asked for, whatever the host", async () => {
    const hosts: Settings[] = [{}, { VERCEL_ENV: "development" }, { NODE_ENV: "development" }];
    for (const host of hosts) {
      expect((await envWith(host)).localStackEnabled()).toBe(false);
      expect((await envWith({ ...host, BASTION_LOCAL_STACK: "0" })).localStackEnabled()).toBe(
        false,
      );
    }
  });

  it("is on when asked for off a production host", async () => {
    const hosts: Settings[] = [{}, { VERCEL_ENV: "development" }, { NODE_ENV: "test" }];
    for (const host of hosts) {
      expect((await envWith({ ...host, BASTION_LOCAL_STACK: "1" })).localStackEnabled()).toBe(true);
    }
  });

  it.each([{ NODE_ENV: "production" }, { VERCEL_ENV: "production" }, { VERCEL_ENV: "preview" }])(
    "is refused with %o: off, and a start-up problem",
    async (host) => {
      const env = await envWith({ ...COMPLETE, ...host, BASTION_LOCAL_STACK: "1" });
      expect(env.localStackEnabled()).toBe(false);
      expect(env.configurationProblems()).toEqual([
        { setting: "BASTION_LOCAL_STACK", problem: "refused" },
      ]);
    },
  );
});

describe("configurationProblems", () => {
  it("is empty for a deployment with APP_URL and the personal-data keys", async () => {
    expect(
      (await envWith({ ...COMPLETE, VERCEL_ENV: "production" })).configurationProblems(),
    ).toEqual([]);
  });

  it("names APP_URL and the personal-data keys when missing, outside the local stack", async () => {
    expect((await envWith({ NODE_ENV: "production" })).configurationProblems()).toEqual([
      { setting: "APP_URL", problem: "missing" },
      { setting: "PERSONAL_DATA_KEYS", problem: "missing" },
      { setting: "PERSONAL_DATA_HMAC_KEY", problem: "missing" },
    ]);
  });

  it("needs APP_URL on the local stack too, but not the personal-data keys", async () => {
    expect((await envWith({ BASTION_LOCAL_STACK: "1" })).configurationProblems()).toEqual([
      { setting: "APP_URL", problem: "missing" },
    ]);
  });

  it.each([
    "https://app.example.test/app",
    "https://app.example.test/?next=/",
    "ftp://app.example.test",
    "app.example.test",
  ])("calls APP_URL %j invalid: it must be an http(s) origin", async (appUrl) => {
    const env = await envWith({ ...COMPLETE, APP_URL: appUrl });
    expect(env.configurationProblems()).toEqual([{ setting: "APP_URL", problem: "invalid" }]);
  });
});

describe("appUrl", () => {
  it("is APP_URL's origin, without a trailing slash", async () => {
    expect(
      (await envWith({ ...COMPLETE, APP_URL: "https://App.Example.test:8443/" })).appUrl(),
    ).toBe("https://app.example.test:8443");
  });

  it("throws when APP_URL is not set: never a default address", async () => {
    const env = await envWith({ BASTION_LOCAL_STACK: "1" });
    expect(() => env.appUrl()).toThrow("APP_URL is not set");
  });
});

describe("env", () => {
  it("parses each setting that is set; a value that fails validation, or an empty one, counts as unset", async () => {
    const env = await envWith(COMPLETE);
    vi.stubEnv("ALLOWED_ORIGINS", " https://a.example.test/x , https://b.example.test:8443,, ");
    vi.stubEnv("STRIPE_SECRET_KEY", "pk_test_not-a-secret-key");
    vi.stubEnv("REDIS_TIMEOUT_MS", "2500");
    vi.stubEnv("OPENAI_API_KEY", "");
    const config = env.env();
    expect(config.ALLOWED_ORIGINS).toEqual([
      "https://a.example.test",
      "https://b.example.test:8443",
    ]);
    expect(config.REDIS_TIMEOUT_MS).toBe(2500);
    expect(config).not.toHaveProperty("STRIPE_SECRET_KEY");
    expect(config).not.toHaveProperty("OPENAI_API_KEY");
    expect(config.APP_URL).toBe("https://app.example.test");
  });
});
