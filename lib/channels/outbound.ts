// A member's reply in a Telegram or Viber conversation goes out through the platform (issue 22,
// item 5), after public.send_shop_message stored it: Telegram sendMessage to the customer's chat,
// Viber send_message to the sender id, with the shop's bot token (both opened here only). The
// message's delivery_status says how it went (pending while sending, then sent or failed, with
// our reason in delivery_error); a web conversation has none. The send is never retried
// automatically (a timed-out send may have arrived); a failure answers a problem that says the
// reply is saved but did not reach the customer.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { MessageView } from "../chat/messages.js";
import { openPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { CHANNEL_SEALED } from "./connections.js";
import { type BotPlatform, botProvider, ChannelProviderError } from "./providers.js";

export const Delivery = z
  .object({
    status: z.enum(["pending", "sent", "failed"]),
    error: z.string().nullable().describe("Why it failed, in our words"),
  })
  .meta({ id: "ChannelDelivery" });

export const SentMessage = MessageView.extend({
  delivery: Delivery.nullable().describe(
    "For a Telegram or Viber conversation: whether the platform took the reply; null on the web chat",
  ),
}).meta({ id: "ChatReply" });
export type SentMessage = z.infer<typeof SentMessage>;

const Target = z.object({
  connectionId: z.uuid(),
  platform: z.string(),
  status: z.string(),
  accountName: z.string().nullable(),
  tokenSealed: z.string().nullable(),
  externalSealed: z.string(),
});

async function record(
  service: SupabaseClient,
  messageId: string,
  values: {
    delivery_status: string;
    delivery_error?: string | null;
    external_message_id?: string | null;
  },
): Promise<void> {
  const { error } = await service.from("conversation_messages").update(values).eq("id", messageId);
  if (error) throw new Error(`recording a delivery failed: ${error.code}`);
}

const REASON: Record<ChannelProviderError["failure"], string> = {
  token_invalid: "the bot token is no longer accepted; reconnect the channel",
  recipient_unavailable: "the customer blocked the bot or cannot receive messages",
  rate_limited: "the platform asked to slow down",
  refused: "the platform refused the message",
  unavailable: "the platform did not answer",
};

/** Sends `message` out when its conversation is a channel's; answers it with its delivery. */
export async function deliverReply(
  service: SupabaseClient,
  message: MessageView,
): Promise<SentMessage> {
  const { data, error } = await service.rpc("channel_delivery_target", {
    p_conversation_id: message.conversationId,
  });
  if (error) throw new Error(`reading a delivery target failed: ${error.code}`);
  if (!data) return { ...message, delivery: null };
  const target = Target.parse(data);
  const platform = target.platform as BotPlatform;
  const name = platform === "telegram" ? "Telegram" : "Viber";
  const fail = async (reason: string, problem: ApiError): Promise<never> => {
    await record(service, message.id, { delivery_status: "failed", delivery_error: reason });
    throw problem;
  };
  if (
    (platform !== "telegram" && platform !== "viber") ||
    target.status !== "connected" ||
    !target.tokenSealed
  ) {
    return fail(
      "the channel is not connected",
      new ApiError(
        "conflict",
        `The reply is saved, but this conversation's ${name} connection is not connected: reconnect it, then reply again.`,
      ),
    );
  }
  if (message.text.length === 0) {
    return fail(
      "attachments are not sent to this channel",
      new ApiError("bad_request", `The reply is saved, but only text is sent to ${name}.`),
    );
  }
  await record(service, message.id, { delivery_status: "pending" });
  try {
    const sentId = await botProvider(platform).sendText(
      openPersonalData(target.tokenSealed, CHANNEL_SEALED.token),
      openPersonalData(target.externalSealed, CHANNEL_SEALED.externalId),
      message.text,
      target.accountName ?? "Shop",
    );
    await record(service, message.id, {
      delivery_status: "sent",
      delivery_error: null,
      external_message_id: sentId.slice(0, 200) || null,
    });
    return { ...message, delivery: { status: "sent", error: null } };
  } catch (failure) {
    if (!(failure instanceof ChannelProviderError)) throw failure;
    log.warn("channel_reply_failed", { platform, failure: failure.failure });
    if (failure.failure === "token_invalid") {
      await service
        .from("shop_channel_connections")
        .update({ status: "needs_reconnect", updated_at: new Date().toISOString() })
        .eq("id", target.connectionId);
    }
    return fail(
      REASON[failure.failure],
      new ApiError(
        "provider_error",
        `The reply is saved, but ${name} did not deliver it: ${REASON[failure.failure]}.`,
      ),
    );
  }
}
