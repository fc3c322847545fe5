// The models a client may choose: named ids, never a free string, each with its list price so a
// request's cost can be estimated and recorded (public.ai_usage), and the most output one call may
// ask of it. Prices are US dollars per million tokens (OpenAI's price list); costs are kept in
// millionths of a dollar.
import * as z from "zod";

export const AI_MODELS = {
  "gpt-4.1-mini": { inputUsdPerMillion: 0.4, outputUsdPerMillion: 1.6, maxOutputTokens: 2_048 },
  "gpt-4.1": { inputUsdPerMillion: 2, outputUsdPerMillion: 8, maxOutputTokens: 4_096 },
} as const satisfies Record<
  string,
  { inputUsdPerMillion: number; outputUsdPerMillion: number; maxOutputTokens: number }
>;

export type AiModel = keyof typeof AI_MODELS;
export const DEFAULT_AI_MODEL: AiModel = "gpt-4.1-mini";

/** What a request body may name: the allowlist, nothing else. */
export const AiModelName = z
  .enum(Object.keys(AI_MODELS) as [AiModel, ...AiModel[]])
  .describe("One of the allowlisted models; the server's default when omitted");

/** The moderation model every input is checked with before it is forwarded. */
export const MODERATION_MODEL = "omni-moderation-latest";

/** The output cap actually sent: what the caller asked, clamped to the model's and the task's. */
export function clampOutputTokens(model: AiModel, asked: number | undefined, taskCap: number) {
  const cap = Math.min(AI_MODELS[model].maxOutputTokens, taskCap);
  return Math.max(16, Math.min(asked ?? cap, cap));
}

/** Millionths of a dollar for the tokens used, rounded up. */
export function costMicroUsd(model: AiModel, inputTokens: number, outputTokens: number): number {
  const price = AI_MODELS[model];
  return Math.ceil(
    inputTokens * price.inputUsdPerMillion + outputTokens * price.outputUsdPerMillion,
  );
}

/**
 * A conservative token count for text before it is sent (about 4 characters a token in English;
 * counted as 3 so that other scripts are not under-reserved), for reserving budget up front.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 8;
}
