// A channel connection the provider no longer accepts (a token refused, an authorisation removed,
// a refresh that failed) becomes needs_reconnect, and the shop's owners are told (issue 22,
// item 3): the first time only (public.channel_mark_needs_reconnect changes connected to
// needs_reconnect, and does nothing when it is in any other state), the shop's realtime topic
// gets a `notification` event and the owners a Web Push (when VAPID is configured), after the
// response. The message names the platform and `reason` (our words: never the provider's text,
// never a token or anything of a customer's).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { log } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { vapidConfig } from "../push/config.js";
import { pushToUsers } from "../push/send.js";

const Marked = z.union([
  z.object({ changed: z.literal(false) }),
  z.object({
    changed: z.literal(true),
    shopId: z.uuid(),
    platform: z.string(),
    ownerIds: z.array(z.uuid()),
  }),
]);

const PLATFORM_NAMES: Record<string, string> = {
  facebook: "Facebook",
  instagram: "Instagram",
  tiktok: "TikTok",
  telegram: "Telegram",
  viber: "Viber",
};

/**
 * Marks the connection needs_reconnect (idempotent) and tells the owners; true when this call
 * changed it. `reason` is in our words and short ("the Page token is no longer accepted").
 */
export async function markNeedsReconnect(
  service: SupabaseClient,
  connectionId: string,
  reason: string,
): Promise<boolean> {
  const { data, error } = await service.rpc("channel_mark_needs_reconnect", {
    p_connection_id: connectionId,
    p_reason: reason.slice(0, 200),
  });
  if (error) throw new Error(`marking a connection needs_reconnect failed: ${error.code}`);
  const marked = Marked.parse(data);
  if (!marked.changed) return false;
  log.warn("channel_needs_reconnect", { platform: marked.platform, reason: reason.slice(0, 200) });
  if (vapidConfig() && marked.ownerIds.length > 0) {
    const name = PLATFORM_NAMES[marked.platform] ?? marked.platform;
    const { shopId } = marked;
    afterResponse(() =>
      pushToUsers(service, marked.ownerIds, {
        title: `Reconnect ${name}`,
        message: `The shop's ${name} connection stopped working: reconnect it to keep receiving and answering messages.`,
        type: "channel",
        platform: marked.platform,
        shopId,
        url: `/shop-inbox.html?shop=${shopId}`,
      }),
    );
  }
  return true;
}
