// Usage analytics through HTTP and the local stack: events are kept only for users who opted in
// (their settings document), only known names and a day, with the tier's retention; admins read
// daily aggregates per feature and tier; the events go with the account; nobody reaches the
// table through the Data API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIER_FEATURES } from "../../lib/subscriptions/features.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { grantTier } from "../helpers/tier.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

const sendEvents = (token: string, events: unknown) =>
  send(api, "POST", "/api/analytics/events", { token, body: { events } });

async function optIn(token: string, optedIn = true) {
  await expectJson(
    await send(api, "PUT", "/api/users/me/settings", {
      token,
      body: { baseVersion: 0, schemaVersion: 1, data: { analyticsOptIn: optedIn } },
    }),
    200,
  );
}

async function storedEvents(userId: string) {
  const { rows } = await api.supabase.db.query<{
    name: string;
    feature: string;
    tier: string;
    retention_days: number;
  }>(
    `select name, feature, tier,
            round(extract(epoch from expires_at - received_at) / 86400)::int as retention_days
       from public.usage_events where user_id = $1 order by id`,
    [userId],
  );
  return rows;
}

describe("POST /api/analytics/events", () => {
  it("keeps nothing for a user who has not opted in", async () => {
    const user = await api.signUp();
    const events = [{ name: "focus.session_started", day: today() }];
    expect(await expectJson(await sendEvents(user.accessToken, events), 200)).toEqual({
      recorded: 0,
      optedIn: false,
    });
    await optIn(user.accessToken, false);
    await expectJson(await sendEvents(user.accessToken, events), 200);
    expect(await storedEvents(user.id)).toEqual([]);
  });

  it("keeps an opted-in user's events with their feature, tier and the tier's retention", async () => {
    const user = await api.signUp();
    await grantTier(api, user.id, "pro");
    await optIn(user.accessToken);
    const receipt = await expectJson(
      await sendEvents(user.accessToken, [
        { name: "focus.session_started", day: today() },
        { name: "sync.settings_pushed", day: daysAgo(3) },
      ]),
      200,
    );
    expect(receipt).toEqual({ recorded: 2, optedIn: true });
    const retention = TIER_FEATURES.pro.analyticsRetentionDays;
    expect(await storedEvents(user.id)).toEqual([
      { name: "focus.session_started", feature: "focus", tier: "pro", retention_days: retention },
      { name: "sync.settings_pushed", feature: "sync", tier: "pro", retention_days: retention },
    ]);
  });

  it.each([
    ["an unknown event", [{ name: "page.visited", day: today() }]],
    ["a property", [{ name: "focus.session_started", day: today(), url: "https://a.test" }]],
    ["a day long past", [{ name: "focus.session_started", day: daysAgo(30) }]],
    ["no events", []],
    [
      "too many events",
      Array.from({ length: 101 }, () => ({ name: "focus.session_started", day: today() })),
    ],
  ])("refuses %s with 400 and keeps nothing", async (_, events) => {
    const user = await api.signUp();
    await optIn(user.accessToken);
    await expectProblem(await sendEvents(user.accessToken, events), 400, "validation_failed");
    expect(await storedEvents(user.id)).toEqual([]);
  });

  it("purges events past their retention when a batch arrives", async () => {
    const user = await api.signUp();
    await optIn(user.accessToken);
    await expectJson(
      await sendEvents(user.accessToken, [{ name: "plans.upgrade_viewed", day: today() }]),
      200,
    );
    await api.supabase.db.query(
      "update public.usage_events set expires_at = now() - interval '1 second' where user_id = $1",
      [user.id],
    );
    await expectJson(
      await sendEvents(user.accessToken, [{ name: "focus.session_started", day: today() }]),
      200,
    );
    expect((await storedEvents(user.id)).map((event) => event.name)).toEqual([
      "focus.session_started",
    ]);
  });

  it("erases a user's events with the account", async () => {
    const user = await api.signUp();
    await optIn(user.accessToken);
    await expectJson(
      await sendEvents(user.accessToken, [{ name: "focus.session_started", day: today() }]),
      200,
    );
    expect(await storedEvents(user.id)).toHaveLength(1);
    expect((await send(api, "DELETE", "/api/users/me", { token: user.accessToken })).status).toBe(
      204,
    );
    expect(await storedEvents(user.id)).toEqual([]);
  });

  it("leaves the table out of the Data API's reach", async () => {
    const user = await api.signUp();
    const client = api.supabase.client(user.accessToken);
    const read = await client.from("usage_events").select("*");
    expect(read.data ?? []).toEqual([]);
    const call = await client.rpc("usage_summary", { p_from: today(), p_to: today() });
    expect(call.error).not.toBeNull();
  });
});

describe("GET /api/analytics/summary", () => {
  it("answers admins the daily events and distinct users per feature and tier", async () => {
    const day = daysAgo(5);
    const users = await Promise.all([api.signUp(), api.signUp()]);
    for (const user of users) {
      await grantTier(api, user.id, "premium");
      await optIn(user.accessToken);
      await expectJson(
        await sendEvents(user.accessToken, [
          { name: "blocklist.site_added", day },
          { name: "blocklist.site_added", day },
        ]),
        200,
      );
    }
    const admin = await api.signUp({ roles: ["admin"] });
    const summary = await expectJson<{ days: Record<string, unknown>[] }>(
      await send(api, "GET", `/api/analytics/summary?from=${day}&to=${day}`, {
        token: admin.accessToken,
      }),
      200,
    );
    // Other files' users share the database: this feature and tier on this day are this test's.
    expect(
      summary.days.filter((row) => row.feature === "blocklist" && row.tier === "premium"),
    ).toEqual([{ day, feature: "blocklist", tier: "premium", events: 4, users: 2 }]);

    const user = users[0] as { accessToken: string };
    await expectProblem(
      await send(api, "GET", `/api/analytics/summary?from=${day}&to=${day}`, {
        token: user.accessToken,
      }),
      403,
      "forbidden",
    );
    await expectProblem(
      await send(api, "GET", `/api/analytics/summary?from=${today()}&to=${daysAgo(1)}`, {
        token: admin.accessToken,
      }),
      400,
      "validation_failed",
    );
  });
});
