// /__dev/openai/v1/*: the local stack's stand-in for OpenAI, so the AI endpoints run in
// `npm run dev` with no key (dev/start.ts points OPENAI_API_URL here unless .env has an OpenAI
// key). Deterministic and labelled: every text answer starts with "[local responder]" and the AI
// endpoints report `provider: "local"`. Structured output is filled from the JSON schema (the
// analysis schema from simple keyword rules); moderation flags a few fixed phrases, so the refusal
// can be tried. Refused unless the local stack is enabled (lib/env.ts localStackEnabled).
import { localStackEnabled } from "../../lib/env.js";
import {
  answerOpenAi,
  inputText,
  openAiError,
  type ResponsesRequestBody,
} from "./local-openai-protocol.js";

export const LOCAL_RESPONDER_LABEL = "[local responder]";

/** Phrases the local moderation flags, with their category (try them in the demo). */
const FLAGGED: [RegExp, string][] = [
  [/\bkill (yourself|you)\b/i, "violence"],
  [/\bhurt myself\b/i, "self-harm/intent"],
  [/\bflag-me\b/i, "harassment"],
];

export async function localOpenAi(request: Request, path: string): Promise<Response> {
  if (!localStackEnabled()) {
    return openAiError(
      403,
      "The local responder runs only on the local stack (BASTION_LOCAL_STACK=1).",
      "invalid_request_error",
    );
  }
  return answerOpenAi(request, path, {
    answer: localAnswer,
    flag: (text) => FLAGGED.filter(([pattern]) => pattern.test(text)).map(([, c]) => c),
  });
}

function localAnswer(body: ResponsesRequestBody): string {
  const format = body.text?.format;
  if (format?.type === "json_schema" && format.schema) {
    return JSON.stringify(fillSchema(format.schema, inputText(body)));
  }
  const question =
    typeof body.input === "string"
      ? body.input
      : ([...body.input].reverse().find((message) => message.role === "user")?.content ?? "");
  const facts = (body.instructions ?? "")
    .split("\n")
    .filter((line) => line.startsWith("- ") || line.startsWith("Opening hours"));
  const words = question
    .toLowerCase()
    .split(/\W+/)
    .filter((word) => word.length > 3);
  const relevant = facts.filter((line) => words.some((word) => line.toLowerCase().includes(word)));
  const chosen = (relevant.length > 0 ? relevant : facts).slice(0, 4);
  if (chosen.length > 0) {
    return `${LOCAL_RESPONDER_LABEL} From the practice's published facts:\n${chosen.join("\n")}`;
  }
  return `${LOCAL_RESPONDER_LABEL} This is a canned local answer (no OpenAI key is set). You asked: "${question.slice(0, 200)}"`;
}

type Schema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
};

/** A value of the schema; the analysis fields from keyword rules over the text. */
function fillSchema(schema: Schema, text: string, name = ""): unknown {
  const lower = text.toLowerCase();
  const rules: Record<string, () => unknown> = {
    sentiment: () =>
      /\b(angry|bad|terrible|upset|disappointed|cancel)\b/.test(lower)
        ? "negative"
        : /\b(thanks|thank you|great|love|happy)\b/.test(lower)
          ? "positive"
          : "neutral",
    intent: () =>
      /\bcancel/.test(lower)
        ? "cancellation"
        : /\b(book|appointment|session)\b/.test(lower)
          ? "booking"
          : /\b(buy|order|price)\b/.test(lower)
            ? "purchase"
            : /\?/.test(lower)
              ? "question"
              : "other",
    language: () => "en",
    urgency: () =>
      /\b(urgent|asap|today|immediately|emergency)\b/.test(lower)
        ? "high"
        : /\btomorrow\b/.test(lower)
          ? "medium"
          : "low",
    containsPersonalData: () => personalDataKinds(text).length > 0,
    personalDataKinds: () => personalDataKinds(text),
  };
  const rule = rules[name];
  if (rule) return rule();
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, child]) => [
          key,
          fillSchema(child, text, key),
        ]),
      );
    case "array":
      return [];
    case "boolean":
      return false;
    case "integer":
    case "number":
      return 0;
    default:
      return LOCAL_RESPONDER_LABEL;
  }
}

function personalDataKinds(text: string): string[] {
  const kinds: string[] = [];
  if (/[\w.+-]+@[\w-]+\.[\w.]+/.test(text)) kinds.push("email");
  if (/\+?\d[\d\s-]{6,}\d/.test(text)) kinds.push("phone");
  return kinds;
}
