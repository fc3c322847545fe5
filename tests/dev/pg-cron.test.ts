// The local stack's pg_cron: cron.schedule checks and stores jobs as pg_cron does, and the
// scheduler runs a due job's command as SQL and records the run — driven here by an injectable
// clock instead of waiting for minutes to pass. Also: the migration's jobs exist locally.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchedule, runsAt } from "../../dev/supabase/extensions/cron-schedule.js";
import {
  type CronScheduler,
  createCronScheduler,
} from "../../dev/supabase/extensions/cron-scheduler.js";
import { serve } from "../../dev/web-server.js";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
beforeAll(async () => {
  stack = await startTestSupabase();
  // What the test jobs write; dropped again, since CI shares one PostgreSQL between files.
  await stack.db.exec(
    "drop table if exists public.cron_test_runs; create table public.cron_test_runs (job text, at timestamptz)",
  );
});
afterAll(async () => {
  await stack?.db.exec("drop table if exists public.cron_test_runs");
  await stack?.close();
});

/** A scheduler whose clock the test sets. */
function scheduler(start: string): { scheduler: CronScheduler; setClock(at: string): void } {
  let now = new Date(start);
  return {
    scheduler: createCronScheduler(stack.db, { now: () => now }),
    setClock: (at) => {
      now = new Date(at);
    },
  };
}

const runsOf = async (job: string) =>
  Number(
    (
      await stack.db.query<{ count: number }>(
        "select count(*)::int as count from public.cron_test_runs where job = $1",
        [job],
      )
    ).rows[0]?.count,
  );

async function schedule(name: string, when: string, command: string) {
  await stack.db.query("select cron.schedule($1, $2, $3)", [name, when, command]);
}

async function unschedule(name: string) {
  await stack.db.query("select cron.unschedule($1)", [name]);
}

describe("cron.schedule", () => {
  it("creates or replaces a named job, and unschedule removes it", async () => {
    await schedule("replace-me", "0 3 * * *", "select 1");
    await schedule("replace-me", "*/5 * * * *", "select 2");
    const { rows } = await stack.db.query(
      "select schedule, command, active from cron.job where jobname = 'replace-me'",
    );
    expect(rows).toEqual([{ schedule: "*/5 * * * *", command: "select 2", active: true }]);
    await unschedule("replace-me");
    await expect(unschedule("replace-me")).rejects.toThrow(
      "could not find valid entry for job 'replace-me'",
    );
  });

  it.each([
    "* * * *",
    "60 * * * *",
    "* 24 * * *",
    "5/15 * * * *",
    "10-5 * * * *",
    "*/0 * * * *",
    "0 0 * * mon",
    "@daily",
    "0 0 $ * *",
    "0 seconds",
    "60 seconds",
  ])("refuses %j with pg_cron's error", async (when) => {
    await expect(schedule("invalid", when, "select 1")).rejects.toThrow(
      `invalid schedule: ${when}`,
    );
    expect(() => parseSchedule(when)).toThrow(`invalid schedule: ${when}`);
  });

  it("keeps the jobs from privileged roles only", async () => {
    for (const role of ["anon", "authenticated", "service_role"]) {
      await expect(
        stack.db.transaction({}, async (query) => {
          await query(`set local role ${role}`);
          await query("select cron.schedule('sneaky', '* * * * *', 'select 1')");
        }),
      ).rejects.toThrow(/permission denied/);
    }
  });
});

describe("schedules", () => {
  it.each([
    ["*/15 * * * *", "2026-03-02T10:45:00Z", true],
    ["*/15 * * * *", "2026-03-02T10:46:00Z", false],
    ["0 3 * * *", "2026-03-02T03:00:00Z", true],
    ["0 3 * * *", "2026-03-02T04:00:00Z", false],
    ["30 9 1-7 * 1", "2026-03-02T09:30:00Z", true], // day 2: both restricted, either matches
    ["30 9 1-7 * 1", "2026-03-09T09:30:00Z", true], // a Monday outside 1-7
    ["30 9 1-7 * 1", "2026-03-10T09:30:00Z", false],
    ["0 0 * * 7", "2026-03-01T00:00:00Z", true], // 7 is Sunday too
    ["0 0 */10 * *", "2026-03-11T00:00:00Z", true], // a star with a step limits the day: AND
    ["0 0 */10 * 2", "2026-03-03T00:00:00Z", false],
    ["0,30 8-10/2 * 1,6-12 *", "2026-03-02T10:30:00Z", false],
    ["0,30 8-10/2 * 1,6-12 *", "2026-06-02T10:30:00Z", true],
  ])("%s runs at %s: %s", (when, at, expected) => {
    const parsed = parseSchedule(when);
    if (parsed.kind !== "cron") throw new Error("expected a cron schedule");
    expect(runsAt(parsed, new Date(at))).toBe(expected);
  });
});

describe("the scheduler", () => {
  it("runs a due job's command as SQL once in its minute, and records the run", async () => {
    await schedule(
      "every-quarter",
      "*/15 * * * *",
      "insert into public.cron_test_runs values ('every-quarter', now())",
    );
    const { scheduler: cron, setClock } = scheduler("2026-03-02T10:14:20Z");
    try {
      setClock("2026-03-02T10:14:59Z");
      await cron.tick();
      expect(await runsOf("every-quarter")).toBe(0);
      setClock("2026-03-02T10:15:01Z");
      await cron.tick();
      expect(await runsOf("every-quarter")).toBe(1);
      setClock("2026-03-02T10:15:40Z");
      await cron.tick();
      setClock("2026-03-02T10:16:00Z");
      await cron.tick();
      expect(await runsOf("every-quarter")).toBe(1);
      // A tick up to five minutes late (a busy process) still runs the minute it missed.
      setClock("2026-03-02T10:29:50Z");
      await cron.tick();
      setClock("2026-03-02T10:33:30Z");
      await cron.tick();
      expect(await runsOf("every-quarter")).toBe(2);

      const { rows } = await stack.db.query(
        `select d.status, d.return_message, d.command, d.end_time >= d.start_time as ended
           from cron.job_run_details as d join cron.job as j using (jobid)
          where j.jobname = 'every-quarter' order by d.runid`,
      );
      expect(rows).toEqual([
        {
          status: "succeeded",
          return_message: stack.db.kind === "postgres" ? "INSERT 0 1" : null,
          command: "insert into public.cron_test_runs values ('every-quarter', now())",
          ended: true,
        },
        expect.objectContaining({ status: "succeeded" }),
      ]);
    } finally {
      await cron.stop();
      await unschedule("every-quarter");
    }
  });

  it("after a jump of hours, catches up fixed-time jobs but runs wildcard ones only now", async () => {
    await schedule(
      "at-eleven",
      "0 11 * * *",
      "insert into public.cron_test_runs values ('at-eleven', now())",
    );
    await schedule(
      "quarterly",
      "*/15 * * * *",
      "insert into public.cron_test_runs values ('quarterly', now())",
    );
    const { scheduler: cron, setClock } = scheduler("2026-03-02T10:20:10Z");
    try {
      setClock("2026-03-02T12:10:05Z");
      await cron.tick();
      expect([await runsOf("at-eleven"), await runsOf("quarterly")]).toEqual([1, 0]);
      setClock("2026-03-02T12:15:05Z");
      await cron.tick();
      expect([await runsOf("at-eleven"), await runsOf("quarterly")]).toEqual([1, 1]);
    } finally {
      await cron.stop();
      await unschedule("at-eleven");
      await unschedule("quarterly");
    }
  });

  it("runs 'N seconds' jobs when that long has passed, and records a failing command", async () => {
    await schedule(
      "every-ten-seconds",
      "10 seconds",
      "insert into public.cron_test_runs values ('every-ten-seconds', now())",
    );
    await schedule("broken", "* * * * *", "select * from public.no_such_table");
    const { scheduler: cron, setClock } = scheduler("2026-03-02T10:00:30Z");
    try {
      await cron.tick();
      setClock("2026-03-02T10:00:35Z");
      await cron.tick();
      expect(await runsOf("every-ten-seconds")).toBe(1);
      setClock("2026-03-02T10:00:41Z");
      await cron.tick();
      expect(await runsOf("every-ten-seconds")).toBe(2);

      setClock("2026-03-02T10:01:00Z");
      await cron.tick();
      const { rows } = await stack.db.query<{ status: string; return_message: string }>(
        `select d.status, d.return_message from cron.job_run_details as d
           join cron.job as j using (jobid) where j.jobname = 'broken'`,
      );
      expect(rows).toEqual([
        {
          status: "failed",
          return_message: expect.stringContaining('relation "public.no_such_table" does not exist'),
        },
      ]);
    } finally {
      await cron.stop();
      await unschedule("every-ten-seconds");
      await unschedule("broken");
    }
  });
});

describe("the migration's jobs", () => {
  it("exist locally: delivery every minute, reminders, payments and flight orders every 15 minutes", async () => {
    const { rows } = await stack.db.query(
      "select jobname, schedule, command from cron.job where jobname like 'bastion-%' order by jobname",
    );
    expect(rows).toEqual([
      {
        jobname: "bastion-deliver-notifications",
        schedule: "* * * * *",
        command:
          "select public.call_bastion('/api/cron/deliver-notifications') where public.notifications_due()",
      },
      {
        jobname: "bastion-flight-orders",
        schedule: "*/15 * * * *",
        command:
          "select public.call_bastion('/api/cron/flight-orders') where public.flight_orders_due()",
      },
      {
        jobname: "bastion-refresh-channel-tokens",
        schedule: "*/30 * * * *",
        command:
          "select public.call_bastion('/api/cron/refresh-channel-tokens') where public.channel_tokens_due()",
      },
      {
        jobname: "bastion-reminders",
        schedule: "*/15 * * * *",
        command: "select public.enqueue_due_reminders(now())",
      },
      {
        jobname: "bastion-settle-payments",
        schedule: "*/15 * * * *",
        command: "select public.call_bastion('/api/cron/settle-payments')",
      },
    ]);
  });

  it("run as the scheduler runs them, calling nothing until Vault says where", async () => {
    await stack.configureDatabaseWebhooks(null);
    const lastRequest = async () =>
      (
        await stack.db.query<{ id: string }>(
          "select last_value::text as id from net.http_request_queue_id_seq",
        )
      ).rows[0]?.id;
    const runs = await stack.db.query<{ runid: string }>(
      "select coalesce(max(runid), 0)::text as runid from cron.job_run_details",
    );
    const requestedBefore = await lastRequest();
    const { scheduler: cron, setClock } = scheduler("2026-03-02T10:14:30Z");
    try {
      setClock("2026-03-02T10:15:00Z");
      expect(await cron.tick()).toBe(4);
      const { rows } = await stack.db.query(
        `select j.jobname, d.status from cron.job_run_details as d join cron.job as j using (jobid)
          where j.jobname like 'bastion-%' and d.runid > $1 order by j.jobname`,
        [runs.rows[0]?.runid ?? "0"],
      );
      expect(rows).toEqual([
        { jobname: "bastion-deliver-notifications", status: "succeeded" },
        { jobname: "bastion-flight-orders", status: "succeeded" },
        { jobname: "bastion-reminders", status: "succeeded" },
        { jobname: "bastion-settle-payments", status: "succeeded" },
      ]);
      expect(await lastRequest()).toBe(requestedBefore);

      // With Vault saying where, the payments job calls the endpoint with the secret.
      const calls: { path: string; authorization: string | null; body: string }[] = [];
      const functions = await serve(
        async (request) => {
          calls.push({
            path: new URL(request.url).pathname,
            authorization: request.headers.get("authorization"),
            body: await request.text(),
          });
          return Response.json({});
        },
        { port: 0 },
      );
      try {
        await stack.configureDatabaseWebhooks({
          url: functions.url,
          secret: "a-secret-of-16-chars",
        });
        setClock("2026-03-02T10:30:00Z");
        await cron.tick();
        await stack.net?.drain();
        // (A shared PostgreSQL may hold other files' due notifications: delivery calls too.)
        expect(calls.filter((call) => call.path === "/api/cron/settle-payments")).toEqual([
          {
            path: "/api/cron/settle-payments",
            authorization: "Bearer a-secret-of-16-chars",
            body: "{}",
          },
        ]);
      } finally {
        await stack.configureDatabaseWebhooks(null);
        await functions.close();
      }
    } finally {
      await cron.stop();
    }
  });
});
