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

const TEMPLATE_NAMES = Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]];

/** Each template's own request, variables checked strictly (unknown ones refused). */
const PerTemplate = z.discriminatedUnion(
  "template",
  TEMPLATE_NAMES.map((name) =>
    z.strictObject({
      template: z.literal(name),
      variables: TEMPLATES[name].variables,
      ...common,
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<GenerateRequest, z.output<typeof Envelope>>;

const variablesHelp = TEMPLATE_NAMES.map(
  (name) => `${name}: ${Object.keys((TEMPLATES[name].variables as z.ZodObject).shape).join(", ")}`,
).join("; ");

// The envelope first (unknown top-level fields are named as such), then the template's own
// variables: a discriminated union alone would answer an unknown field with "template: invalid".
const Envelope = z.strictObject({
  template: z
    .enum(TEMPLATE_NAMES)
    .describe(TEMPLATE_NAMES.map((name) => `${name}: ${TEMPLATES[name].summary}`).join("; ")),
  variables: z
    .record(z.string(), z.unknown())
    .describe(`The template's variables, checked per template (${variablesHelp})`),
  ...common,
});

export const GenerateRequest = Envelope.pipe(PerTemplate).meta({ id: "AiGenerateRequest" });

export const Generated = z
  .object({
    template: z.enum(TEMPLATE_NAMES),
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
