// Customers' messages from a connected Telegram or Viber bot (issue 22, item 4). Each connection
// has its own webhook URL (/api/webhooks/<platform>/<connection id>), verified on the raw body
// before anything is stored:
// - Telegram: X-Telegram-Bot-Api-Secret-Token, compared (SHA-256, timing-safe) with the hash of
//   the secret_token registered by setWebhook;
// - Viber: X-Viber-Content-Signature, the HMAC-SHA256 (hex) of the raw body keyed with the bot
//   token, compared timing-safe.
// An unknown or disconnected connection cannot be verified and answers the same 400.
// The update is then stored once in the webhook inbox (event id: connection id and Telegram's
// update_id or Viber's message_token, so a redelivery does nothing), in a reduced form: the
// customer's chat or sender id sealed beside its keyed hash, the text, nothing else. Applying it
// continues or starts the customer's conversation (public.channel_customer_message), whose
// triggers broadcast message:new and the notifications; the members get Web Push as for the web
// chat. A new channel conversation is answered by people (is_ai_active false); when a member turns
// the AI on for it, the AI's answer goes back out through the channel (replyOnChannel, after the
// response). Facebook, Instagram (lib/channels/meta-webhook.ts) and TikTok
// (lib/channels/tiktok-webhook.ts) use the same stored shape and apply.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { replyWithAi } from "../chat/ai-reply.js";
import { pushWaitingConversation } from "../chat/notify-members.js";
import { lookupHash, openPersonalData, sealPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { afterResponse } from "../notify/after-response.js";
import type { WebhookEvent } from "../payments/webhooks/inbox.js";
import {
  receiveWebhook,
  type WebhookReceipt,
  type WebhookSource,
} from "../payments/webhooks/receive.js";
import { CHANNEL_SEALED, sha256 } from "./connections.js";
import { deliverAiReply } from "./outbound.js";
import type { BotPlatform } from "./providers.js";

export const ChannelWebhookParams = z.strictObject({ connectionId: z.uuid() });

/** What the inbox keeps of an update. */
export const Stored = z.object({
  connectionId: z.uuid(),
  kind: z.enum(["message", "ignored"]),
  externalHash: z.string().optional(),
  externalSealed: z.string().optional(),
  text: z.string().optional(),
});
export type Stored = z.infer<typeof Stored>;

const MAX_TEXT = 4_000;

export function refused(): never {
  throw new ApiError("webhook_signature_invalid", "The signature does not match this body.");
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

interface Credentials {
  tokenSealed: string;
  secretHash: string | null;
}

async function credentials(
  service: SupabaseClient,
  platform: BotPlatform,
  connectionId: string,
): Promise<Credentials | undefined> {
  const [connection, secret] = await Promise.all([
    service
      .from("shop_channel_connections")
      .select("platform, status")
      .eq("id", connectionId)
      .maybeSingle(),
    service
      .from("shop_channel_credentials")
      .select("token_sealed, webhook_secret_hash")
      .eq("id", connectionId)
      .maybeSingle(),
  ]);
  if (connection.error) throw new Error(`reading a connection failed: ${connection.error.code}`);
  if (secret.error) throw new Error(`reading channel credentials failed: ${secret.error.code}`);
  const found = z
    .object({ platform: z.string(), status: z.string() })
    .nullable()
    .parse(connection.data);
  const stored = z
    .object({ token_sealed: z.string(), webhook_secret_hash: z.string().nullable() })
    .nullable()
    .parse(secret.data);
  if (!found || !stored || found.platform !== platform || found.status !== "connected") {
    return undefined;
  }
  return { tokenSealed: stored.token_sealed, secretHash: stored.webhook_secret_hash };
}

export function customerMessage(connectionId: string, externalId: string, text: string): Stored {
  return {
    connectionId,
    kind: "message",
    externalHash: lookupHash(externalId, CHANNEL_SEALED.externalId),
    externalSealed: sealPersonalData(externalId, CHANNEL_SEALED.externalId),
    text: text.slice(0, MAX_TEXT),
  };
}

const TelegramUpdate = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      chat: z.object({ id: z.union([z.number(), z.string()]) }),
      text: z.string().optional(),
      caption: z.string().optional(),
    })
    .loose()
    .optional(),
});

export function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new ApiError("malformed_json", "The body is not JSON.");
  }
}

/** What a message without text says in the inbox (a photo, a sticker): the team sees that one came. */
export const NON_TEXT =
  "[The customer sent something other than text; open the chat app to see it.]";

export function telegramEvent(connectionId: string, rawBody: string): WebhookEvent {
  const update = TelegramUpdate.safeParse(parseJson(rawBody));
  if (!update.success) throw new ApiError("bad_request", "This is not a Telegram update.");
  const { update_id, message } = update.data;
  const stored: Stored = message
    ? customerMessage(
        connectionId,
        String(message.chat.id),
        message.text ?? message.caption ?? NON_TEXT,
      )
    : { connectionId, kind: "ignored" };
  return {
    id: `${connectionId}:${update_id}`,
    type: message ? "message" : "other",
    payload: stored,
  };
}

const ViberCallback = z.object({
  event: z.string().max(50),
  message_token: z.union([z.number(), z.string()]).optional(),
  sender: z
    .object({ id: z.string().min(1).max(200) })
    .loose()
    .optional(),
  message: z.object({ type: z.string(), text: z.string().optional() }).loose().optional(),
});

export function viberEvent(connectionId: string, rawBody: string): WebhookEvent | undefined {
  const callback = ViberCallback.safeParse(parseJson(rawBody));
  if (!callback.success) throw new ApiError("bad_request", "This is not a Viber callback.");
  const { event, message_token, sender, message } = callback.data;
  // Viber's check of a new webhook URL (set_webhook) and events without a token: nothing to keep.
  if (event === "webhook" || message_token === undefined) return undefined;
  const stored: Stored =
    event === "message" && sender && message
      ? customerMessage(
          connectionId,
          sender.id,
          message.type === "text" && message.text ? message.text : NON_TEXT,
        )
      : { connectionId, kind: "ignored" };
  return { id: `${connectionId}:${String(message_token)}`, type: event, payload: stored };
}

/** Whether the conversation's AI is on (a member turned it on): then it answers, not people. */
async function aiAnswers(service: SupabaseClient, conversationId: string): Promise<boolean> {
  const { data, error } = await service
    .from("conversations")
    .select("is_ai_active")
    .eq("id", conversationId)
    .maybeSingle();
  if (error) throw new Error(`reading a conversation failed: ${error.code}`);
  return z.object({ is_ai_active: z.boolean() }).nullable().parse(data)?.is_ai_active === true;
}

/** Applies a stored update (also what the inbox sweep calls for one that failed). */
export async function applyChannelMessage(
  platform: string,
  event: WebhookEvent,
  service: SupabaseClient,
): Promise<string> {
  const stored = Stored.parse(event.payload);
  if (stored.kind !== "message" || !stored.externalHash || !stored.externalSealed) {
    return `ignored: ${event.type}`;
  }
  const { data, error } = await service.rpc("channel_customer_message", {
    p_connection_id: stored.connectionId,
    p_external_hash: stored.externalHash,
    p_external_sealed: stored.externalSealed,
    p_text: stored.text && stored.text.length > 0 ? stored.text : NON_TEXT,
  });
  if (error) {
    if (error.code === "PT404") return "ignored: the connection is not connected";
    throw new Error(`applying a ${platform} message failed: ${error.code}`);
  }
  const applied = z
    .object({ shopId: z.uuid(), conversationId: z.uuid(), created: z.boolean() })
    .parse(data);
  afterResponse(async () => {
    if (await aiAnswers(service, applied.conversationId)) {
      await replyWithAi(service, applied.shopId, applied.conversationId, {
        deliver: (message) => deliverAiReply(service, message),
      });
      return;
    }
    await pushWaitingConversation(
      service,
      applied.shopId,
      applied.conversationId,
      applied.created ? "conversation" : "message",
    );
  });
  return applied.created ? "message: conversation started" : "message: conversation continued";
}

/** The inbox sweep's source for stored channel updates (the signature was checked on receipt). */
export function channelWebhookSource(platform: BotPlatform): WebhookSource {
  return {
    provider: platform,
    verify: async () => undefined,
    handle: (event, service) => applyChannelMessage(platform, event, service),
  };
}

export async function receiveTelegramUpdate(
  service: SupabaseClient,
  connectionId: string,
  headers: Headers,
  rawBody: string,
): Promise<WebhookReceipt> {
  const found = await credentials(service, "telegram", connectionId);
  const given = headers.get("x-telegram-bot-api-secret-token");
  if (!found?.secretHash || !given || !sameSecret(sha256(given), found.secretHash)) refused();
  const source: WebhookSource = {
    provider: "telegram",
    verify: async (body) => telegramEvent(connectionId, body),
    handle: (event, client) => applyChannelMessage("telegram", event, client),
  };
  return receiveWebhook(source, headers, rawBody, service);
}

export async function receiveViberCallback(
  service: SupabaseClient,
  connectionId: string,
  headers: Headers,
  rawBody: string,
): Promise<WebhookReceipt> {
  const found = await credentials(service, "viber", connectionId);
  const given = headers.get("x-viber-content-signature");
  if (!found || !given) refused();
  const token = openPersonalData(found.tokenSealed, CHANNEL_SEALED.token);
  const expected = createHmac("sha256", token).update(rawBody, "utf8").digest("hex");
  if (!sameSecret(given.toLowerCase(), expected)) refused();
  const event = viberEvent(connectionId, rawBody);
  if (!event) return { received: true, duplicate: false };
  const source: WebhookSource = {
    provider: "viber",
    verify: async () => event,
    handle: (stored, client) => applyChannelMessage("viber", stored, client),
  };
  return receiveWebhook(source, headers, rawBody, service);
}
