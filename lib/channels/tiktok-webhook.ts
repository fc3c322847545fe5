// TikTok's webhook for the app's connected accounts (issue 22, item 4): /api/webhooks/tiktok,
// the callback URL set in the TikTok Developer Portal.
// - TikTok-Signature is `t=<unix seconds>,s=<hex>`: s is the HMAC-SHA256 of `<t>.<raw body>`
//   keyed with the app's client secret (TIKTOK_CLIENT_SECRET), compared timing-safe; t more than
//   5 minutes from now is refused as a replay.
// - The body is {client_key, event, create_time, user_openid, content} (content a JSON string).
//   TikTok's Login Kit gives apps no direct-message API and its webhooks carry no messages: the
//   events are authorization.removed (the user took the app's access back; the token is already
//   revoked), video.upload.failed, video.publish.completed and portability.download.ready.
//   authorization.removed of a connected account marks it needs_reconnect and tells the owners;
//   the others concern features Bastion does not use and are kept and ignored. Events for
//   another app (client_key) or an account no shop connected are acknowledged and dropped.
// - Each event is stored once (TikTok delivers at least once): its id is the SHA-256 of the
//   event, account, create_time and content, which a redelivery repeats.
import { createHash, createHmac } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { env } from "../env.js";
import { ApiError } from "../http/errors.js";
import type { WebhookEvent } from "../payments/webhooks/inbox.js";
import {
  receiveWebhook,
  type WebhookReceipt,
  type WebhookSource,
} from "../payments/webhooks/receive.js";
import { markNeedsReconnect } from "./needs-reconnect.js";
import { parseJson, refused, sameSecret } from "./webhooks.js";

/** How far TikTok's timestamp may be from our clock. */
export const TIKTOK_TOLERANCE_SECONDS = 300;

/** The header TikTok sends with `rawBody` at `timestamp` (seconds), signed with `clientSecret`. */
export function tiktokSignature(rawBody: string, clientSecret: string, timestamp: number): string {
  const signature = createHmac("sha256", clientSecret)
    .update(`${timestamp}.${rawBody}`, "utf8")
    .digest("hex");
  return `t=${timestamp},s=${signature}`;
}

function parseHeader(header: string): { t: number; s: string } | undefined {
  const parts = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get("t");
  const s = parts.get("s");
  if (!t || !/^\d{1,12}$/.test(t) || !s || !/^[0-9a-fA-F]{64}$/.test(s)) return undefined;
  return { t: Number(t), s: s.toLowerCase() };
}

const TikTokEvent = z
  .object({
    client_key: z.string().max(100).optional(),
    event: z.string().min(1).max(100),
    create_time: z.number().int().optional(),
    user_openid: z.string().max(200).optional(),
    content: z.string().max(10_000).optional(),
  })
  .loose();

const Stored = z.object({
  event: z.string(),
  connectionId: z.uuid(),
  reason: z.number().int().nullable(),
});

/** authorization.removed's content.reason: why the access was taken back. */
const REMOVED_REASON: Record<number, string> = {
  1: "the account owner disconnected the app in TikTok",
  2: "the TikTok account was deleted",
  3: "the TikTok account's age changed",
  4: "the TikTok account was banned",
  5: "the app's authorisation was revoked",
};

async function apply(event: WebhookEvent, service: SupabaseClient): Promise<string> {
  const stored = Stored.parse(event.payload);
  if (stored.event !== "authorization.removed") return `ignored: ${stored.event}`;
  const changed = await markNeedsReconnect(
    service,
    stored.connectionId,
    REMOVED_REASON[stored.reason ?? 0] ?? "TikTok removed the app's access",
  );
  return changed ? "needs_reconnect" : "ignored: the connection was not connected";
}

export function tiktokWebhookSource(): WebhookSource {
  return { provider: "tiktok", verify: async () => undefined, handle: apply };
}

function contentReason(content: string | undefined): number | null {
  if (!content) return null;
  try {
    const parsed = z.object({ reason: z.number().int() }).loose().safeParse(JSON.parse(content));
    return parsed.success ? parsed.data.reason : null;
  } catch {
    return null;
  }
}

export async function receiveTikTokEvent(
  service: SupabaseClient,
  headers: Headers,
  rawBody: string,
): Promise<WebhookReceipt> {
  const { TIKTOK_CLIENT_SECRET, TIKTOK_CLIENT_KEY } = env();
  if (!TIKTOK_CLIENT_SECRET) {
    throw new ApiError(
      "provider_not_configured",
      "TikTok's webhook is not configured on this server: set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET.",
    );
  }
  const header = parseHeader(headers.get("tiktok-signature") ?? "");
  if (!header) refused();
  const expected = tiktokSignature(rawBody, TIKTOK_CLIENT_SECRET, header.t);
  if (!sameSecret(`t=${header.t},s=${header.s}`, expected)) refused();
  if (Math.abs(Date.now() / 1000 - header.t) > TIKTOK_TOLERANCE_SECONDS) {
    throw new ApiError(
      "webhook_signature_invalid",
      "The signature's timestamp is too far from now.",
    );
  }
  const parsed = TikTokEvent.safeParse(parseJson(rawBody));
  if (!parsed.success) throw new ApiError("bad_request", "This is not a TikTok webhook event.");
  const body = parsed.data;
  if ((TIKTOK_CLIENT_KEY && body.client_key !== TIKTOK_CLIENT_KEY) || !body.user_openid) {
    return { received: true, duplicate: false };
  }
  const { data, error } = await service
    .from("shop_channel_connections")
    .select("id")
    .eq("platform", "tiktok")
    .eq("account_id", body.user_openid)
    .neq("status", "disconnected")
    .limit(1);
  if (error) throw new Error(`finding a connection failed: ${error.code}`);
  const connectionId = z.array(z.object({ id: z.uuid() })).parse(data)[0]?.id;
  if (!connectionId) return { received: true, duplicate: false };
  const event: WebhookEvent = {
    id: createHash("sha256")
      .update(
        JSON.stringify([
          body.event,
          body.user_openid,
          body.create_time ?? null,
          body.content ?? "",
        ]),
      )
      .digest("hex"),
    type: body.event,
    payload: { event: body.event, connectionId, reason: contentReason(body.content) },
  };
  const source: WebhookSource = {
    provider: "tiktok",
    verify: async () => event,
    handle: apply,
  };
  return receiveWebhook(source, headers, rawBody, service);
}
