// What each tier gives, in one table: every endpoint that owns a feature reads its limit here
// and answers 402 subscription_required naming the cheapest tier that would allow the request;
// GET /api/subscriptions returns the table so the extension can show what an upgrade unlocks.
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { TIERS, type Tier } from "./tiers.js";

export interface TierFeatures {
  /** Devices that may push settings: those that wrote one of the last 50 versions, plus this one. */
  syncedDevices: number;
  /** The settings document's size, in bytes of its jsonb text (the database caps it at 64 KB). */
  settingsBytes: number;
  /** AI requests a day (POST /api/ai/chat, generate and analyze together; lib/ai/budget.ts). */
  aiRequestsPerDay: number;
  /** AI tokens a day, input and output together, across the AI endpoints (lib/ai/budget.ts). */
  aiTokensPerDay: number;
  /** Days usage analytics events are kept (the analytics endpoints read it; none is served yet). */
  analyticsRetentionDays: number;
}

export const TIER_FEATURES: Readonly<Record<Tier, Readonly<TierFeatures>>> = {
  free: {
    syncedDevices: 1,
    settingsBytes: 8_192,
    aiRequestsPerDay: 20,
    aiTokensPerDay: 20_000,
    analyticsRetentionDays: 30,
  },
  pro: {
    syncedDevices: 3,
    settingsBytes: 32_768,
    aiRequestsPerDay: 100,
    aiTokensPerDay: 200_000,
    analyticsRetentionDays: 90,
  },
  premium: {
    syncedDevices: 10,
    settingsBytes: 65_536,
    aiRequestsPerDay: 1_000,
    aiTokensPerDay: 2_000_000,
    analyticsRetentionDays: 365,
  },
};

export const TierFeaturesView = z
  .object({
    syncedDevices: z.number().int().describe("Devices that may push settings"),
    settingsBytes: z.number().int().describe("The settings document's largest size, in bytes"),
    aiRequestsPerDay: z.number().int().describe("AI requests a day"),
    aiTokensPerDay: z.number().int().describe("AI tokens a day, input and output together"),
    analyticsRetentionDays: z.number().int().describe("Days usage events are kept"),
  })
  .meta({ id: "TierFeatures" });

export const TierTable = z
  .object({ free: TierFeaturesView, pro: TierFeaturesView, premium: TierFeaturesView })
  .meta({ id: "TierTable" });

/** The cheapest tier whose features allow what `allows` asks, or undefined when none does. */
export function cheapestTierAllowing(
  allows: (features: TierFeatures) => boolean,
): Tier | undefined {
  return TIERS.find((tier) => allows(TIER_FEATURES[tier]));
}

/** 402 subscription_required, naming the cheapest tier that would allow the request. */
export function tierTooLow(what: string, tier: Tier, requiredTier: Tier): ApiError {
  return new ApiError(
    "subscription_required",
    `${what} needs the ${requiredTier} tier or higher; this account has ${tier}.`,
    { extensions: { tier, requiredTier } },
  );
}
