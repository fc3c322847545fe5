// POST /api/ai/generate: one named server-side template filled with validated variables.
import * as z from "zod";
import { AiModelName, clampOutputTokens, DEFAULT_AI_MODEL } from "./models.js";
import { type AiCaller, completeAi } from "./run.js";
import { TEMPLATES, type TemplateName, templateInstructions, variableTexts } from "./templates.js";

const common = {
  model: AiModelName.optional(),
  maxOutputTokens: z
    .number()
    .int()
    .min(16)
    .max(4_096)
    .optional()
    .describe("Asked output cap; clamped to the template's and the model's"),
};

export const GenerateRequest = z
  .discriminatedUnion(
    "template",
    (Object.keys(TEMPLATES) as TemplateName[]).map((name) =>
      z.strictObject({
        template: z.literal(name).describe(TEMPLATES[name].summary),
        variables: TEMPLATES[name].variables,
        ...common,
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({ id: "AiGenerateRequest" });

export const Generated = z
  .object({
    template: z.enum(Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]]),
    text: z.string(),
    model: AiModelName,
    provider: z.enum(["openai", "local"]).describe("local: the local stack's stand-in answered"),
    finishReason: z.enum(["stop", "length", "content_filter"]),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  })
  .meta({ id: "AiGenerated" });

export type GenerateRequest = {
  template: TemplateName;
  variables: Record<string, unknown>;
  model?: z.infer<typeof AiModelName>;
  maxOutputTokens?: number;
};

export async function generateText(
  caller: AiCaller,
  body: GenerateRequest,
): Promise<z.infer<typeof Generated>> {
  const template = TEMPLATES[body.template];
  const model = body.model ?? DEFAULT_AI_MODEL;
  const variables = JSON.stringify(body.variables);
  const answer = await completeAi(
    {
      endpoint: "generate",
      model,
      instructions: templateInstructions(body.template),
      messages: [{ role: "user", content: `Variables: ${variables}` }],
      moderated: variableTexts(body.variables),
      maxOutputTokens: clampOutputTokens(model, body.maxOutputTokens, template.maxOutputTokens),
    },
    caller,
  );
  return { template: body.template, ...answer };
}
