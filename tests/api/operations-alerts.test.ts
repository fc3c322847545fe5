// The operations alerts (issue 24), each stuck condition made on the local stack — a webhook
// event that was never processed, an email that bounced (Resend's signed status webhook, through
// the Resend fake), a capture with no booking, a job that stopped running — seen in the
// operations view, alerted with exactly one email through the outbox (and one signed JSON
// webhook), not again while it lasts, then fixed through the API and cleared with one more.
//
// Alerts are about the whole database: the one CI shares between files (.ci/run's PostgreSQL
// run) holds what earlier files left failing on purpose, which would keep these conditions open.
// So this file always runs on a database of its own (PGlite in memory); the view's scoping runs
// on the shared one too (operations-view.test.ts).
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, serve } from "../../dev/web-server.js";
import { alertSignature, SIGNATURE_HEADER } from "../../lib/operations/alert-webhook.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { type FakeResend, startFakeResend } from "../helpers/fake-resend.js";
import { payAsGuest } from "../helpers/guest-payment.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

const RESEND_API_KEY = "re_test_operations";
const RESEND_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const ALERT_SECRET = "alert-webhook-secret-0123456789";
const OPS = "ops@example.test";

type User = { id: string; accessToken: string };
interface Run {
  opened: string[];
  cleared: string[];
  webhook: string;
}
interface Hook {
  body: string;
  valid: boolean;
}

let supabase: TestSupabase;
let api: TestApi;
let resend: FakeResend;
let receiver: RunningServer;
const hooks: Hook[] = [];
let admin: User;
let staff: User;

beforeAll(async () => {
  const shared = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    supabase = await startTestSupabase({ seedFile: PROJECT_SEED });
  } finally {
    if (shared !== undefined) process.env.DATABASE_URL = shared;
  }
  resend = await startFakeResend(RESEND_API_KEY);
  receiver = await serve(
    async (request) => {
      const body = await request.text();
      const header = request.headers.get(SIGNATURE_HEADER) ?? "";
      const timestamp = Number(/t=(\d+)/.exec(header)?.[1]);
      hooks.push({ body, valid: header === alertSignature(ALERT_SECRET, timestamp, body) });
      return new Response("ok");
    },
    { port: 0 },
  );
  api = await startTestApi({
    supabase,
    databaseWebhooks: false,
    env: {
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      RESEND_WEBHOOK_SECRET,
      EMAIL_FROM: "Bastion Practice <care@example.test>",
      OPERATIONS_ALERT_EMAIL: OPS,
      OPERATIONS_ALERT_WEBHOOK_URL: `${receiver.url}/hooks/ops`,
      OPERATIONS_ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    },
  });
  [admin, staff] = await Promise.all([
    api.signUp({ role: "admin" }),
    api.signUp({ role: "staff" }),
  ]);
});
afterAll(async () => {
  await api?.close();
  await supabase?.close();
  await resend?.close();
  await receiver?.close();
});

const cron = (path: string) =>
  send(api, "GET", path, { headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } });

async function runAlerts(): Promise<Run> {
  const run = await expectJson<Run>(await cron("/api/cron/operations-alerts"), 200);
  await api.settle();
  return run;
}

/** The operations_alert rows of the condition's alerts: state and delivery status. */
async function alertMails(condition: string) {
  const { rows } = await api.supabase.db.query<{ state: string; status: string }>(
    `select n.data ->> 'state' as state, n.status from public.notifications as n
       join public.operations_alerts as a on a.id = n.operations_alert_id
      where n.template = 'operations_alert' and a.condition = $1 order by n.created_at`,
    [condition],
  );
  return rows;
}

const mailsToOps = (subject: string) =>
  resend.sent.filter((mail) => mail.to.includes(OPS) && mail.subject.includes(subject));

async function view() {
  return expectJson<{
    conditions: { key: string; ids: string[] }[];
    jobs: { job: string; late: boolean }[];
    alerts: { id: string; condition: string; acknowledgedAt: string | null }[];
  }>(await send(api, "GET", "/api/admin/operations", { token: admin.accessToken }), 200);
}

function resendWebhook(body: string) {
  const id = `msg_${randomBytes(8).toString("hex")}`;
  const at = new Date();
  return send(api, "POST", "/api/webhooks/resend", {
    body,
    headers: {
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(RESEND_WEBHOOK_SECRET).sign(id, at, body),
    },
  });
}

/** Opens the condition: one email, one signed webhook, nothing more on the next run. */
async function expectOpenedOnce(condition: string, title: string) {
  const hooksBefore = hooks.length;
  const run = await runAlerts();
  expect(run.opened).toContain(condition);
  expect(run.webhook).toBe("sent");
  expect(await alertMails(condition)).toEqual([{ state: "opened", status: "sent" }]);
  expect(mailsToOps(`Needs attention at`).filter((m) => m.subject.includes(title))).toHaveLength(1);
  const hook = hooks.slice(hooksBefore).find((h) => h.body.includes(`"${condition}"`));
  expect(hook?.valid).toBe(true);
  expect(JSON.parse(hook?.body ?? "{}")).toMatchObject({ text: expect.stringContaining(title) });

  const again = await runAlerts();
  expect(again.opened).not.toContain(condition);
  expect(await alertMails(condition)).toHaveLength(1);
}

async function expectCleared(condition: string) {
  const run = await runAlerts();
  expect(run.cleared).toContain(condition);
  expect(await alertMails(condition)).toEqual([
    { state: "opened", status: "sent" },
    { state: "cleared", status: "sent" },
  ]);
  expect((await runAlerts()).cleared).not.toContain(condition);
}

describe("operations alerts", () => {
  it("a webhook event nobody processed: one alert, retried through the API, then cleared", async () => {
    const { rows } = await api.supabase.db.query<{ id: string }>(
      `insert into public.webhook_events (provider, event_id, event_type, payload, received_at,
         attempts, last_error)
       values ('sandbox', $1, 'payment.dispute.lost', '{}', now() - interval '1 hour', 2, 'Error: x')
       returning id::text`,
      [`evt_${crypto.randomUUID()}`],
    );
    const id = rows[0]?.id as string;
    expect((await view()).conditions.find((c) => c.key === "webhook_events_failing")?.ids).toEqual([
      id,
    ]);
    await expectOpenedOnce("webhook_events_failing", "Provider webhook events not processed");

    await expectProblem(
      await send(api, "POST", `/api/admin/operations/webhook-events/${id}/retry`, {
        token: staff.accessToken,
      }),
      403,
      "forbidden",
    );
    const retried = await expectJson<{ processed: boolean }>(
      await send(api, "POST", `/api/admin/operations/webhook-events/${id}/retry`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect(retried.processed).toBe(true);
    await expectProblem(
      await send(api, "POST", `/api/admin/operations/webhook-events/${id}/retry`, {
        token: admin.accessToken,
      }),
      409,
      "conflict",
    );
    const { rows: audit } = await api.supabase.db.query(
      "select actor::text from public.staff_actions where action = 'webhook_event.retry'",
    );
    expect(audit).toEqual([{ actor: admin.id }]);
    await expectCleared("webhook_events_failing");
  });

  it("a bounced email (Resend's status webhook): one alert, sent again, then cleared", async () => {
    const practitionerId = await newPractitioner(api.supabase.db);
    const bookingId = await insertBooking(api.supabase.db, {
      practitionerId,
      start: new Date(Date.now() + 5 * 86_400_000),
    });
    expect((await cron("/api/cron/deliver-notifications")).status).toBe(200);
    const confirmation = async () =>
      (
        await api.supabase.db.query<{ id: string; status: string; provider_message_id: string }>(
          `select id::text, status, provider_message_id from public.notifications
            where booking_id = $1 and template = 'booking_confirmation' and channel = 'email'`,
          [bookingId],
        )
      ).rows[0];
    const sent = await confirmation();
    expect(sent?.status).toBe("sent");
    const bounced = await resendWebhook(
      JSON.stringify({
        type: "email.bounced",
        created_at: new Date().toISOString(),
        data: { email_id: sent?.provider_message_id },
      }),
    );
    expect(await bounced.json()).toEqual({ received: true, updated: true });
    expect((await view()).conditions.find((c) => c.key === "messages_failed")?.ids).toEqual([
      sent?.id,
    ]);
    await expectOpenedOnce("messages_failed", "Email or SMS failed or bounced");

    const retried = await expectJson<{ status: string }>(
      await send(api, "POST", `/api/admin/operations/notifications/${sent?.id}/retry`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect(retried.status).toBe("sent");
    await expectCleared("messages_failed");
  });

  it("a capture with no booking: one alert, refunded, then cleared", async () => {
    const { order } = await payAsGuest(api);
    await api.supabase.db.query(
      "update public.payments set captured_at = now() - interval '20 minutes' where id = $1",
      [order.paymentId],
    );
    await expectOpenedOnce("captures_unmatched", "Captured payments with no booking");

    const settled = await expectJson(
      await send(api, "POST", `/api/admin/operations/payments/${order.paymentId}/settle`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect(settled).toEqual({
      paymentId: order.paymentId,
      refundsRequested: 0,
      refundsFailed: 0,
      reconciled: 0,
    });
    const refunded = await send(api, "POST", "/api/payments/refund", {
      token: admin.accessToken,
      key: crypto.randomUUID(),
      body: { paymentId: order.paymentId, reason: "Paid without booking" },
    });
    expect(refunded.status).toBe(201);
    await expectCleared("captures_unmatched");
  });

  it("a job that stopped running: one alert, acknowledged, cleared by its next run", async () => {
    expect((await cron("/api/cron/purge-consent")).status).toBe(200);
    await api.supabase.db.query(
      "update public.job_heartbeats set last_success_at = now() - interval '3 days' where job = 'purge-consent'",
    );
    expect((await view()).jobs.find((job) => job.job === "purge-consent")?.late).toBe(true);
    await expectOpenedOnce("job_late:purge-consent", "Scheduled job purge-consent");

    const alert = (await view()).alerts.find((a) => a.condition === "job_late:purge-consent");
    await expectProblem(
      await send(api, "POST", `/api/admin/operations/alerts/${alert?.id}/acknowledge`, {
        token: staff.accessToken,
      }),
      403,
      "forbidden",
    );
    await expectProblem(
      await send(api, "POST", `/api/admin/operations/alerts/${crypto.randomUUID()}/acknowledge`, {
        token: admin.accessToken,
      }),
      404,
      "not_found",
    );
    const acknowledged = await expectJson<{ acknowledgedAt: string }>(
      await send(api, "POST", `/api/admin/operations/alerts/${alert?.id}/acknowledge`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect((await view()).alerts.find((a) => a.id === alert?.id)?.acknowledgedAt).toBe(
      acknowledged.acknowledgedAt,
    );

    expect((await cron("/api/cron/purge-consent")).status).toBe(200);
    await expectCleared("job_late:purge-consent");
  });
});
