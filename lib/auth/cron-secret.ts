// Cron endpoints act for nobody in particular and use the service client, so the Bearer secret is
// all that stands between the internet and them. Two callers hold one: Vercel Cron sends
// CRON_SECRET (the daily safety-net runs in vercel.json), and the database sends
// DATABASE_WEBHOOK_SECRET when its triggers and pg_cron jobs call through pg_net
// (supabase/migrations/20261121000800_database_webhooks_and_schedules.sql). Separate secrets
// because they live in separate places — Vercel's settings and Supabase Vault — so either can be
// rotated, or revoked after a leak, without breaking the other caller. Compared in constant time
// (over digests, so the lengths leak nothing either); with neither configured the endpoints refuse
// to run at all.
import { createHash, timingSafeEqual } from "node:crypto";
import { env, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Passes for Vercel Cron and the database; 401 for anyone else, 503 when no secret is set. */
export function requireCronSecret(request: Request): void {
  const { CRON_SECRET, DATABASE_WEBHOOK_SECRET } = env();
  const secrets = [CRON_SECRET, DATABASE_WEBHOOK_SECRET].filter((secret) => secret !== undefined);
  if (secrets.length === 0) requireConfig("Scheduled jobs", "CRON_SECRET");
  const presented = digest(request.headers.get("authorization") ?? "");
  // Every secret is compared, so the time taken does not say which one matched.
  const matches = secrets.map((secret) => timingSafeEqual(presented, digest(`Bearer ${secret}`)));
  if (!matches.includes(true)) {
    throw new ApiError("unauthorized", "Scheduled jobs are run by the scheduler only.");
  }
}
