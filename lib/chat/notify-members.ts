// Web Push to a shop's members (lib/push) when a conversation needs a person: a new conversation
// the AI does not answer, a customer's message while the AI is off, and a hand-over from the AI.
// The payload names the shop and conversation only — never what the customer wrote — and is sent
// after the response (waitUntil). Without VAPID configured nothing is sent (and nothing logged
// per message: the push module's own check would warn on every chat message).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { vapidConfig } from "../push/config.js";
import { pushToUsers } from "../push/send.js";

export type WaitingReason = "conversation" | "message";

const TEXT: Record<WaitingReason, { title: string; message: string }> = {
  conversation: {
    title: "New conversation",
    message: "A customer started a chat and waits for a reply.",
  },
  message: { title: "A customer is waiting", message: "A new message waits for a reply." },
};

export async function pushWaitingConversation(
  service: SupabaseClient,
  shopId: string,
  conversationId: string,
  reason: WaitingReason,
): Promise<void> {
  if (!vapidConfig()) return;
  const { data, error } = await service
    .from("shop_members")
    .select("user_id")
    .eq("shop_id", shopId);
  if (error) throw new Error(`reading the shop's members failed: ${error.code}`);
  const members = z.array(z.object({ user_id: z.uuid() })).parse(data);
  await pushToUsers(
    service,
    members.map((member) => member.user_id),
    {
      ...TEXT[reason],
      type: reason,
      shopId,
      conversationId,
      url: `/shop-inbox.html?shop=${shopId}&conversation=${conversationId}`,
    },
  );
}
