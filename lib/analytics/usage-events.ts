// Usage analytics, privacy first (issue 18, item 4). A signed-in user's extension sends batches
// of named events; only events in USAGE_EVENTS exist, each with the feature it counts for, and an
// event carries nothing but its name and the day it happened: no properties, no URL or page
// content, and no IP is kept (the request's address feeds the rate limit only). Nothing is
// recorded unless the user opted in, in their own settings document (`analyticsOptIn: true`),
// and each event is kept as long as their tier's analyticsRetentionDays.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { readSettings } from "../settings/read.js";
import { entitledTier } from "../subscriptions/entitlement.js";
import { TIER_FEATURES } from "../subscriptions/features.js";

/** Every event the extension may send → the feature it counts for. */
export const USAGE_EVENTS = {
  "focus.session_started": "focus",
  "focus.session_completed": "focus",
  "blocklist.site_added": "blocklist",
  "sync.settings_pushed": "sync",
  "ai.summary_requested": "ai",
  "plans.upgrade_viewed": "plans",
} as const;
export type UsageEventName = keyof typeof USAGE_EVENTS;

const EVENT_NAMES = Object.keys(USAGE_EVENTS) as [UsageEventName, ...UsageEventName[]];
export const MAX_EVENTS_PER_BATCH = 100;
/** How far back an event's day may be (a device that was offline sends later). */
const MAX_AGE_DAYS = 7;

const EventDay = z.iso
  .date()
  .refine((day) => {
    const age = (Date.now() - Date.parse(`${day}T00:00:00Z`)) / 86_400_000;
    return age > -2 && age <= MAX_AGE_DAYS + 1;
  }, `A day within the last ${MAX_AGE_DAYS} days`)
  .describe("The day it happened, YYYY-MM-DD (UTC)");

export const UsageBatch = z
  .strictObject({
    events: z
      .array(z.strictObject({ name: z.enum(EVENT_NAMES), day: EventDay }))
      .min(1)
      .max(MAX_EVENTS_PER_BATCH),
  })
  .meta({ id: "UsageBatch" });
export type UsageBatch = z.infer<typeof UsageBatch>;

export const UsageReceipt = z
  .object({
    recorded: z.number().int().describe("Events kept: 0 unless the user opted in"),
    optedIn: z.boolean(),
  })
  .meta({ id: "UsageReceipt" });
export type UsageReceipt = z.infer<typeof UsageReceipt>;

/** `db`: the caller's own client (their settings, their tier); `service`: the recording. */
export async function recordUsage(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  batch: UsageBatch,
): Promise<UsageReceipt> {
  const [settings, tier] = await Promise.all([readSettings(db), entitledTier(db, caller.userId)]);
  if (settings.data.analyticsOptIn !== true) return { recorded: 0, optedIn: false };
  const { data, error } = await service.rpc("record_usage_events", {
    p_user_id: caller.userId,
    p_tier: tier,
    p_retention_days: TIER_FEATURES[tier].analyticsRetentionDays,
    p_events: batch.events.map((event) => ({
      name: event.name,
      feature: USAGE_EVENTS[event.name],
      occurred_on: event.day,
    })),
  });
  if (error) throw new Error(`recording usage failed: ${error.code} ${error.message}`);
  return { recorded: Number(data), optedIn: true };
}

export const SummaryQuery = z.strictObject({
  from: z.iso.date().describe("The first day, YYYY-MM-DD"),
  to: z.iso.date().describe("The last day, YYYY-MM-DD (at most 366 days after from)"),
});
export type SummaryQuery = z.infer<typeof SummaryQuery>;

export const UsageSummary = z
  .object({
    days: z.array(
      z.object({
        day: z.iso.date(),
        feature: z.string(),
        tier: z.string(),
        events: z.number().int(),
        users: z.number().int().describe("Distinct users who sent one of these events that day"),
      }),
    ),
  })
  .meta({ id: "UsageSummary" });
export type UsageSummary = z.infer<typeof UsageSummary>;

const SummaryRow = z.object({
  day: z.string(),
  feature: z.string(),
  tier: z.string(),
  events: z.coerce.number(),
  users: z.coerce.number(),
});

/** Daily aggregates per feature and tier (admins). */
export async function usageSummary(
  service: SupabaseClient,
  { from, to }: SummaryQuery,
): Promise<UsageSummary> {
  const { ApiError } = await import("../http/errors.js");
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (span < 0 || span > 366) {
    throw new ApiError("validation_failed", "Ask for at most 366 days, from before to.", {
      errors: { to: ["At most 366 days after from, and not before it"] },
    });
  }
  const { data, error } = await service.rpc("usage_summary", { p_from: from, p_to: to });
  if (error) throw new Error(`reading the usage summary failed: ${error.code} ${error.message}`);
  return {
    days: z
      .array(SummaryRow)
      .parse(data)
      .map((row) => ({ ...row, day: row.day.slice(0, 10) })),
  };
}
