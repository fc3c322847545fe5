// A member's reply in a channel conversation goes out through the platform (issue 22, item 5),
// after public.send_shop_message stored it: Telegram sendMessage to the customer's chat, Viber
// send_message to the sender id, with the shop's bot token; Facebook and Instagram through Meta's
// Send API from the Page (lib/channels/meta.ts) with the Page's token, within Meta's 24-hour
// messaging window only (outside it, refused before Meta is called: 409
// outside_messaging_window, as when Meta itself says so). Tokens and the customer's id are
// opened here only. A token the platform no longer accepts marks the connection needs_reconnect
// and tells the owners (./needs-reconnect.ts). The AI's answer in a channel conversation goes out
// the same way (deliverAiReply). The
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
import { META_MESSAGING_WINDOW_MS, MetaSendError, metaSendText } from "./meta.js";
import { markNeedsReconnect } from "./needs-reconnect.js";
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
  accountId: z.string().nullable().optional(),
  linkedPageId: z.string().nullable().optional(),
  tokenSealed: z.string().nullable(),
  externalSealed: z.string(),
  lastCustomerMessageAt: z.string().nullable().optional(),
});
type Target = z.infer<typeof Target>;

const NAMES: Record<string, string> = {
  telegram: "Telegram",
  viber: "Viber",
  facebook: "Facebook",
  instagram: "Instagram",
  tiktok: "TikTok",
};

const META_REASON: Record<MetaSendError["failure"], string> = {
  token_invalid: "the Page's access token is no longer accepted; reconnect the channel",
  outside_window: "the customer last wrote more than 24 hours ago (Meta's messaging window)",
  recipient_unavailable: "the customer cannot receive messages from the Page",
  rate_limited: "the platform asked to slow down",
  refused: "the platform refused the message",
  unavailable: "the platform did not answer",
};

/** Whether Meta lets the Page answer now: within 24 hours of the customer's last message. */
export function insideMessagingWindow(lastCustomerMessageAt: string | null | undefined): boolean {
  if (!lastCustomerMessageAt) return false;
  return Date.now() - new Date(lastCustomerMessageAt).getTime() < META_MESSAGING_WINDOW_MS;
}

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
  const name = NAMES[target.platform] ?? target.platform;
  const fail = async (reason: string, problem: ApiError): Promise<never> => {
    await record(service, message.id, { delivery_status: "failed", delivery_error: reason });
    throw problem;
  };
  const meta = target.platform === "facebook" || target.platform === "instagram";
  if (
    (platform !== "telegram" && platform !== "viber" && !meta) ||
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
  if (meta) return deliverThroughMeta(service, message, target, fail);
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
      await markNeedsReconnect(service, target.connectionId, "the bot token is no longer accepted");
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

async function deliverThroughMeta(
  service: SupabaseClient,
  message: MessageView,
  target: Target,
  fail: (reason: string, problem: ApiError) => Promise<never>,
): Promise<SentMessage> {
  const name = NAMES[target.platform] ?? target.platform;
  // Instagram answers through the Facebook Page the account is linked to.
  const pageId = target.platform === "instagram" ? target.linkedPageId : target.accountId;
  if (!pageId || !target.tokenSealed) {
    return fail(
      "the channel is not connected",
      new ApiError(
        "conflict",
        `The reply is saved, but this conversation's ${name} connection is not complete: reconnect it, then reply again.`,
      ),
    );
  }
  const outsideWindow = () =>
    fail(
      META_REASON.outside_window,
      new ApiError(
        "outside_messaging_window",
        `The reply is saved, but ${name} lets a shop answer within 24 hours of the customer's last message only: it was not sent. It can be sent once the customer writes again.`,
      ),
    );
  if (!insideMessagingWindow(target.lastCustomerMessageAt)) return outsideWindow();
  await record(service, message.id, { delivery_status: "pending" });
  try {
    const sentId = await metaSendText(
      pageId,
      openPersonalData(target.tokenSealed, CHANNEL_SEALED.token),
      openPersonalData(target.externalSealed, CHANNEL_SEALED.externalId),
      message.text,
    );
    await record(service, message.id, {
      delivery_status: "sent",
      delivery_error: null,
      external_message_id: sentId.slice(0, 200) || null,
    });
    return { ...message, delivery: { status: "sent", error: null } };
  } catch (failure) {
    if (!(failure instanceof MetaSendError)) throw failure;
    log.warn("channel_reply_failed", { platform: target.platform, failure: failure.failure });
    if (failure.failure === "outside_window") return outsideWindow();
    if (failure.failure === "token_invalid") {
      await markNeedsReconnect(
        service,
        target.connectionId,
        "the Page's access token is no longer accepted",
      );
    }
    return fail(
      META_REASON[failure.failure],
      new ApiError(
        "provider_error",
        `The reply is saved, but ${name} did not deliver it: ${META_REASON[failure.failure]}.`,
      ),
    );
  }
}

/**
 * The AI's answer in a channel conversation, sent as a member's reply is; a failure is recorded
 * on the message (delivery failed) and logged, never thrown: nobody waits on this answer.
 */
export async function deliverAiReply(service: SupabaseClient, message: MessageView): Promise<void> {
  try {
    await deliverReply(service, message);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    log.info("channel_ai_reply_not_sent", { code: error.code });
  }
}
