// The channels' tokens kept alive (issue 22), by the scheduled job refresh-channel-tokens:
// - TikTok: an access token that expires within 2 hours (or already has) is refreshed with the
//   rotating refresh token, and both are stored sealed again, so the 24-hour token never lapses
//   (pg_cron runs the job every 30 minutes; Vercel's daily run is the safety net, and the
//   365-day refresh token still renews a lapsed access token then);
// - Meta: Page tokens from a long-lived user token do not expire, but the owner can remove the
//   app or lose the Page: each is checked once a day (GET /<page> with the token);
// A token the provider refuses marks the connection needs_reconnect and tells the owners
// (lib/channels/needs-reconnect.ts); the provider down leaves it for the next run. Also deletes
// the OAuth states and pending choices past their 10 minutes.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData, sealPersonalData } from "../../crypto/personal-data.js";
import { log } from "../../log.js";
import { markNeedsReconnect } from "../needs-reconnect.js";
import { CHANNEL_REFRESH_SEALED, CHANNEL_SEALED } from "../sealed-columns.js";
import { metaApp, tiktokApp } from "./config.js";
import { MetaError, metaCheckPage } from "./meta.js";
import { TikTokError, tiktokRefresh } from "./tiktok.js";

export const ChannelTokenSweep = z
  .object({
    refreshed: z
      .number()
      .int()
      .describe("TikTok tokens refreshed (and their refresh tokens rotated)"),
    checked: z.number().int().describe("Meta Page tokens found still valid"),
    needsReconnect: z
      .number()
      .int()
      .describe("Connections the provider refused, now needs_reconnect"),
    failed: z.number().int().describe("Left for the next run (the provider did not answer)"),
  })
  .meta({ id: "ChannelTokenSweep" });
export type ChannelTokenSweep = z.infer<typeof ChannelTokenSweep>;

const REFRESH_AHEAD_MS = 2 * 3600_000;
const CHECK_EVERY_MS = 24 * 3600_000;
const BATCH = 100;

const Due = z.object({
  id: z.uuid(),
  token_sealed: z.string(),
  refresh_token_sealed: z.string().nullable(),
  shop_channel_connections: z.object({
    platform: z.string(),
    account_id: z.string().nullable(),
    linked_page_id: z.string().nullable(),
  }),
});

export async function refreshChannelTokens(service: SupabaseClient): Promise<ChannelTokenSweep> {
  const sweep: ChannelTokenSweep = { refreshed: 0, checked: 0, needsReconnect: 0, failed: 0 };
  const now = new Date();
  for (const table of ["channel_oauth_states", "channel_oauth_candidates"]) {
    const { error } = await service.from(table).delete().lt("expires_at", now.toISOString());
    if (error) throw new Error(`deleting lapsed ${table} failed: ${error.code}`);
  }
  const columns =
    "id, token_sealed, refresh_token_sealed, shop_channel_connections!inner(platform, account_id, linked_page_id)";
  const tiktok = tiktokApp();
  if (tiktok) {
    const { data, error } = await service
      .from("shop_channel_credentials")
      .select(columns)
      .eq("shop_channel_connections.platform", "tiktok")
      .eq("shop_channel_connections.status", "connected")
      .lt("token_expires_at", new Date(now.getTime() + REFRESH_AHEAD_MS).toISOString())
      .limit(BATCH);
    if (error) throw new Error(`reading TikTok tokens failed: ${error.code}`);
    for (const row of z.array(Due).parse(data)) {
      if (!row.refresh_token_sealed) continue;
      try {
        const tokens = await tiktokRefresh(
          tiktok,
          openPersonalData(row.refresh_token_sealed, CHANNEL_REFRESH_SEALED),
        );
        const saved = await service
          .from("shop_channel_credentials")
          .update({
            token_sealed: sealPersonalData(tokens.accessToken, CHANNEL_SEALED.token),
            token_expires_at: tokens.expiresAt.toISOString(),
            refresh_token_sealed: sealPersonalData(tokens.refreshToken, CHANNEL_REFRESH_SEALED),
            refresh_expires_at: tokens.refreshExpiresAt.toISOString(),
            checked_at: new Date().toISOString(),
          })
          .eq("id", row.id);
        if (saved.error) throw new Error(`saving refreshed tokens failed: ${saved.error.code}`);
        sweep.refreshed++;
      } catch (error) {
        if (!(error instanceof TikTokError)) throw error;
        if (error.failure === "unavailable") {
          sweep.failed++;
        } else {
          await markNeedsReconnect(service, row.id, "TikTok no longer accepts the refresh token");
          sweep.needsReconnect++;
        }
      }
    }
  }
  const meta = metaApp();
  if (meta) {
    const { data, error } = await service
      .from("shop_channel_credentials")
      .select(columns)
      .in("shop_channel_connections.platform", ["facebook", "instagram"])
      .eq("shop_channel_connections.status", "connected")
      .or(
        `checked_at.is.null,checked_at.lt.${new Date(now.getTime() - CHECK_EVERY_MS).toISOString()}`,
      )
      .limit(BATCH);
    if (error) throw new Error(`reading Meta tokens failed: ${error.code}`);
    for (const row of z.array(Due).parse(data)) {
      const connection = row.shop_channel_connections;
      const pageId =
        connection.platform === "instagram" ? connection.linked_page_id : connection.account_id;
      if (!pageId) continue;
      try {
        await metaCheckPage(meta, pageId, openPersonalData(row.token_sealed, CHANNEL_SEALED.token));
        await service
          .from("shop_channel_credentials")
          .update({ checked_at: new Date().toISOString() })
          .eq("id", row.id);
        sweep.checked++;
      } catch (error) {
        if (!(error instanceof MetaError)) throw error;
        if (error.failure === "token_invalid") {
          await markNeedsReconnect(service, row.id, "Meta no longer accepts the Page token");
          sweep.needsReconnect++;
        } else {
          sweep.failed++;
        }
      }
    }
  }
  if (sweep.needsReconnect > 0 || sweep.failed > 0) log.info("channel_token_sweep", { ...sweep });
  return sweep;
}
