// One row per AI request in public.ai_usage (the migration 20261121001800_ai.sql): model, tokens
// in and out, the cost estimate and how it ended. Written by the server past RLS (the person reads
// their rows but cannot write them); a failed write is logged, never the caller's problem, since
// the answer has usually gone by then.
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../log.js";
import type { Tier } from "../subscriptions/tiers.js";
import { type AiModel, costMicroUsd } from "./models.js";

export type AiEndpoint = "chat" | "generate" | "analyze";
export type AiOutcome = "completed" | "incomplete" | "aborted" | "flagged" | "failed";

export interface AiUsageRecord {
  userId?: string;
  tier?: Tier;
  endpoint: AiEndpoint;
  model: AiModel;
  inputTokens: number;
  outputTokens: number;
  outcome: AiOutcome;
}

export async function recordUsage(service: SupabaseClient, usage: AiUsageRecord): Promise<void> {
  const { error } = await service.from("ai_usage").insert({
    user_id: usage.userId ?? null,
    tier: usage.tier ?? null,
    endpoint: usage.endpoint,
    model: usage.model,
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cost_micro_usd: costMicroUsd(usage.model, usage.inputTokens, usage.outputTokens),
    outcome: usage.outcome,
  });
  if (error) log.error("ai_usage_record_failed", { code: error.code, endpoint: usage.endpoint });
}
