// POST /api/ai/analyze: a customer's text classified with OpenAI structured outputs (a strict JSON
// schema), and the model's JSON validated again with the same zod schema before it leaves: an
// answer that does not parse or carries anything else is a 502, never passed on.
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { AiModelName, clampOutputTokens, DEFAULT_AI_MODEL } from "./models.js";
import { ANALYZE_INSTRUCTIONS } from "./prompts.js";
import { type AiCaller, completeAi } from "./run.js";

export const ANALYZE_MAX_CHARS = 8_000;

const AnalysisFields = z.strictObject({
  sentiment: z.enum(["positive", "neutral", "negative", "mixed"]),
  intent: z.enum([
    "question",
    "booking",
    "cancellation",
    "complaint",
    "feedback",
    "purchase",
    "support",
    "other",
  ]),
  language: z
    .string()
    .regex(/^[a-z]{2}$/)
    .describe("ISO 639-1 code of the text's language"),
  urgency: z.enum(["low", "medium", "high"]),
  containsPersonalData: z.boolean(),
  personalDataKinds: z
    .array(z.enum(["name", "email", "phone", "address", "health", "payment", "other"]))
    .max(7),
});

export const Analysis = AnalysisFields.meta({ id: "AiAnalysis" });

/** The JSON schema OpenAI is held to (strict: every field required, nothing else allowed). */
export const ANALYSIS_JSON_SCHEMA = (() => {
  const {
    $schema: _,
    id: __,
    ...schema
  } = z.toJSONSchema(AnalysisFields, { target: "draft-7" }) as Record<string, unknown>;
  return schema;
})();

export const AnalyzeRequest = z
  .strictObject({
    text: z.string().trim().min(1).max(ANALYZE_MAX_CHARS).describe("The text to classify"),
    model: AiModelName.optional(),
  })
  .meta({ id: "AiAnalyzeRequest" });

export const Analyzed = z
  .object({
    analysis: Analysis,
    model: AiModelName,
    provider: z.enum(["openai", "local"]).describe("local: the local stack's stand-in answered"),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  })
  .meta({ id: "AiAnalyzed" });

export async function analyzeText(
  caller: AiCaller,
  body: z.infer<typeof AnalyzeRequest>,
): Promise<z.infer<typeof Analyzed>> {
  const model = body.model ?? DEFAULT_AI_MODEL;
  const answer = await completeAi(
    {
      endpoint: "analyze",
      model,
      instructions: ANALYZE_INSTRUCTIONS,
      messages: [{ role: "user", content: body.text }],
      moderated: [body.text],
      maxOutputTokens: clampOutputTokens(model, undefined, 300),
      format: { name: "text_analysis", schema: ANALYSIS_JSON_SCHEMA },
    },
    caller,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    parsed = undefined;
  }
  const analysis = Analysis.safeParse(parsed);
  if (answer.finishReason !== "stop" || !analysis.success) {
    log.error("ai_structured_output_invalid", {
      finishReason: answer.finishReason,
      chars: answer.text.length,
    });
    throw new ApiError(
      "provider_error",
      "The AI service gave an answer that does not fit; try again.",
    );
  }
  return { analysis: analysis.data, model, provider: answer.provider, usage: answer.usage };
}
