// POST /api/ai/chat: the conversation is the client's (it sends the turns so far; nothing is kept
// on the server or at OpenAI), the instructions are the server's: the `support` assistant answers
// from the practice's public facts and is open to anonymous visitors (on a per-address budget);
// the `general` assistant is for signed-in users. Streamed as server-sent events unless the
// client asks for JSON.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { entitledTier } from "../subscriptions/entitlement.js";
import type { BudgetSubject } from "./budget.js";
import { practiceFacts } from "./grounding.js";
import { AiModelName, clampOutputTokens, DEFAULT_AI_MODEL } from "./models.js";
import { GENERAL_INSTRUCTIONS, groundedReplyInstructions, supportInstructions } from "./prompts.js";
import { type AiAnswer, type AiCaller, type AiRequest, completeAi, streamAi } from "./run.js";
import { eventStreamResponse, wantsJson } from "./sse.js";

/** Caps on what one chat request may send: the bill's input side. */
export const CHAT_LIMITS = { messages: 20, messageChars: 4_000, totalChars: 12_000, output: 1_024 };

const Message = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: z.string().trim().min(1).max(CHAT_LIMITS.messageChars),
});

export const ChatRequest = z
  .strictObject({
    messages: z
      .array(Message)
      .min(1)
      .max(CHAT_LIMITS.messages)
      .describe("The conversation so far, oldest first, ending with the person's new message")
      .refine((messages) => messages.at(-1)?.role === "user", "The last message must be the user's")
      .refine(
        (messages) =>
          messages.reduce((sum, message) => sum + message.content.length, 0) <=
          CHAT_LIMITS.totalChars,
        `At most ${CHAT_LIMITS.totalChars} characters in all`,
      ),
    assistant: z
      .enum(["support", "general"])
      .default("support")
      .describe("support: the practice's assistant (anyone); general: signed-in users only"),
    model: AiModelName.optional().describe(
      "Signed-in users only; a visitor's support chat always uses the default model",
    ),
    maxOutputTokens: z.number().int().min(16).max(4_096).optional(),
  })
  .meta({ id: "AiChatRequest" });

export const ChatAnswer = z
  .object({
    text: z.string(),
    model: AiModelName,
    provider: z.enum(["openai", "local"]).describe("local: the local stack's stand-in answered"),
    finishReason: z.enum(["stop", "length", "content_filter"]),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  })
  .meta({ id: "AiChatAnswer" });

/** Whose budget a request spends: the signed-in user's by tier, else the client address's. */
export async function budgetSubject(
  db: SupabaseClient,
  caller: Caller | undefined,
  ip: string,
): Promise<BudgetSubject> {
  if (!caller) return { ip };
  return { userId: caller.userId, tier: await entitledTier(db, caller.userId) };
}

export interface ChatInput {
  body: z.infer<typeof ChatRequest>;
  caller: Caller | undefined;
  ip: string;
  accept: string | null;
  /** The caller's own client (anon for a visitor): reads the public facts. */
  db: SupabaseClient;
  service: SupabaseClient;
}

export async function chat(input: ChatInput): Promise<AiAnswer | Response> {
  const { body, caller } = input;
  if (body.assistant === "general" && !caller) {
    throw new ApiError("unauthorized", "Sign in to use the general assistant.");
  }
  const subject = await budgetSubject(input.db, caller, input.ip);
  const instructions =
    body.assistant === "support"
      ? supportInstructions(await practiceFacts(input.db))
      : GENERAL_INSTRUCTIONS;
  // A visitor's day is counted in tokens, so a dearer model would cost more for the same budget:
  // only signed-in users choose.
  const model = caller ? (body.model ?? DEFAULT_AI_MODEL) : DEFAULT_AI_MODEL;
  const request: AiRequest = {
    endpoint: "chat",
    model,
    instructions,
    messages: body.messages,
    moderated: body.messages.map((message) => message.content),
    maxOutputTokens: clampOutputTokens(model, body.maxOutputTokens, CHAT_LIMITS.output),
  };
  const aiCaller: AiCaller = { subject, service: input.service };
  if (wantsJson(input.accept)) return completeAi(request, aiCaller);
  return eventStreamResponse(await streamAi(request, aiCaller));
}

/**
 * An answer to a customer grounded in facts the caller supplies (a shop's catalogue and policies,
 * a conversation's history): for features that reply on someone's behalf, such as a shop's live
 * chat. The caller is responsible for the facts being ones the customer may see. Budgets,
 * moderation and the usage record apply as for the endpoints (endpoint "chat").
 */
export async function answerWithContext(options: {
  subject: BudgetSubject;
  service: SupabaseClient;
  context: string;
  messages: { role: "user" | "assistant"; content: string }[];
  model?: z.infer<typeof AiModelName>;
  stream?: boolean;
}): Promise<AiAnswer | ReadableStream<import("./run.js").AiStreamEvent>> {
  const model = options.model ?? DEFAULT_AI_MODEL;
  const request: AiRequest = {
    endpoint: "chat",
    model,
    instructions: groundedReplyInstructions(options.context),
    messages: options.messages,
    moderated: options.messages
      .filter((message) => message.role === "user")
      .map((message) => message.content),
    maxOutputTokens: clampOutputTokens(model, undefined, CHAT_LIMITS.output),
  };
  const caller = { subject: options.subject, service: options.service };
  return options.stream ? streamAi(request, caller) : completeAi(request, caller);
}
