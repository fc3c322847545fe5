// GET /api/admin/operations (issue 24): each condition of the list of condition queries, with
// its count, oldest item and ids, scoped in SQL — admins see everything, staff their
// practitioners' items only, customers nothing (through the API and the Data API alike) — and
// each scheduled job's heartbeat against its schedule. The items are made here; a shared
// database may hold others, so the assertions are about these items' ids, and the items are
// dated older than anything a test leaves (ids come oldest first, at most 100).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULED_JOBS } from "../../lib/operations/jobs.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { payAsGuest } from "../helpers/guest-payment.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { sandboxOrder, verifySandboxPayment } from "../helpers/sandbox-payment.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

type User = { id: string; accessToken: string };
const TWILIO_SID = `AC${"0123456789abcdef".repeat(2)}`;
interface Condition {
  key: string;
  count: number;
  oldestAt: string | null;
  ids: string[];
  thresholdSeconds: number;
}
interface View {
  needsAttention: number;
  conditions: Condition[];
  jobs: { job: string; lastSuccessAt: string | null; late: boolean; everyMinutes: number }[];
  alerts: unknown[];
}

let api: TestApi;
let admin: User;
let staffA: User;
let staffB: User;
let customer: User;
let practitionerA: string;

beforeAll(async () => {
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    databaseWebhooks: false,
    env: {
      OPERATIONS_THRESHOLDS: '{"captures_unmatched": 5, "refunds_owed": 0}',
      // Twilio half set up: the admin health names what is missing.
      TWILIO_ACCOUNT_SID: TWILIO_SID,
    },
  });
  [admin, staffA, staffB, customer] = await Promise.all([
    api.signUp({ role: "admin" }),
    api.signUp({ role: "staff" }),
    api.signUp({ role: "staff" }),
    api.signUp(),
  ]);
  practitionerA = await newPractitioner(api.supabase.db, { userId: staffA.id });
  await newPractitioner(api.supabase.db, { userId: staffB.id });
});
afterAll(async () => {
  await api?.close();
});

const view = async (user: User) =>
  expectJson<View>(
    await send(api, "GET", "/api/admin/operations?limit=100", { token: user.accessToken }),
    200,
  );
const condition = (answer: View, key: string) => answer.conditions.find((c) => c.key === key);

describe("GET /api/admin/operations", () => {
  it("refuses customers, through the API and the Data API", async () => {
    await expectProblem(
      await send(api, "GET", "/api/admin/operations", { token: customer.accessToken }),
      403,
      "forbidden",
    );
    const direct = await api.supabase
      .client(customer.accessToken)
      .rpc("operations_overview", { p_thresholds: {}, p_limit: 20 });
    expect(direct.error?.code).toBe("42501");
  });

  it("shows a capture with no booking to admins, past its configured threshold", async () => {
    const { order } = await payAsGuest(api);
    const admin1 = await view(admin);
    expect(condition(admin1, "captures_unmatched")?.thresholdSeconds).toBe(300);
    expect(condition(admin1, "captures_unmatched")?.ids).not.toContain(order.paymentId);

    await api.supabase.db.query(
      "update public.payments set captured_at = now() - interval '3650 days' where id = $1",
      [order.paymentId],
    );
    const admin2 = await view(admin);
    const captures = condition(admin2, "captures_unmatched");
    expect(captures?.ids).toContain(order.paymentId);
    expect(captures?.count).toBeGreaterThanOrEqual(1);
    expect(Date.parse(captures?.oldestAt ?? "")).toBeLessThanOrEqual(Date.now() - 19 * 60_000);
    expect(admin2.needsAttention).toBeGreaterThanOrEqual(1);
    // A payment no practitioner's booking uses concerns no staff member.
    expect(condition(await view(staffA), "captures_unmatched")).toBeUndefined();
  });

  it("shows a webhook event nobody processed to admins only", async () => {
    const { rows } = await api.supabase.db.query<{ id: string }>(
      `insert into public.webhook_events (provider, event_id, event_type, payload, received_at,
         attempts, last_error)
       values ('sandbox', $1, 'payment.captured', '{}', now() - interval '3650 days', 3, 'Error: x')
       returning id::text`,
      [`evt_${crypto.randomUUID()}`],
    );
    const id = rows[0]?.id as string;
    expect(condition(await view(admin), "webhook_events_failing")?.ids).toContain(id);
    expect(condition(await view(staffA), "webhook_events_failing")).toBeUndefined();
  });

  it("shows a failed message to its practitioner's staff and admins, not to other staff", async () => {
    const bookingId = await insertBooking(api.supabase.db, {
      practitionerId: practitionerA,
      start: new Date(Date.now() + 3 * 86_400_000),
    });
    const { rows } = await api.supabase.db.query<{ id: string }>(
      `update public.notifications set status = 'failed', last_error = 'provider said no',
         updated_at = now() - interval '6 days'
       where booking_id = $1 and channel = 'email' returning id::text`,
      [bookingId],
    );
    const id = rows[0]?.id as string;
    expect(id).toBeDefined();
    expect(condition(await view(admin), "messages_failed")?.ids).toContain(id);
    const mine = await view(staffA);
    expect(condition(mine, "messages_failed")?.ids).toEqual([id]);
    expect(mine.jobs).toEqual([]);
    expect(mine.alerts).toEqual([]);
    expect(condition(await view(staffB), "messages_failed")).toMatchObject({ count: 0, ids: [] });
  });

  it("shows a refund owed, and settles that payment now through the settle job's steps", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const { order, providerPaymentId } = await sandboxOrder(api, user.accessToken, bookingId);
    await verifySandboxPayment(api, user.accessToken, order, providerPaymentId);
    const cancelled = await send(api, "POST", `/api/bookings/${bookingId}/cancel`, {
      token: user.accessToken,
      body: { reason: "Travelling" },
    });
    expect(cancelled.status).toBe(200);
    expect(condition(await view(admin), "refunds_owed")?.ids).toContain(order.paymentId);

    const settled = await expectJson(
      await send(api, "POST", `/api/admin/operations/payments/${order.paymentId}/settle`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect(settled).toEqual({
      paymentId: order.paymentId,
      refundsRequested: 1,
      refundsFailed: 0,
      reconciled: 0,
    });
    expect(condition(await view(admin), "refunds_owed")?.ids).not.toContain(order.paymentId);
    const { rows } = await api.supabase.db.query(
      `select actor::text from public.staff_actions
        where action = 'payment.settle' and subject_id = $1`,
      [order.paymentId],
    );
    expect(rows).toEqual([{ actor: admin.id }]);
    await expectProblem(
      await send(api, "POST", `/api/admin/operations/payments/${crypto.randomUUID()}/settle`, {
        token: admin.accessToken,
      }),
      404,
      "not_found",
    );
  });

  it("shows each scheduled job's last success against its schedule", async () => {
    const ran = await send(api, "GET", "/api/cron/purge-consent", {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    expect(ran.status).toBe(200);
    const fresh = (await view(admin)).jobs.find((job) => job.job === "purge-consent");
    expect(fresh).toMatchObject({ everyMinutes: 1440, late: false });
    expect(Date.now() - Date.parse(fresh?.lastSuccessAt ?? "")).toBeLessThan(60_000);

    await api.supabase.db.query(
      "update public.job_heartbeats set last_success_at = now() - interval '3 days' where job = 'purge-consent'",
    );
    const late = (await view(admin)).jobs.find((job) => job.job === "purge-consent");
    expect(late?.late).toBe(true);
  });

  it("lists the jobs vercel.json schedules", () => {
    const vercel = JSON.parse(readFileSync(new URL("../../vercel.json", import.meta.url), "utf8"));
    const scheduled = (vercel.crons as { path: string }[]).map((cron) =>
      cron.path.replace("/api/cron/", ""),
    );
    expect(SCHEDULED_JOBS.map((job) => job.job).sort()).toEqual(scheduled.sort());
  });
});

describe("GET /api/admin/health", () => {
  it("names each provider's missing settings, never a value, with the migration level", async () => {
    const response = await send(api, "GET", "/api/admin/health", { token: admin.accessToken });
    const text = await response.clone().text();
    const health = await expectJson<{
      versions: { app: string; node: string; migration: string | null };
      database: { state: string; latencyMs: number | null };
      providers: { name: string; state: string; missing: string[] }[];
      required: unknown[];
    }>(response, 200);
    expect(health.versions).toMatchObject({ app: "dev", node: process.version });
    expect(health.versions.migration ?? "").toMatch(/^\d{14}$/);
    expect((health.versions.migration ?? "") >= "20261121002100").toBe(true);
    expect(health.database.state).toBe("ok");
    expect(health.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.required).toEqual([]);
    expect(health.providers.find((p) => p.name === "twilio")).toEqual({
      name: "twilio",
      state: "partial",
      missing: ["TWILIO_AUTH_TOKEN", "TWILIO_FROM"],
    });
    expect(health.providers.find((p) => p.name === "stripe")?.state).toBe("not_configured");
    expect(text).not.toContain(TWILIO_SID);
  });

  it("is for admins only", async () => {
    for (const user of [staffA, customer]) {
      await expectProblem(
        await send(api, "GET", "/api/admin/health", { token: user.accessToken }),
        403,
        "forbidden",
      );
    }
  });
});
