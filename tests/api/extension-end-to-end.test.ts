// Issue 18's end-to-end check: a browser extension as the client, against the local stack and the
// Stripe fake — it registers from its own origin, refreshes with the token it keeps, syncs from
// two devices (the second one gated until it upgrades through Checkout, then a conflict merged),
// sends usage events that admins see aggregated, and deletes the account, its events with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { stripeEvent, TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const EXTENSION_ID = "bcdefghijklmnopabcdefghijklmnopa";
const ORIGIN = `chrome-extension://${EXTENSION_ID}`;
const PRO = "price_pro_e2e";

let api: TestApi;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  api = await startTestApi({
    auth: { refreshTokenReuseIntervalSeconds: 0 },
    env: {
      ALLOWED_EXTENSION_IDS: EXTENSION_ID,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      STRIPE_PRICE_PRO: PRO,
      STRIPE_PRICE_PREMIUM: "price_premium_e2e",
    },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

interface Session {
  user: { id: string };
  accessToken: string;
  refreshToken: string;
}
interface Synced {
  version: number;
  data: Record<string, unknown>;
}

describe("a browser extension, end to end", () => {
  it("registers, refreshes, syncs two devices after upgrading, sends events, and is deleted", async () => {
    const fromExtension = { headers: { origin: ORIGIN } };
    const email = `extension-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const registered = await expectJson<Session>(
      await post(
        api,
        "/api/auth/register",
        { email, password: "a long extension passphrase", fullName: "Ext User" },
        fromExtension,
      ),
      201,
    );
    expect(registered.refreshToken).toEqual(expect.any(String));

    // The hourly refresh: the extension sends the token it keeps and stores the next one.
    const session = await expectJson<Session>(
      await post(
        api,
        "/api/auth/refresh",
        { refreshToken: registered.refreshToken },
        fromExtension,
      ),
      200,
    );
    expect(session.refreshToken).not.toBe(registered.refreshToken);
    const token = session.accessToken;

    const push = (device: string, baseVersion: number, data: Record<string, unknown>) =>
      send(api, "POST", "/api/sync/push", {
        token,
        body: { baseVersion, schemaVersion: 1, device, data },
      });
    const laptop = await expectJson<Synced>(
      await push("laptop", 0, { analyticsOptIn: true, blocked: ["news.example"] }),
      200,
    );
    // The free tier syncs one device: the phone needs pro.
    expect(
      await expectProblem(
        await push("phone", laptop.version, laptop.data),
        402,
        "subscription_required",
      ),
    ).toMatchObject({ tier: "free", requiredTier: "pro" });

    // Upgrade through Checkout in the Stripe fake; the webhook (the spec's path) records it.
    const checkout = await expectJson<{ sessionId: string }>(
      await send(api, "POST", "/api/subscriptions", {
        token,
        key: crypto.randomUUID(),
        body: {
          tier: "pro",
          successUrl: `${SPA_ORIGIN}/welcome`,
          cancelUrl: `${SPA_ORIGIN}/plans`,
        },
      }),
      201,
    );
    const { session: completed } = stripe.completeSubscriptionCheckout(checkout.sessionId);
    const delivery = stripeEvent("checkout.session.completed", completed);
    await expectJson(
      await fetch(`${api.url}/api/subscriptions/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
        body: delivery.body,
      }),
      200,
    );
    const plan = await expectJson<{ tier: string; features: { syncedDevices: number } }>(
      await send(api, "GET", "/api/subscriptions", { token }),
      200,
    );
    expect(plan).toMatchObject({ tier: "pro", features: { syncedDevices: 3 } });

    // Two devices edit the same version: the second is a conflict, merged and pushed again.
    const phone = await expectJson<Synced>(
      await push("phone", laptop.version, {
        ...laptop.data,
        blocked: ["news.example", "video.example"],
      }),
      200,
    );
    const conflict = await expectProblem(
      await push("laptop", laptop.version, { ...laptop.data, theme: "dark" }),
      409,
      "version_conflict",
    );
    const current = conflict.current as Synced;
    expect(current.version).toBe(phone.version);
    const merged = await expectJson<Synced>(
      await push("laptop", current.version, { ...current.data, theme: "dark" }),
      200,
    );
    expect(merged.data).toEqual({
      analyticsOptIn: true,
      blocked: ["news.example", "video.example"],
      theme: "dark",
    });
    const pulled = await expectJson<Synced>(
      await send(api, "GET", "/api/sync/pull", { token }),
      200,
    );
    expect(pulled.version).toBe(merged.version);

    // Usage events (opted in by the synced settings), aggregated for admins.
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    expect(
      await expectJson(
        await send(api, "POST", "/api/analytics/events", {
          token,
          body: {
            events: [
              { name: "ai.summary_requested", day },
              { name: "ai.summary_requested", day },
            ],
          },
        }),
        200,
      ),
    ).toEqual({ recorded: 2, optedIn: true });
    const admin = await api.signUp({ roles: ["admin"] });
    const aiRow = async () => {
      const summary = await expectJson<{ days: Record<string, unknown>[] }>(
        await send(api, "GET", `/api/analytics/summary?from=${day}&to=${day}`, {
          token: admin.accessToken,
        }),
        200,
      );
      return summary.days.find((row) => row.feature === "ai" && row.tier === "pro");
    };
    const before = (await aiRow()) as { events: number; users: number };
    expect(before.events).toBeGreaterThanOrEqual(2);

    // Deleting the account (signed in moments ago) takes its events with it.
    expect((await send(api, "DELETE", "/api/users/me", { token })).status).toBe(204);
    const { rows } = await api.supabase.db.query(
      "select 1 from public.usage_events where user_id = $1",
      [session.user.id],
    );
    expect(rows).toEqual([]);
    const after = (await aiRow()) as { events: number; users: number } | undefined;
    expect(after?.events ?? 0).toBe(before.events - 2);
    await expectProblem(
      await post(api, "/api/auth/refresh", { refreshToken: session.refreshToken }, fromExtension),
      401,
      "session_expired",
    );
  });
});
