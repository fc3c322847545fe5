// The named templates of POST /api/ai/generate: each has its instructions (server-side only), the
// variables it takes (a strict zod object, validated before anything is sent) and an output cap.
// The variables reach the model as a JSON user message, never spliced into the instructions, so
// a variable saying "ignore the above" is only a strange value to write about.
import * as z from "zod";
import { GUARD } from "./prompts.js";

const Tone = z.enum(["warm", "professional", "concise"]).default("warm");
const SessionFormat = z.enum(["video", "in_person", "chat", "audio", "call"]);
const line = (max: number) => z.string().trim().min(1).max(max);

export const TEMPLATES = {
  session_description: {
    summary: "A description of a session type for the booking page",
    variables: z.strictObject({
      sessionName: line(100),
      durationMinutes: z.number().int().min(15).max(240),
      format: SessionFormat,
      audience: line(200).optional(),
      tone: Tone,
    }),
    instructions:
      "Write a description (at most 80 words) of a therapy session type for a practice's booking page, from the JSON variables in the user message. No claims of cures or outcomes; no prices.",
    maxOutputTokens: 300,
  },
  reminder_text: {
    summary: "A reminder of an upcoming session, for SMS or email",
    variables: z.strictObject({
      sessionName: line(100),
      startsAt: z.iso.datetime({ offset: true }),
      format: SessionFormat,
      practitionerName: line(100).optional(),
      channel: z.enum(["sms", "email"]),
      tone: Tone,
    }),
    instructions:
      "Write a reminder of an upcoming session from the JSON variables in the user message: for sms at most 300 characters, for email at most 120 words without a subject line. Include the day and time as given. No links.",
    maxOutputTokens: 250,
  },
  product_description: {
    summary: "A product description for a shop",
    variables: z.strictObject({
      productName: line(100),
      features: z.array(line(200)).min(1).max(10),
      tone: Tone,
    }),
    instructions:
      "Write a product description (at most 100 words) from the JSON variables in the user message. Mention only the features listed; invent no specifications or prices.",
    maxOutputTokens: 350,
  },
  reply_draft: {
    summary: "A draft reply to a customer's message, for staff to edit",
    variables: z.strictObject({
      customerMessage: line(4_000),
      facts: line(2_000).optional(),
      tone: Tone,
    }),
    instructions:
      "Draft a reply (at most 150 words) to the customer message in the JSON variables of the user message, for a staff member to review before sending. Use only the facts given, if any; promise nothing else.",
    maxOutputTokens: 400,
  },
} as const satisfies Record<
  string,
  { summary: string; variables: z.ZodType; instructions: string; maxOutputTokens: number }
>;

export type TemplateName = keyof typeof TEMPLATES;

export function templateInstructions(name: TemplateName): string {
  return `${TEMPLATES[name].instructions}\n\n${GUARD}`;
}

/** Every string a variable holds, for moderation. */
export function variableTexts(variables: Record<string, unknown>): string[] {
  return Object.values(variables).flatMap((value) =>
    typeof value === "string"
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === "string")
        : [],
  );
}
