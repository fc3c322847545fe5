// Every message leaves within seconds, started by the database (issue #14 §3): the outbox trigger
// and the owed-refund trigger call the cron endpoints through pg_net, with the URL and secret the
// test API put in Vault, as `npm run dev` does. Each target is asserted by polling the outbox
// row's status against a 5-second deadline from the action (never a fixed sleep), and the
// measured latencies are printed at the end. The hold is with a practitioner of its own
// (tests/helpers/booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCronScheduler } from "../../dev/supabase/extensions/cron-scheduler.js";
import {
  startTestApi,
  TEST_CRON_SECRET,
  TEST_DATABASE_WEBHOOK_SECRET,
  type TestApi,
} from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { apiClient, bearer, expectJson } from "../helpers/requests.js";
import { sandboxOrder, verifySandboxPayment } from "../helpers/sandbox-payment.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const TARGET_MS = 5_000;
const HOUR = 3_600_000;
const latencies: [string, number][] = [];

let api: TestApi;
/** pg_net's last request id before this file (a shared PostgreSQL keeps other files' too). */
let requestsBefore: string;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  const { rows } = await api.supabase.db.query<{ id: string }>(
    "select last_value::text as id from net.http_request_queue_id_seq",
  );
  requestsBefore = rows[0]?.id ?? "0";
  // The dev server compiles a function on its first request (a second or more on a busy
  // machine); the targets are about delivery, so the two functions the database calls are
  // loaded first, as a deployment's warm functions would be.
  for (const [path, body] of [
    ["/api/cron/deliver-notifications", {}],
    ["/api/cron/settle-payments", { only: "refunds_owed" }],
  ] as const) {
    const response = await fetch(`${api.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TEST_DATABASE_WEBHOOK_SECRET}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }
});
afterAll(async () => {
  await api?.close();
  if (latencies.length > 0) {
    // Outside vitest's console capture, so the numbers show for a passing run too.
    process.stderr.write(
      `\nDelivery latencies (action → outbox row sent, local stack ${process.env.DATABASE_URL ? "on PostgreSQL" : "on PGlite"}):\n${latencies
        .map(([what, ms]) => `  ${what.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms`)
        .join("\n")}\n`,
    );
  }
});

/**
 * Polls until `done` answers true, failing once TARGET_MS have passed since `since` (the action's
 * start); records and answers the time it took.
 */
async function within(what: string, since: number, done: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await done()) {
      const elapsed = performance.now() - since;
      latencies.push([what, elapsed]);
      return elapsed;
    }
    if (performance.now() - since > TARGET_MS) {
      throw new Error(`${what}: not done within ${TARGET_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function statusOf(where: string, params: string[]): Promise<string[]> {
  const { rows } = await api.supabase.db.query<{ status: string }>(
    `select status from public.notifications where ${where} order by created_at, id`,
    params,
  );
  return rows.map((row) => row.status);
}

const isSent = (statuses: string[]) =>
  statuses.length > 0 && statuses.every((status) => status === "sent" || status === "delivered");

const sent =
  (template: string, column: "booking_id" | "user_id" | "payment_id", id: string) => async () =>
    isSent(await statusOf(`template = $1 and ${column} = $2`, [template, id]));

describe("started by the database", () => {
  it("sends the welcome email of an account GoTrue made, with no Bastion function involved", async () => {
    const email = `welcome-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const since = performance.now();
    const { data, error } = await api.supabase
      .client()
      .auth.signUp({ email, password: "correct horse battery" });
    if (error || !data.user) throw error ?? new Error("no user");
    await within(
      "welcome (sign-up through GoTrue)",
      since,
      sent("welcome", "user_id", data.user.id),
    );
  });

  it("delivers a row written straight into the outbox", async () => {
    const user = await api.signUp();
    const since = performance.now();
    await api.supabase.db.query(
      `select public.enqueue_notification('email', 'welcome', $1, null, null, null, $2::uuid)`,
      [`welcome-again:${crypto.randomUUID()}`, user.id],
    );
    await within("row inserted by SQL", since, async () =>
      isSent(await statusOf("idempotency_key like 'welcome-again:%' and user_id = $1", [user.id])),
    );
  });

  it("confirms, receipts, cancels and refunds a paid booking within seconds of each action", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const { order, providerPaymentId } = await sandboxOrder(api, user.accessToken, bookingId);

    const paid = performance.now();
    await verifySandboxPayment(api, user.accessToken, order, providerPaymentId);
    await within(
      "confirmation (payment verified)",
      paid,
      sent("booking_confirmation", "booking_id", bookingId),
    );
    await within(
      "receipt (payment verified)",
      paid,
      sent("payment_receipt", "payment_id", order.paymentId),
    );

    const cancelled = performance.now();
    await expectJson(
      await apiClient(api).POST("/api/bookings/{id}/cancel", {
        params: { path: { id: bookingId } },
        body: { reason: "Travelling" },
        headers: bearer(user.accessToken),
      }),
      200,
    );
    await within("cancellation", cancelled, sent("booking_cancellation", "booking_id", bookingId));
    // Nothing but the database asks for the refund now: no cron run, no call from the test.
    await within("refund requested (after cancel)", cancelled, async () => {
      const { rows } = await api.supabase.db.query<{ status: string }>(
        "select status from public.refunds where payment_id = $1",
        [order.paymentId],
      );
      return rows.length === 1 && rows[0]?.status === "succeeded";
    });
    await within(
      "refund email (after cancel)",
      cancelled,
      sent("refund_issued", "payment_id", order.paymentId),
    );

    const { rows } = await api.supabase.db.query<{ amount_minor: string }>(
      "select amount_minor from public.refunds where payment_id = $1",
      [order.paymentId],
    );
    expect(rows.map((row) => Number(row.amount_minor))).toEqual([order.amount]);
  });

  it("delivers the reminders the pg_cron job queues, with nothing called by hand", async () => {
    const practitionerId = await newPractitioner(api.supabase.db);
    const bookingId = await insertBooking(api.supabase.db, {
      practitionerId,
      start: new Date(Date.now() + 23.5 * HOUR),
    });
    // The job's schedule, run by a scheduler whose clock is set to its next quarter hour.
    let now = new Date();
    const scheduler = createCronScheduler(api.supabase.db, { now: () => now });
    try {
      now = new Date(Math.ceil((Date.now() + 1) / (15 * 60_000)) * 15 * 60_000);
      const since = performance.now();
      await scheduler.tick();
      await within(
        "reminder (pg_cron job)",
        since,
        sent("booking_reminder", "booking_id", bookingId),
      );
    } finally {
      await scheduler.stop();
    }
  });
});

describe("the endpoints the database calls", () => {
  it.each([
    ["/api/cron/deliver-notifications", {}],
    ["/api/cron/settle-payments", { only: "refunds_owed" }],
  ])(
    "%s takes POST with the database's secret, and only the scheduler's secrets",
    async (path, body) => {
      const post = (secret: string) =>
        fetch(`${api.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect((await post(TEST_DATABASE_WEBHOOK_SECRET)).status).toBe(200);
      expect((await post(TEST_CRON_SECRET)).status).toBe(200);
      const refused = await post(`${TEST_DATABASE_WEBHOOK_SECRET}x`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: "unauthorized" });
    },
  );

  // A job's call is refused only when its schedule comes round in production (every 30
  // minutes, and only while something is due), so each job's own call is made here now.
  it("every pg_cron job that calls Bastion has its call taken: 200 with the body it posts", async () => {
    const { rows } = await api.supabase.db.query<{ jobname: string; command: string }>(
      "select jobname, command from cron.job where command like '%call_bastion%' order by jobname",
    );
    const calls = rows.map(({ jobname, command }) => {
      const call = /call_bastion\('([^']+)'(?:\s*,\s*'([^']*)'::jsonb)?\)/.exec(command);
      if (!call?.[1]) throw new Error(`${jobname}: no call_bastion(path) in ${command}`);
      return { jobname, path: call[1], body: call[2] ?? "{}" };
    });
    expect(calls.map((call) => call.jobname)).toEqual(
      expect.arrayContaining(["bastion-deliver-notifications", "bastion-refresh-channel-tokens"]),
    );
    for (const { jobname, path, body } of calls) {
      const response = await fetch(`${api.url}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TEST_DATABASE_WEBHOOK_SECRET}`,
          "content-type": "application/json",
        },
        body,
      });
      expect({ jobname, status: response.status }).toEqual({ jobname, status: 200 });
    }
  });

  it("the database's calls arrive authenticated: every recorded answer is 200", async () => {
    await api.supabase.net?.drain();
    const { rows } = await api.supabase.db.query<{ status_code: number | null }>(
      "select status_code from net._http_response where id > $1::bigint",
      [requestsBefore],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.status_code))).toEqual(new Set([200]));
  });
});
