// The shop's AI answering a customer (after the customer's request has been answered: it runs in
// waitUntil, so the widget never waits on OpenAI). Grounded only in what the shop publishes — its
// name, description (its policies) and products on sale, read by public.shop_ai_facts for this
// shop alone — and the conversation's own recent messages; spent from the shop owner's daily AI
// budget at their subscription tier. When the AI cannot answer (budget spent, text flagged,
// provider down or not configured) the conversation is handed over to people with a system
// message, so a customer is never left waiting on a reply that will not come.

import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { answerWithContext } from "../ai/chat.js";
import type { AiAnswer } from "../ai/run.js";
import { formatMoney } from "../catalogue/money.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { entitledTier } from "../subscriptions/entitlement.js";
import { type MessageView, messageView } from "./messages.js";
import { pushWaitingConversation } from "./notify-members.js";

/** How many of the latest messages the model sees, and how many characters of them at most. */
const HISTORY = 20;
const HISTORY_CHARS = 8_000;
/** What of the catalogue goes into the instructions. */
const PRODUCT_DESCRIPTION_CHARS = 300;

export const HAND_OVER_TEXT =
  "Our assistant cannot answer right now; a person from the shop will reply here.";

const Facts = z.object({
  name: z.string(),
  description: z.string().nullable(),
  currency: z.string(),
  owner_id: z.uuid().nullable(),
  products: z.array(
    z.object({
      name: z.string(),
      description: z.string().nullable(),
      price_minor: z.coerce.number(),
      in_stock: z.boolean(),
      category: z.string().nullable(),
    }),
  ),
});

/** The shop's public facts as plain text for the model's instructions. */
export function shopContext(facts: z.infer<typeof Facts>): string {
  const lines = [`Shop: ${facts.name}.`];
  if (facts.description) lines.push(`About the shop and its policies: ${facts.description}`);
  lines.push(facts.products.length > 0 ? "Products:" : "The shop lists no products yet.");
  for (const product of facts.products) {
    lines.push(
      `- ${product.name}${product.category ? ` (${product.category})` : ""}: ${formatMoney(product.price_minor, facts.currency)}, ${product.in_stock ? "in stock" : "out of stock"}.${product.description ? ` ${product.description.slice(0, PRODUCT_DESCRIPTION_CHARS)}` : ""}`,
    );
  }
  return lines.join("\n");
}

const History = z.array(z.object({ sender: z.string(), text: z.string() }));

export interface AiReplyOptions {
  /**
   * A channel conversation (Facebook, Instagram, Telegram, Viber): sends the kept answer out
   * through the platform and records its delivery (lib/channels/outbound.ts). Not given for the
   * web chat, whose widget reads the answer itself.
   */
  deliver?: (message: MessageView) => Promise<unknown>;
}

export async function replyWithAi(
  service: SupabaseClient,
  shopId: string,
  conversationId: string,
  options: AiReplyOptions = {},
): Promise<void> {
  const [factsRead, historyRead] = await Promise.all([
    service.rpc("shop_ai_facts", { p_shop_id: shopId }),
    service
      .from("conversation_messages")
      .select("sender, text")
      .eq("conversation_id", conversationId)
      .eq("shop_id", shopId)
      .order("created_at", { ascending: false })
      .order("id", { ascending: false })
      .limit(HISTORY),
  ]);
  if (factsRead.error) throw new Error(`reading shop facts failed: ${factsRead.error.code}`);
  if (historyRead.error) throw new Error(`reading messages failed: ${historyRead.error.code}`);
  const facts = Facts.parse(factsRead.data);
  // The latest messages that fit HISTORY_CHARS (the newest always), oldest first.
  let room = HISTORY_CHARS;
  const messages = History.parse(historyRead.data)
    .filter((message) => message.text.length > 0 && message.sender !== "system")
    .filter((message, index) => {
      room -= message.text.length;
      return index === 0 || room >= 0;
    })
    .reverse()
    .map((message) => ({
      role: message.sender === "customer" ? ("user" as const) : ("assistant" as const),
      content: message.text,
    }));
  // Someone answered meanwhile (a member, or an earlier AI run): nothing is waiting.
  if (messages.at(-1)?.role !== "user") return;
  let answer: AiAnswer | undefined;
  try {
    if (!facts.owner_id) throw new ApiError("service_unavailable", "The shop has no owner.");
    const tier = await entitledTier(service, facts.owner_id);
    const answered = await answerWithContext({
      subject: { userId: facts.owner_id, tier },
      service,
      context: shopContext(facts),
      messages,
    });
    answer = answered as AiAnswer;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    log.info("chat_ai_handed_over", { shopId, conversationId, code: error.code });
  }
  const text = answer?.text.trim().slice(0, 4_000);
  if (!text) {
    const handOver = await service.rpc("ai_hand_over", {
      p_conversation_id: conversationId,
      p_text: HAND_OVER_TEXT,
    });
    if (handOver.error) throw new Error(`handing over failed: ${handOver.error.code}`);
    await pushWaitingConversation(service, shopId, conversationId, "message");
    return;
  }
  if (options.deliver) {
    const kept = await service.rpc("add_ai_channel_reply", {
      p_conversation_id: conversationId,
      p_text: text,
    });
    if (kept.error) throw new Error(`keeping the AI's answer failed: ${kept.error.code}`);
    // Null when a member turned the AI off meanwhile: nothing was kept, nothing goes out.
    if (kept.data) await options.deliver(messageView(kept.data));
    return;
  }
  const kept = await service.rpc("add_ai_message", {
    p_conversation_id: conversationId,
    p_text: text,
  });
  if (kept.error) throw new Error(`keeping the AI's answer failed: ${kept.error.code}`);
}
