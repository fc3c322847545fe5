// A shop's conversations with its customers (supabase/migrations/20261121002300_conversations.sql),
// as its members see and triage them: the list (status, assignee, channel and tag filters, cursor
// pages), one conversation, and its triage (status, assignee, tags, notes, AI on or off) written
// with the member's own client, so RLS and the database's checks decide.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { afterCursor, nextCursor, PageCursor, PageLimit } from "../http/page-cursor.js";
import { requireShopPermission } from "../shops/access.js";
import { throwShopError } from "../shops/shop-errors.js";

export const CHANNELS = ["web", "facebook", "instagram", "tiktok", "telegram", "viber"] as const;
export const Channel = z.enum(CHANNELS);
export const ConversationStatus = z.enum(["open", "pending", "closed"]);

export const ConversationParams = z.strictObject({ shopId: z.uuid(), conversationId: z.uuid() });

const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\p{Cc}]+$/u, "No control characters");

export const ConversationView = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    channel: Channel,
    status: ConversationStatus,
    assigneeId: z.uuid().nullable().describe("The member handling it"),
    tags: z.array(z.string()),
    notes: z.string().nullable().describe("The team's own notes; never shown to the customer"),
    isAiActive: z.boolean().describe("Whether the shop's AI answers the customer's messages"),
    lastMessageAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Conversation" });
export type ConversationView = z.infer<typeof ConversationView>;

export const ConversationListQuery = z.strictObject({
  status: ConversationStatus.optional(),
  assignee: z
    .union([z.uuid(), z.literal("me"), z.literal("none")])
    .optional()
    .describe("A member's user id, `me`, or `none` for unassigned ones"),
  channel: Channel.optional(),
  tag: Tag.optional(),
  limit: PageLimit,
  cursor: PageCursor.optional().describe("`nextCursor` of the previous page"),
});

export const ConversationList = z
  .object({ conversations: z.array(ConversationView), nextCursor: z.string().nullable() })
  .meta({ id: "ConversationList" });

export const ConversationChange = z
  .strictObject({
    status: ConversationStatus.optional(),
    assigneeId: z.uuid().nullable().optional().describe("A member of the shop, or null"),
    tags: z.array(Tag).max(20).optional().describe("Replaces the tags (kept sorted, once each)"),
    notes: z.string().max(5000).nullable().optional(),
    isAiActive: z
      .boolean()
      .optional()
      .describe("false hands the conversation over to people; true lets the AI answer again"),
  })
  .refine((change) => Object.keys(change).length > 0, "Send at least one field to change")
  .meta({ id: "ConversationChange" });

export const CONVERSATION_COLUMNS =
  "id, shop_id, channel, status, assignee_id, tags, notes, is_ai_active, last_message_at, created_at, updated_at";

const Row = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  channel: Channel,
  status: ConversationStatus,
  assignee_id: z.uuid().nullable(),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  is_ai_active: z.boolean(),
  last_message_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const iso = (value: string) => new Date(value).toISOString();

export function conversationView(raw: unknown): ConversationView {
  const row = Row.parse(raw);
  return {
    id: row.id,
    shopId: row.shop_id,
    channel: row.channel,
    status: row.status,
    assigneeId: row.assignee_id,
    tags: row.tags,
    notes: row.notes,
    isAiActive: row.is_ai_active,
    lastMessageAt: row.last_message_at === null ? null : iso(row.last_message_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function listConversations(
  db: SupabaseClient,
  callerId: string,
  shopId: string,
  query: z.infer<typeof ConversationListQuery>,
): Promise<z.infer<typeof ConversationList>> {
  await requireShopPermission(db, shopId, "conversations.handle");
  let request = db.from("conversations").select(CONVERSATION_COLUMNS).eq("shop_id", shopId);
  if (query.status) request = request.eq("status", query.status);
  if (query.channel) request = request.eq("channel", query.channel);
  if (query.tag) request = request.contains("tags", [query.tag]);
  if (query.assignee === "none") request = request.is("assignee_id", null);
  else if (query.assignee === "me") request = request.eq("assignee_id", callerId);
  else if (query.assignee) request = request.eq("assignee_id", query.assignee);
  if (query.cursor) request = request.or(afterCursor(query.cursor));
  const { data, error } = await request
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(query.limit + 1);
  if (error) throwChatError(error, "listing conversations");
  const rows = z.array(z.object({ created_at: z.string(), id: z.uuid() }).loose()).parse(data);
  return {
    conversations: rows.slice(0, query.limit).map(conversationView),
    nextCursor: nextCursor(rows, query.limit),
  };
}

export async function getConversation(
  db: SupabaseClient,
  shopId: string,
  conversationId: string,
): Promise<ConversationView> {
  await requireShopPermission(db, shopId, "conversations.handle");
  const { data, error } = await db
    .from("conversations")
    .select(CONVERSATION_COLUMNS)
    .eq("id", conversationId)
    .eq("shop_id", shopId)
    .maybeSingle();
  if (error) throwChatError(error, "reading a conversation");
  if (!data) throw noSuchConversation();
  return conversationView(data);
}

export async function changeConversation(
  db: SupabaseClient,
  shopId: string,
  conversationId: string,
  change: z.infer<typeof ConversationChange>,
): Promise<ConversationView> {
  await requireShopPermission(db, shopId, "conversations.handle");
  const { data, error } = await db
    .from("conversations")
    .update({
      ...(change.status !== undefined && { status: change.status }),
      ...(change.assigneeId !== undefined && { assignee_id: change.assigneeId }),
      ...(change.tags !== undefined && { tags: change.tags }),
      ...(change.notes !== undefined && { notes: change.notes }),
      ...(change.isAiActive !== undefined && { is_ai_active: change.isAiActive }),
    })
    .eq("id", conversationId)
    .eq("shop_id", shopId)
    .select(CONVERSATION_COLUMNS)
    .maybeSingle();
  if (error) {
    if (error.code === "22023") {
      throw new ApiError("bad_request", "The assignee must be a member of this shop.");
    }
    throwChatError(error, "changing a conversation");
  }
  if (!data) throw noSuchConversation();
  return conversationView(data);
}

export function noSuchConversation(): ApiError {
  return new ApiError("not_found", "There is no such conversation in this shop.");
}

export function throwChatError(error: PostgrestError, what: string): never {
  if (error.code === "PT404") throw noSuchConversation();
  throwShopError(error, what);
}
