// A shop's channel connections (issue 22). Telegram and Viber bots are connected by their owner
// with the bot's token: validated with the provider (getMe / get_account_info), sealed with the
// personal-data keys, and the webhook registered at APP_URL/api/webhooks/<platform>/<connection id>
// (Telegram with a random secret_token of which only a SHA-256 is kept; Viber signs with the
// token). Facebook, Instagram and TikTok connect through OAuth (lib/channels/oauth/flow.ts):
// their connect answers the provider's authorization URL for the popup, and disconnect revokes.
//
// The caller's permission is checked through RLS (public.shop_member_role) with their own client;
// the writes are the server's (the token is sealed, and no API role may touch the credentials).
import { createHash, randomBytes } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData, sealPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { requireShopPermission } from "../shops/access.js";
import { getShop, ShopView } from "../shops/shops.js";
import { isOAuthPlatform, type OAuthPlatform } from "./oauth/config.js";
import { OAuthStart, revokeAtProvider, selectAccount, startOAuth } from "./oauth/flow.js";
import {
  type BotAccount,
  type BotPlatform,
  botProvider,
  ChannelProviderError,
} from "./providers.js";
import { CHANNEL_SEALED } from "./sealed-columns.js";

export { CHANNEL_SEALED } from "./sealed-columns.js";

export const PLATFORMS = ["facebook", "instagram", "tiktok", "telegram", "viber"] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

export const IntegrationParams = z.strictObject({
  shopId: z.uuid(),
  // Checked in lib (an unknown platform is 404, as an unknown resource), so the path's shape is
  // all the router needs to know.
  platform: z
    .string()
    .regex(/^[a-z]{1,20}$/)
    .describe("facebook, instagram, tiktok, telegram or viber"),
});

function knownPlatform(name: string): Platform {
  const parsed = Platform.safeParse(name);
  if (!parsed.success) {
    throw new ApiError(
      "not_found",
      "There is no such platform: use facebook, instagram, tiktok, telegram or viber.",
    );
  }
  return parsed.data;
}

export const ConnectBody = z
  .strictObject({
    botToken: z
      .string()
      .trim()
      .min(20)
      .max(200)
      .regex(/^[A-Za-z0-9:_-]+$/, "A bot token as the platform issued it")
      .optional()
      .describe(
        "Telegram: the token BotFather gave. Viber: the bot's authentication token. Never returned; stored sealed.",
      ),
  })
  .meta({ id: "ChannelConnect" });

export const ConnectionStatus = z.enum(["connected", "needs_reconnect", "disconnected"]);

export const ChannelAccount = z
  .object({
    id: z.string().nullable().describe("The bot's id at the platform"),
    name: z.string().nullable(),
    username: z.string().nullable().describe("Telegram: @username without @; Viber: the bot's URI"),
  })
  .meta({ id: "ChannelAccount" });

export const ChannelConnection = z
  .object({
    platform: Platform,
    status: ConnectionStatus,
    account: ChannelAccount,
    connectedAt: z.string().nullable(),
  })
  .meta({ id: "ChannelConnection" });
export type ChannelConnection = z.infer<typeof ChannelConnection>;

export const ChannelConnectionList = z
  .object({ connections: z.array(ChannelConnection) })
  .meta({ id: "ChannelConnectionList" });

const Row = z.object({
  id: z.uuid(),
  platform: Platform,
  status: ConnectionStatus,
  account_id: z.string().nullable(),
  account_name: z.string().nullable(),
  account_username: z.string().nullable(),
  linked_page_id: z.string().nullable(),
  connected_at: z.string().nullable(),
});
const COLUMNS =
  "id, platform, status, account_id, account_name, account_username, linked_page_id, connected_at";

function view(raw: unknown): ChannelConnection {
  const row = Row.parse(raw);
  return {
    platform: row.platform,
    status: row.status,
    account: { id: row.account_id, name: row.account_name, username: row.account_username },
    connectedAt: row.connected_at ? new Date(row.connected_at).toISOString() : null,
  };
}

export function isBotPlatform(platform: Platform): platform is BotPlatform {
  return platform === "telegram" || platform === "viber";
}

/** What connect answers: the bot's connection (Telegram, Viber) or where the popup goes (OAuth). */
export const ConnectAnswer = z
  .union([ChannelConnection, OAuthStart])
  .meta({ id: "ChannelConnectAnswer" });

export function webhookUrl(appUrl: string, platform: BotPlatform, connectionId: string): string {
  return `${appUrl.replace(/\/+$/, "")}/api/webhooks/${platform}/${connectionId}`;
}

/** Our problem for a provider's failure: never its own text. */
export function providerProblem(error: unknown, what: string): never {
  if (!(error instanceof ChannelProviderError)) throw error;
  const name = error.platform === "telegram" ? "Telegram" : "Viber";
  switch (error.failure) {
    case "token_invalid":
      throw new ApiError("bad_request", `${name} does not accept this bot token (${what}).`);
    case "rate_limited":
      throw new ApiError(
        "provider_error",
        `${name} asks us to slow down (${what}); try again shortly.`,
      );
    case "unavailable":
      throw new ApiError(
        "provider_error",
        `${name} did not answer (${what}); try again in a moment.`,
      );
    default:
      throw new ApiError("provider_error", `${name} refused the request (${what}).`);
  }
}

export async function listConnections(
  db: SupabaseClient,
  shopId: string,
): Promise<z.infer<typeof ChannelConnectionList>> {
  await requireShopPermission(db, shopId, "shop.read");
  const { data, error } = await db
    .from("shop_channel_connections")
    .select(COLUMNS)
    .eq("shop_id", shopId)
    .order("platform");
  if (error) throw new Error(`reading channel connections failed: ${error.code}`);
  return { connections: z.array(z.unknown()).parse(data).map(view) };
}

export async function connectChannel(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: { userId: string },
  appUrl: string,
  shopId: string,
  platformName: string,
  body: z.infer<typeof ConnectBody>,
): Promise<ChannelConnection | OAuthStart> {
  const known = knownPlatform(platformName);
  if (!isBotPlatform(known)) {
    if (body.botToken) {
      throw new ApiError(
        "validation_failed",
        "Facebook, Instagram and TikTok connect through OAuth.",
        { errors: { botToken: ["Only for Telegram and Viber"] } },
      );
    }
    return startOAuth(db, service, caller, appUrl, shopId, known as OAuthPlatform);
  }
  await requireShopPermission(db, shopId, "integrations.manage");
  const platform = known;
  if (!body.botToken) {
    throw new ApiError("validation_failed", "Send the bot's token.", {
      errors: { botToken: ["Required for Telegram and Viber"] },
    });
  }
  const token = body.botToken;
  const provider = botProvider(platform);
  let account: BotAccount;
  try {
    account = await provider.account(token);
  } catch (error) {
    providerProblem(error, "checking the token");
  }
  const tokenSealed = sealPersonalData(token, CHANNEL_SEALED.token);
  const saved = await service
    .from("shop_channel_connections")
    .upsert(
      {
        shop_id: shopId,
        platform,
        status: "connected",
        account_id: account.id.slice(0, 100),
        account_name: account.name,
        account_username: account.username,
        created_by: caller.userId,
        connected_at: new Date().toISOString(),
        disconnected_at: null,
        updated_at: new Date().toISOString(),
      },
      { onConflict: "shop_id,platform" },
    )
    .select(COLUMNS)
    .single();
  if (saved.error) throw new Error(`saving a channel connection failed: ${saved.error.code}`);
  const connection = Row.parse(saved.data);
  // Telegram sends this back in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Za-z0-9_-).
  const secret = platform === "telegram" ? randomBytes(32).toString("base64url") : undefined;
  const credentials = await service.from("shop_channel_credentials").upsert(
    {
      id: connection.id,
      token_sealed: tokenSealed,
      webhook_secret_hash: secret ? sha256(secret) : null,
    },
    { onConflict: "id" },
  );
  if (credentials.error) {
    throw new Error(`saving channel credentials failed: ${credentials.error.code}`);
  }
  try {
    await provider.setWebhook(token, webhookUrl(appUrl, platform, connection.id), secret);
  } catch (error) {
    await forget(service, connection.id);
    providerProblem(error, "registering the webhook");
  }
  return view(connection);
}

export async function disconnectChannel(
  db: SupabaseClient,
  service: SupabaseClient,
  shopId: string,
  platformName: string,
): Promise<ChannelConnection> {
  const platform = knownPlatform(platformName);
  await requireShopPermission(db, shopId, "integrations.manage");
  const found = await service
    .from("shop_channel_connections")
    .select(COLUMNS)
    .eq("shop_id", shopId)
    .eq("platform", platform)
    .maybeSingle();
  if (found.error) throw new Error(`reading a channel connection failed: ${found.error.code}`);
  if (!found.data) throw new ApiError("not_found", `This shop has no ${platform} connection.`);
  const connection = Row.parse(found.data);
  const credentials = await service
    .from("shop_channel_credentials")
    .select("token_sealed")
    .eq("id", connection.id)
    .maybeSingle();
  if (credentials.error) {
    throw new Error(`reading channel credentials failed: ${credentials.error.code}`);
  }
  const sealed = z.object({ token_sealed: z.string() }).nullable().parse(credentials.data);
  if (sealed && isOAuthPlatform(platform)) {
    await revokeAtProvider(
      service,
      {
        id: connection.id,
        shopId,
        platform,
        accountId: connection.account_id,
        linkedPageId: connection.linked_page_id,
      },
      openPersonalData(sealed.token_sealed, CHANNEL_SEALED.token),
    );
  } else if (sealed && isBotPlatform(platform)) {
    try {
      await botProvider(platform).removeWebhook(
        openPersonalData(sealed.token_sealed, CHANNEL_SEALED.token),
      );
    } catch (error) {
      // A token the provider no longer accepts has no webhook left to remove; anything else
      // (the provider down) leaves the connection as it was, to be tried again.
      if (!(error instanceof ChannelProviderError) || error.failure !== "token_invalid") {
        providerProblem(error, "removing the webhook");
      }
      log.info("channel_disconnect_token_refused", { platform });
    }
  }
  return view(await forget(service, connection.id));
}

/** Deletes the sealed token and marks the connection disconnected. */
async function forget(service: SupabaseClient, connectionId: string): Promise<unknown> {
  const removed = await service.from("shop_channel_credentials").delete().eq("id", connectionId);
  if (removed.error) throw new Error(`deleting channel credentials failed: ${removed.error.code}`);
  const { data, error } = await service
    .from("shop_channel_connections")
    .update({
      status: "disconnected",
      disconnected_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    })
    .eq("id", connectionId)
    .select(COLUMNS)
    .single();
  if (error) throw new Error(`marking a connection disconnected failed: ${error.code}`);
  return data;
}

/** The owner's choice among the Pages or Instagram accounts the callback offered. */
export async function selectChannelAccount(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: { userId: string },
  shopId: string,
  platformName: string,
  accountId: string,
): Promise<ChannelConnection> {
  const platform = knownPlatform(platformName);
  if (!isOAuthPlatform(platform)) {
    throw new ApiError(
      "not_found",
      "Telegram and Viber connect a bot: there is nothing to choose.",
    );
  }
  const { connectionId } = await selectAccount(db, service, caller, shopId, platform, accountId);
  const { data, error } = await service
    .from("shop_channel_connections")
    .select(COLUMNS)
    .eq("id", connectionId)
    .single();
  if (error) throw new Error(`reading a channel connection failed: ${error.code}`);
  return view(data);
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A shop as GET /api/shops/{shopId} shows it: its view and its channels' status (issue 22). */
export const ShopWithChannels = ShopView.extend({
  channels: z
    .array(ChannelConnection)
    .describe("Each connected platform's status; a `needs_reconnect` one needs its owner"),
}).meta({ id: "ShopWithChannels" });

export async function getShopWithChannels(
  db: SupabaseClient,
  shopId: string,
): Promise<z.infer<typeof ShopWithChannels>> {
  const shop = await getShop(db, shopId);
  const { data, error } = await db
    .from("shop_channel_connections")
    .select(COLUMNS)
    .eq("shop_id", shopId)
    .order("platform");
  if (error) throw new Error(`reading channel connections failed: ${error.code}`);
  return { ...shop, channels: z.array(z.unknown()).parse(data).map(view) };
}
