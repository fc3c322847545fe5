// A request names any Host it likes, and where a function is reached by its IP address or
// through a proxy that passes Host on, that is the attacker's choice. Nothing Bastion builds may
// follow it: links in email, redirects, provider callbacks, the Stripe return allowlist, the
// same-origin check and requests of its own all come from APP_URL (here the test server's own
// address). Each request below is sent to the test server with a forged Host header; "the
// attacker's host" is a server of the test's own that records whatever reaches it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, serve } from "../../dev/web-server.js";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentBody, futureWeekday } from "../helpers/booking-hold.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, expectProblem, type SendOptions, sendFrom } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
let stripe: FakeStripe;
let attacker: RunningServer;
/** Every request that reached the attacker's host: method, path and headers. */
const stolen: { method: string; path: string; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  attacker = await serve(
    async (request) => {
      stolen.push({
        method: request.method,
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
      });
      return Response.json({ queued: true });
    },
    { port: 0 },
  );
  stripe = await startFakeStripe();
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_URL: stripe.url },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
  await attacker?.close();
});

/** The attacker's host as a Host header: it resolves, so a request built on it would arrive. */
const attackerHost = () => new URL(attacker.url).host;

/** A request to the test API carrying `host` as its Host header. */
const sendWithHost = (host: string, method: string, path: string, options: SendOptions = {}) =>
  sendFrom(api, method, path, { ...options, host });

/** The text of every password_reset email the local outbox holds for the address. */
const resetMailsTo = (recipient: string) => outboxMailsTo(api, "password_reset", recipient);

async function newAccount() {
  const email = `host-${crypto.randomUUID().slice(0, 12)}@example.test`;
  const password = "a long forged-host passphrase";
  const admin = api.supabase.client(api.supabase.serviceRoleKey).auth.admin;
  const { error } = await admin.createUser({ email, password, email_confirm: true });
  if (error) throw error;
  const { data } = await api.supabase.client().auth.signInWithPassword({ email, password });
  if (!data.session) throw new Error("no session");
  return { email, session: data.session };
}

describe("with a forged Host", () => {
  it("forgot-password sends no request (and no secret) to that host, and mails a link to APP_URL", async () => {
    const { email } = await newAccount();
    const answer = await sendWithHost(attackerHost(), "POST", "/api/auth/forgot-password", {
      body: { email },
    });
    expect(answer.status).toBe(202);
    const mails = await resetMailsTo(email);
    expect(stolen).toEqual([]);
    expect(mails).toHaveLength(1);
    const links = mails[0]?.match(/https?:\/\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new URL(link).origin).toBe(api.url);
    expect(mails[0]).toContain(`${api.url}/reset-password#token=`);
  });

  it("forgot-password with a matching forged Origin still links to APP_URL", async () => {
    const { email } = await newAccount();
    const answer = await sendWithHost("attacker.example", "POST", "/api/auth/forgot-password", {
      body: { email },
      headers: { origin: "http://attacker.example" },
    });
    expect(answer.status).toBe(202);
    const [mail] = await resetMailsTo(email);
    expect(mail).toContain(`${api.url}/reset-password#token=`);
    expect(mail).not.toContain("attacker.example");
  });

  it("the OAuth start has Supabase return the browser to APP_URL's callback", async () => {
    const answer = await sendWithHost("attacker.example", "GET", "/api/auth/oauth/local");
    expect(answer.status).toBe(302);
    const authorize = new URL(String(answer.headers.get("location")));
    expect(authorize.searchParams.get("redirect_to")).toBe(`${api.url}/api/auth/callback`);
  });

  it("a Stripe checkout may not return to that host, and Stripe hears only of APP_URL", async () => {
    const user = await api.signUp();
    const checkout = (successUrl: string) =>
      sendWithHost("attacker.example", "POST", "/api/payments/create-checkout", {
        headers: {
          authorization: `Bearer ${user.accessToken}`,
          "idempotency-key": crypto.randomUUID(),
        },
        body: {
          sessionType: "individual",
          format: "video",
          customer: { email: "payer@example.test" },
          successUrl,
          cancelUrl: `${api.url}/book`,
        },
      });
    const refused = await expectProblem(
      await checkout("http://attacker.example/paid"),
      400,
      "validation_failed",
    );
    expect(Object.keys(refused.errors ?? {})).toEqual(["successUrl"]);

    await expectJson(await checkout(`${api.url}/paid`), 201);
    const sessions = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions");
    expect(sessions).toHaveLength(1);
    expect(JSON.stringify(sessions)).not.toContain("attacker.example");
  });

  it("a booking's confirmation URL is on APP_URL", async () => {
    const email = `guest-${crypto.randomUUID().slice(0, 12)}@example.test`;
    await expectJson(
      await sendWithHost("attacker.example", "POST", "/api/consent", { body: consentBody(email) }),
      201,
    );
    const booking = await expectJson<{ confirmationUrl: string }>(
      await sendWithHost("attacker.example", "POST", "/api/bookings", {
        body: {
          sessionType: "individual",
          format: "video",
          date: futureWeekday(),
          time: "3:00 PM",
          practitionerId: await newPractitioner(api.supabase),
          customer: { name: "Asha Rao", email },
          consentAccepted: true,
        },
      }),
      201,
    );
    expect(new URL(booking.confirmationUrl).origin).toBe(api.url);
  });

  it("refresh is not same-origin for an Origin that matches only the forged Host", async () => {
    const { session } = await newAccount();
    const answer = await sendWithHost("attacker.example", "POST", "/api/auth/refresh", {
      headers: {
        origin: "http://attacker.example",
        "x-requested-with": "bastion",
        cookie: `${REFRESH_COOKIE}=${session.refresh_token}`,
      },
    });
    await expectProblem(answer, 403, "origin_not_allowed");
    expect(answer.headers.get("set-cookie")).toBeNull();
  });

  it("reached nothing of the attacker's at all", () => {
    expect(stolen).toEqual([]);
  });
});
