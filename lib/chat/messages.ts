// The messages of a conversation as members read and write them. A member's reply is one call
// (public.send_shop_message) that also takes the conversation over from the AI. Attachments are
// references to objects the browser uploaded to Supabase Storage (the API issues no upload URLs:
// the local stack has no Storage), checked here for type, size and that they live under the shop.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { afterCursor, nextCursor, PageCursor } from "../http/page-cursor.js";
import { requireShopPermission } from "../shops/access.js";
import { noSuchConversation, throwChatError } from "./conversations.js";

export const MESSAGE_LIMITS = { textChars: 4_000, attachments: 5, attachmentBytes: 10_000_000 };

export const ATTACHMENT_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "application/pdf",
] as const;

export const Sender = z.enum(["customer", "seller", "ai", "system"]);

export const Attachment = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(300)
      .regex(
        /^[0-9a-f-]{36}\/[A-Za-z0-9._/-]+$/,
        "A Storage object path that starts with the shop's id",
      )
      .refine((path) => !path.split("/").includes(".."), "No '..' segments")
      .describe("The object's path in the `chat-attachments` Storage bucket: `<shopId>/…`"),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: z.number().int().min(1).max(MESSAGE_LIMITS.attachmentBytes).describe("In bytes"),
  })
  .meta({ id: "ChatAttachment" });

export const MessageView = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    sender: Sender,
    senderUserId: z.uuid().nullable().describe("The member who wrote a seller message"),
    text: z.string(),
    attachments: z.array(Attachment),
    createdAt: z.string(),
  })
  .meta({ id: "ChatMessage" });
export type MessageView = z.infer<typeof MessageView>;

export const MessageList = z
  .object({ messages: z.array(MessageView), nextCursor: z.string().nullable() })
  .meta({ id: "ChatMessageList" });

export const MessageListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageCursor.optional().describe("`nextCursor` of the previous page (older messages)"),
});

export const SellerMessage = z
  .strictObject({
    text: z.string().trim().max(MESSAGE_LIMITS.textChars).default(""),
    attachments: z
      .array(Attachment)
      .max(MESSAGE_LIMITS.attachments)
      .default([])
      .describe("References to objects already uploaded to Storage"),
  })
  .refine(
    (message) => message.text.length > 0 || message.attachments.length > 0,
    "Send text or an attachment",
  )
  .meta({ id: "SellerMessage" });

export const MESSAGE_COLUMNS =
  "id, conversation_id, sender, sender_user_id, text, attachments, created_at";

const Row = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  sender: Sender,
  sender_user_id: z.uuid().nullable().optional(),
  text: z.string(),
  attachments: z.array(Attachment),
  created_at: z.string(),
});

export function messageView(raw: unknown): MessageView {
  const row = Row.parse(raw);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    sender: row.sender,
    senderUserId: row.sender_user_id ?? null,
    text: row.text,
    attachments: row.attachments,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The conversation's messages, newest first, a page at a time. */
export async function listMessages(
  db: SupabaseClient,
  shopId: string,
  conversationId: string,
  query: z.infer<typeof MessageListQuery>,
): Promise<z.infer<typeof MessageList>> {
  await requireShopPermission(db, shopId, "conversations.handle");
  const found = await db
    .from("conversations")
    .select("id")
    .eq("id", conversationId)
    .eq("shop_id", shopId)
    .maybeSingle();
  if (found.error) throwChatError(found.error, "reading a conversation");
  if (!found.data) throw noSuchConversation();
  let request = db
    .from("conversation_messages")
    .select(MESSAGE_COLUMNS)
    .eq("conversation_id", conversationId)
    .eq("shop_id", shopId);
  if (query.cursor) request = request.or(afterCursor(query.cursor));
  const { data, error } = await request
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(query.limit + 1);
  if (error) throwChatError(error, "listing messages");
  const rows = z.array(z.object({ created_at: z.string(), id: z.uuid() }).loose()).parse(data);
  return {
    messages: rows.slice(0, query.limit).map(messageView),
    nextCursor: nextCursor(rows, query.limit),
  };
}

/** A member's reply: the AI stops answering this conversation, and a closed one opens again. */
export async function sendSellerMessage(
  db: SupabaseClient,
  shopId: string,
  conversationId: string,
  message: z.infer<typeof SellerMessage>,
): Promise<MessageView> {
  await requireShopPermission(db, shopId, "conversations.handle");
  for (const attachment of message.attachments) {
    if (!attachment.path.startsWith(`${shopId}/`)) {
      throw new ApiError("bad_request", "Attachments must be stored under this shop's id.");
    }
  }
  const { data, error } = await db.rpc("send_shop_message", {
    p_shop_id: shopId,
    p_conversation_id: conversationId,
    p_text: message.text,
    p_attachments: message.attachments,
  });
  if (error) throwChatError(error, "sending a message");
  return messageView(data);
}
