// Meta's messaging webhook for every shop's Facebook Page and Instagram professional account
// (issue 22, item 4): one URL for the Meta app, /api/webhooks/meta.
// - GET: the subscription handshake. Meta calls with hub.mode=subscribe, hub.verify_token (what
//   was typed in the app's dashboard: META_WEBHOOK_VERIFY_TOKEN, compared timing-safe) and
//   hub.challenge, which is answered as text/plain; anything else is 403.
// - POST: X-Hub-Signature-256 is `sha256=` and the hex HMAC-SHA256 of the raw body keyed with the
//   app secret (META_APP_SECRET), compared timing-safe before the body is read. The body is
//   {object: "page" | "instagram", entry: [{id, time, messaging: [{sender, recipient,
//   timestamp, message: {mid, text, attachments, is_echo}}]}]}: entry.id is the Page id
//   (object page) or the Instagram professional account id (object instagram), which is the
//   connection's account_id. Each customer message of a connected account is stored once in the
//   webhook inbox (provider meta, event id the message's mid) and continues or starts the
//   customer's conversation (channel facebook or instagram) through the same apply as Telegram's
//   and Viber's. Echoes (the Page's own messages), deliveries, reads, reactions, postbacks and
//   accounts no shop has connected are acknowledged and dropped, nothing stored. A verified
//   delivery always answers 200 (a failed apply stays in the inbox for the sweep).
import { createHash, createHmac } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { env } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { storeEvent, type WebhookEvent } from "../payments/webhooks/inbox.js";
import {
  processStored,
  type WebhookReceipt,
  type WebhookSource,
} from "../payments/webhooks/receive.js";
import {
  applyChannelMessage,
  customerMessage,
  NON_TEXT,
  parseJson,
  refused,
  sameSecret,
} from "./webhooks.js";

export const MetaSubscriptionQuery = z.strictObject({
  "hub.mode": z.string().max(50).optional(),
  "hub.verify_token": z.string().max(200).optional(),
  "hub.challenge": z.string().max(200).optional(),
});
export type MetaSubscriptionQuery = z.infer<typeof MetaSubscriptionQuery>;

function notConfigured(): never {
  throw new ApiError(
    "provider_not_configured",
    "Meta's webhook is not configured on this server: set META_APP_SECRET and META_WEBHOOK_VERIFY_TOKEN.",
  );
}

/** The handshake Meta runs when the callback URL is saved: echoes hub.challenge. */
export function answerMetaSubscription(query: MetaSubscriptionQuery): Response {
  const expected = env().META_WEBHOOK_VERIFY_TOKEN;
  if (!expected) notConfigured();
  const given = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (query["hub.mode"] !== "subscribe" || !given || !challenge || !sameSecret(given, expected)) {
    throw new ApiError("forbidden", "The verify token does not match this server's.");
  }
  return new Response(challenge, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/** The header Meta sends with `rawBody` signed under `appSecret` (tests and the dev page sign with it). */
export function metaSignature(rawBody: string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody, "utf8").digest("hex")}`;
}

const Messaging = z
  .object({
    sender: z.object({ id: z.string().min(1).max(100) }).loose(),
    recipient: z.object({ id: z.string().min(1).max(100) }).loose(),
    message: z
      .object({
        mid: z.string().min(1).max(1_000),
        text: z.string().optional(),
        is_echo: z.boolean().optional(),
        attachments: z.array(z.unknown()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

const Delivery = z
  .object({
    object: z.string().max(50),
    entry: z
      .array(
        z
          .object({
            id: z.string().min(1).max(100),
            messaging: z.array(z.unknown()).max(1_000).optional(),
          })
          .loose(),
      )
      .max(1_000),
  })
  .loose();

const PLATFORM_OF: Record<string, "facebook" | "instagram"> = {
  page: "facebook",
  instagram: "instagram",
};

/** The inbox's event id for a message: its mid, or the mid's SHA-256 when it is long. */
function eventId(mid: string): string {
  return mid.length <= 200 ? mid : createHash("sha256").update(mid).digest("hex");
}

async function connectedAccount(
  service: SupabaseClient,
  platform: "facebook" | "instagram",
  accountId: string,
): Promise<string | undefined> {
  const { data, error } = await service
    .from("shop_channel_connections")
    .select("id")
    .eq("platform", platform)
    .eq("account_id", accountId)
    .eq("status", "connected")
    .order("connected_at", { ascending: false, nullsFirst: false })
    .limit(1);
  if (error) throw new Error(`finding a connection failed: ${error.code}`);
  return z.array(z.object({ id: z.uuid() })).parse(data)[0]?.id;
}

/** The inbox sweep's source for stored Meta messages (the signature was checked on receipt). */
export function metaWebhookSource(): WebhookSource {
  return {
    provider: "meta",
    verify: async () => undefined,
    handle: (event, service) => applyChannelMessage("meta", event, service),
  };
}

export async function receiveMetaDelivery(
  service: SupabaseClient,
  headers: Headers,
  rawBody: string,
): Promise<WebhookReceipt> {
  const secret = env().META_APP_SECRET;
  if (!secret) notConfigured();
  const given = headers.get("x-hub-signature-256");
  if (!given || !sameSecret(given.toLowerCase(), metaSignature(rawBody, secret))) refused();
  const delivery = Delivery.safeParse(parseJson(rawBody));
  if (!delivery.success) throw new ApiError("bad_request", "This is not a Meta webhook delivery.");
  const platform = PLATFORM_OF[delivery.data.object];
  if (!platform) return { received: true, duplicate: false };

  const events: WebhookEvent[] = [];
  const connections = new Map<string, string | undefined>();
  for (const entry of delivery.data.entry) {
    for (const raw of entry.messaging ?? []) {
      const item = Messaging.safeParse(raw);
      if (!item.success || !item.data.message) continue;
      const { sender, message } = item.data;
      // The Page's or account's own message, echoed back: not the customer's.
      if (message.is_echo === true || sender.id === entry.id) continue;
      if (!connections.has(entry.id)) {
        connections.set(entry.id, await connectedAccount(service, platform, entry.id));
      }
      const connectionId = connections.get(entry.id);
      if (!connectionId) continue;
      events.push({
        id: eventId(message.mid),
        type: `${platform}.message`,
        payload: customerMessage(
          connectionId,
          sender.id,
          message.text && message.text.length > 0 ? message.text : NON_TEXT,
        ),
      });
    }
  }
  if (connections.size > 0 && events.length === 0) {
    log.info("meta_webhook_nothing_to_keep", { object: delivery.data.object });
  }
  const source = metaWebhookSource();
  let stored = 0;
  for (const event of events) {
    const id = await storeEvent(service, "meta", event);
    if (id === undefined) continue;
    stored++;
    await processStored(service, source, id, event, 0);
  }
  return { received: true, duplicate: events.length > 0 && stored === 0 };
}
