// What a server does with the local stand-ins turned off, and with the settings every deployment
// needs missing or refused, through HTTP: one Supabase stack, and an API server per
// configuration (each loads its functions afresh, as a cold start would).
// - Without BASTION_LOCAL_STACK=1 (any host that did not ask for the local stack), no Razorpay
//   keys is 503 provider_not_configured: never the sandbox, whose secret is public.
// - BASTION_LOCAL_STACK=1 on a production host, APP_URL missing, or the personal-data keys
//   missing outside the local stack stop every function but /api/health, which names the setting.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
  sandboxWebhookSignature,
} from "../../lib/payments/providers/sandbox.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentBody } from "../helpers/booking-hold.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { captureLogs, type LogLine } from "../helpers/log-capture.js";
import { redisServerBinary } from "../helpers/redis.js";
import { expectProblem, send } from "../helpers/requests.js";
import { announceSkipped } from "../helpers/skipped.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

const PERSONAL_DATA_KEYS = {
  PERSONAL_DATA_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  PERSONAL_DATA_HMAC_KEY: randomBytes(32).toString("base64"),
};

let supabase: TestSupabase;
/** A deployment counts its rate limits in Upstash (in memory only on the local stack). */
const binary = redisServerBinary();
let upstash: LocalUpstash | undefined;
beforeAll(async () => {
  supabase = await startTestSupabase({ seedFile: PROJECT_SEED });
  upstash = binary ? await startLocalUpstash(binary) : undefined;
});
afterAll(async () => {
  await upstash?.stop();
  await supabase?.close();
});

if (!binary) {
  announceSkipped(
    "redis-server not found — a deployment's payment endpoints without Razorpay keys were not tested (apt-get install redis-server)",
  );
}

/**
 * A server with these settings for the describe block it is called in. Every setting that
 * differs between the blocks is named, so none leaks from one block into the next.
 */
type Settings = Record<string, string | undefined>;

function serverWith(settings: Settings | (() => Settings)): () => TestApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await startTestApi({
      supabase,
      env: {
        BASTION_LOCAL_STACK: "1",
        VERCEL_ENV: undefined,
        PERSONAL_DATA_KEYS: undefined,
        PERSONAL_DATA_HMAC_KEY: undefined,
        UPSTASH_REDIS_REST_URL: undefined,
        UPSTASH_REDIS_REST_TOKEN: undefined,
        ...(typeof settings === "function" ? settings() : settings),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    delete process.env.VERCEL_ENV;
  });
  return () => {
    if (!api) throw new Error("the server did not start");
    return api;
  };
}

async function health(api: TestApi) {
  const response = await send(api, "GET", "/api/health");
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** What a function that refuses to start answers, whatever was asked. */
async function refusesToServe(response: Response) {
  const body = await expectProblem(response, 500, "internal_error");
  expect(body.detail).toBe(
    "This server is missing settings it needs to run; its operator can see which at /api/health.",
  );
}

describe.runIf(binary)(
  "a server that did not ask for the local stack, without Razorpay keys",
  () => {
    const api = serverWith(() => ({
      BASTION_LOCAL_STACK: undefined,
      ...PERSONAL_DATA_KEYS,
      UPSTASH_REDIS_REST_URL: upstash?.url,
      UPSTASH_REDIS_REST_TOKEN: upstash?.token,
    }));

    it("is healthy: its settings are complete", async () => {
      expect(await health(api())).toMatchObject({
        status: "ok",
        checks: { configuration: "ok" },
        configuration: [],
      });
    });

    it("answers create-order with 503 provider_not_configured, never the sandbox", async () => {
      const user = await api().signUp();
      const response = await send(api(), "POST", "/api/payments/create-order", {
        token: user.accessToken,
        headers: { "idempotency-key": crypto.randomUUID() },
        body: { sessionType: "individual", format: "video" },
      });
      await expectProblem(response, 503, "provider_not_configured");
      const { rows } = await supabase.db.query(
        "select id from public.payments where user_id = $1",
        [user.id],
      );
      expect(rows).toEqual([]);
    });

    it("answers verify with 503 even for a checkout signed with the sandbox's public secret", async () => {
      const user = await api().signUp();
      const orderId = "order_sbx_0123456789abcdef0123";
      const paymentId = sandboxPaymentId({
        orderId,
        amountMinor: 250000,
        currency: "INR",
        status: "captured",
      });
      const response = await send(api(), "POST", "/api/payments/verify", {
        token: user.accessToken,
        body: {
          razorpay_order_id: orderId,
          razorpay_payment_id: paymentId,
          razorpay_signature: sandboxCheckoutSignature(orderId, paymentId),
        },
      });
      await expectProblem(response, 503, "provider_not_configured");
    });

    it("refuses the sandbox webhook, however well signed", async () => {
      const body = JSON.stringify({
        entity: "event",
        event: "payment.captured",
        contains: ["payment"],
        payload: {
          payment: {
            entity: {
              id: "pay_sbx_forged",
              entity: "payment",
              order_id: "order_sbx_forged",
              amount: 250000,
              currency: "INR",
              status: "captured",
            },
          },
        },
        created_at: Math.floor(Date.now() / 1000),
      });
      const response = await send(api(), "POST", "/api/webhooks/sandbox", {
        body,
        headers: {
          "x-razorpay-signature": sandboxWebhookSignature(body),
          "x-razorpay-event-id": `evt_sbx_${crypto.randomUUID().replaceAll("-", "")}`,
        },
      });
      await expectProblem(response, 503, "provider_not_configured");
    });
  },
);

describe("a server without the personal-data keys, outside the local stack", () => {
  const api = serverWith({ BASTION_LOCAL_STACK: undefined });
  let lines: LogLine[];
  beforeAll(() => {
    lines = captureLogs();
  });
  afterEach(() => {
    lines.length = 0;
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("refuses to serve rather than seal personal data under the public development keys", async () => {
    const records = () => supabase.db.query("select id from public.consent_records");
    const before = await records();
    const response = await send(api(), "POST", "/api/consent", {
      body: consentBody("no-keys@example.test"),
    });
    await refusesToServe(response);
    expect((await records()).rows).toEqual(before.rows);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        event: "startup_refused",
        problems: [
          { setting: "PERSONAL_DATA_KEYS", problem: "missing" },
          { setting: "PERSONAL_DATA_HMAC_KEY", problem: "missing" },
        ],
      }),
    );
    expect(lines.some((line) => line.event === "personal_data_development_keys")).toBe(false);
  });

  it("says in /api/health which settings are missing, and nothing of any value", async () => {
    const report = await health(api());
    expect(report).toMatchObject({
      status: "degraded",
      checks: { database: "ok", configuration: "not_configured" },
      configuration: [
        { setting: "PERSONAL_DATA_KEYS", problem: "missing" },
        { setting: "PERSONAL_DATA_HMAC_KEY", problem: "missing" },
      ],
    });
    expect(JSON.stringify(report)).not.toContain(api().url);
  });
});

describe("a server without APP_URL", () => {
  const api = serverWith({ APP_URL: undefined });

  it("refuses to serve: no link, redirect or callback may come from a request's Host", async () => {
    await refusesToServe(await send(api(), "GET", "/api/services"));
    await refusesToServe(
      await send(api(), "POST", "/api/auth/forgot-password", {
        body: { email: "someone@example.test" },
      }),
    );
    const oauth = await fetch(`${api().url}/api/auth/oauth/local`, { redirect: "manual" });
    await refusesToServe(oauth);
    expect(oauth.headers.get("location")).toBeNull();
  });

  it("says in /api/health that APP_URL is missing", async () => {
    expect(await health(api())).toMatchObject({
      status: "degraded",
      checks: { configuration: "not_configured" },
      configuration: [{ setting: "APP_URL", problem: "missing" }],
    });
  });
});

describe("a server with an APP_URL that is not an origin", () => {
  const api = serverWith({ APP_URL: "https://app.example.test/some/path" });

  it("refuses to serve, and /api/health says APP_URL is invalid", async () => {
    await refusesToServe(await send(api(), "GET", "/api/services"));
    expect(await health(api())).toMatchObject({
      configuration: [{ setting: "APP_URL", problem: "invalid" }],
    });
  });
});

describe("BASTION_LOCAL_STACK=1 on a Vercel preview deployment", () => {
  const api = serverWith({ VERCEL_ENV: "preview", ...PERSONAL_DATA_KEYS });

  it("is a start-up error: the functions refuse to serve, the sandbox included", async () => {
    await refusesToServe(await send(api(), "GET", "/api/services"));
    await refusesToServe(
      await send(api(), "POST", "/api/webhooks/sandbox", { body: "{}", headers: {} }),
    );
  });

  it("says in /api/health that the setting is refused here", async () => {
    expect(await health(api())).toMatchObject({
      status: "degraded",
      configuration: [{ setting: "BASTION_LOCAL_STACK", problem: "refused" }],
    });
  });
});
