// The customer's side of a shop's web chat, without an account: starting a conversation gives the
// widget a random conversation token (shown once; only its SHA-256 hash is stored), which it sends
// back in the `X-Conversation-Token` header to write and to read the conversation. Everything here
// runs as the server (the token is the customer's only credential, and the database functions
// take its hash), and never shows the team's notes, tags, assignee or which member wrote.
import { createHash, randomBytes } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { aiConnection } from "../ai/client.js";
import { ApiError } from "../http/errors.js";
import { afterResponse } from "../notify/after-response.js";
import { replyWithAi } from "./ai-reply.js";
import { ConversationStatus, noSuchConversation, throwChatError } from "./conversations.js";
import { MESSAGE_LIMITS, type MessageView, messageView } from "./messages.js";
import { pushWaitingConversation } from "./notify-members.js";

export const CONVERSATION_TOKEN_HEADER = "x-conversation-token";

export const CustomerMessage = z
  .strictObject({ text: z.string().trim().min(1).max(MESSAGE_LIMITS.textChars) })
  .meta({ id: "CustomerChatMessage" });

const CustomerMessageView = z.object({
  id: z.uuid(),
  sender: z.enum(["customer", "seller", "ai", "system"]),
  text: z.string(),
  createdAt: z.string(),
});

export const ChatStarted = z
  .object({
    conversationId: z.uuid(),
    conversationToken: z
      .string()
      .describe(
        "Shown once: send it as X-Conversation-Token to write and read this conversation. Only its hash is kept.",
      ),
    status: ConversationStatus,
    aiActive: z.boolean().describe("Whether the shop's AI will answer first"),
    message: CustomerMessageView,
  })
  .meta({ id: "ChatStarted" });

export const CustomerChatMessageSent = CustomerMessageView.meta({ id: "CustomerChatMessageSent" });

export const CustomerChatQuery = z.strictObject({
  after: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Only messages after this instant (the last `createdAt` seen)"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const CustomerChat = z
  .object({
    conversationId: z.uuid(),
    status: ConversationStatus,
    messages: z.array(CustomerMessageView).describe("Oldest first"),
  })
  .meta({ id: "CustomerChat" });

const TokenHeader = z
  .string()
  .regex(/^ct_[A-Za-z0-9_-]{43}$/)
  .transform((token) => createHash("sha256").update(token).digest("hex"));

function tokenHash(headers: Headers): string {
  const parsed = TokenHeader.safeParse(headers.get(CONVERSATION_TOKEN_HEADER));
  if (!parsed.success) {
    throw new ApiError(
      "unauthorized",
      "Send the conversation's token (from POST /api/shops/{shopId}/chat) as X-Conversation-Token.",
    );
  }
  return parsed.data;
}

const customerView = (message: MessageView) => ({
  id: message.id,
  sender: message.sender,
  text: message.text,
  createdAt: message.createdAt,
});

/** Whether an AI answer can be had at all on this deployment (else people answer from the start). */
async function aiAvailable(): Promise<boolean> {
  try {
    await aiConnection();
    return true;
  } catch {
    return false;
  }
}

const Started = z.object({
  conversation: z.object({ id: z.uuid(), status: ConversationStatus, is_ai_active: z.boolean() }),
  message: z.unknown(),
});

export async function startChat(
  service: SupabaseClient,
  shopId: string,
  body: z.infer<typeof CustomerMessage>,
): Promise<z.infer<typeof ChatStarted>> {
  const token = `ct_${randomBytes(32).toString("base64url")}`;
  const ai = await aiAvailable();
  const { data, error } = await service.rpc("start_web_conversation", {
    p_shop_id: shopId,
    p_token_hash: createHash("sha256").update(token).digest("hex"),
    p_text: body.text,
    p_ai_active: ai,
  });
  if (error) {
    if (error.code === "PT404" || error.code === "22P02") {
      throw new ApiError("not_found", "There is no such shop.");
    }
    throwChatError(error, "starting a conversation");
  }
  const started = Started.parse(data);
  const message = messageView(started.message);
  const conversationId = started.conversation.id;
  afterResponse(() =>
    started.conversation.is_ai_active
      ? replyWithAi(service, shopId, conversationId)
      : pushWaitingConversation(service, shopId, conversationId, "conversation"),
  );
  return {
    conversationId: started.conversation.id,
    conversationToken: token,
    status: started.conversation.status,
    aiActive: started.conversation.is_ai_active,
    message: customerView(message),
  };
}

export async function sendCustomerMessage(
  service: SupabaseClient,
  shopId: string,
  headers: Headers,
  body: z.infer<typeof CustomerMessage>,
): Promise<z.infer<typeof CustomerChatMessageSent>> {
  const { data, error } = await service.rpc("send_customer_message", {
    p_shop_id: shopId,
    p_token_hash: tokenHash(headers),
    p_text: body.text,
  });
  if (error) throwChatError(error, "sending a customer's message");
  const sent = Started.parse(data);
  const conversationId = sent.conversation.id;
  afterResponse(() =>
    sent.conversation.is_ai_active
      ? replyWithAi(service, shopId, conversationId)
      : pushWaitingConversation(service, shopId, conversationId, "message"),
  );
  return customerView(messageView(sent.message));
}

const Conversation = z.object({
  id: z.uuid(),
  status: ConversationStatus,
  messages: z.array(z.unknown()),
});

export async function readCustomerChat(
  service: SupabaseClient,
  shopId: string,
  headers: Headers,
  query: z.infer<typeof CustomerChatQuery>,
): Promise<z.infer<typeof CustomerChat>> {
  const { data, error } = await service.rpc("customer_conversation", {
    p_shop_id: shopId,
    p_token_hash: tokenHash(headers),
    p_after: query.after ?? null,
    p_limit: query.limit,
  });
  if (error) throwChatError(error, "reading a customer's conversation");
  if (!data) throw noSuchConversation();
  const conversation = Conversation.parse(data);
  return {
    conversationId: conversation.id,
    status: conversation.status,
    messages: conversation.messages.map((raw) => customerView(messageView(raw))),
  };
}
