// vercel.json deploys on Vercel's Hobby plan, which refuses a deployment with any cron that runs
// more than once a day: each scheduled path runs at most daily, and is a function that answers
// Vercel Cron's GET. The frequent schedules run from Supabase pg_cron instead
// (supabase/migrations/20261121000800_database_webhooks_and_schedules.sql,
// tests/dev/pg-cron.test.ts).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSchedule } from "../dev/supabase/extensions/cron-schedule.js";
import type { Route } from "../lib/http/route.js";
import { REPO_ROOT } from "./helpers/api.js";

const { crons } = JSON.parse(readFileSync(join(REPO_ROOT, "vercel.json"), "utf8")) as {
  crons: { path: string; schedule: string }[];
};

describe("vercel.json crons", () => {
  it("are there: the daily safety-net runs", () => {
    expect(crons.map((cron) => cron.path).sort()).toEqual([
      "/api/cron/deliver-notifications",
      "/api/cron/expire-holds",
      "/api/cron/flight-orders",
      "/api/cron/operations-alerts",
      "/api/cron/purge-bookings",
      "/api/cron/purge-consent",
      "/api/cron/refresh-channel-tokens",
      "/api/cron/reminders",
      "/api/cron/settle-payments",
    ]);
  });

  it.each(crons.map((cron) => [cron.path, cron.schedule]))(
    "%s (%s) runs at most once a day",
    (_, schedule) => {
      const parsed = parseSchedule(schedule);
      if (parsed.kind !== "cron") throw new Error(`${schedule} is not a five-field schedule`);
      const [minutes, hours] = parsed.fields as [Set<number>, Set<number>];
      expect(minutes.size * hours.size).toBe(1);
    },
  );

  it.each(crons.map((cron) => [cron.path]))("%s is a function answering GET", async (path) => {
    const file = join(REPO_ROOT, `${path}.ts`);
    expect(existsSync(file)).toBe(true);
    const { default: route } = (await import(file)) as { default: Route };
    expect(route.endpoints.GET?.spec.auth).toBe("cron");
  });
});
