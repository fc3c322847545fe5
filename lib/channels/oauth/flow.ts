// Connecting Facebook Pages, Instagram professional accounts and TikTok accounts (issue 22): the
// popup's authorization URL, the callback that finishes it, the owner's choice among several
// Pages, and disconnecting. What a connection holds (the contract with the messaging side):
// - facebook: account_id = the Page id; the credential token = the Page token (no expiry);
// - instagram: account_id = the Instagram professional account id, linked_page_id = its Page;
//   the credential token = that Page's token;
// - tiktok: account_id = the user's open_id; the access token (24 h) and the rotating refresh
//   token, both sealed, with their expiries.
// One account connects to one shop at a time: a Page, Instagram account or TikTok user another
// shop has connected is refused (webhooks name the account, and must find one shop).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData, sealPersonalData } from "../../crypto/personal-data.js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import { requireShopPermission } from "../../shops/access.js";
import { CHANNEL_REFRESH_SEALED, CHANNEL_SEALED } from "../sealed-columns.js";
import {
  isOAuthPlatform,
  META_SCOPES,
  type MetaApp,
  metaApp,
  OAUTH_WINDOW_SECONDS,
  type OAuthPlatform,
  platformName,
  redirectUri,
  requireMetaApp,
  requireTikTokApp,
  TIKTOK_SCOPES,
  tiktokApp,
} from "./config.js";
import {
  MetaError,
  type MetaPage,
  metaDialogUrl,
  metaPages,
  metaSubscribePage,
  metaUnsubscribePage,
  metaUserToken,
} from "./meta.js";
import { type CallbackMessage, callbackPage, type PublicAccount } from "./page.js";
import { consumeState, issueState, StateError } from "./state.js";
import {
  TikTokError,
  tiktokAuthorizeUrl,
  tiktokDisplayName,
  tiktokExchangeCode,
  tiktokRevoke,
} from "./tiktok.js";

export const CANDIDATES_SEALED = "channel_oauth_candidates.candidates";

export const OAuthStart = z
  .object({
    platform: z.enum(["facebook", "instagram", "tiktok"]),
    authorizationUrl: z
      .string()
      .describe("Open this in a popup; the provider sends it back to /oauth/<platform>/callback"),
    expiresAt: z.string().describe("The started connect must finish before this (10 minutes)"),
  })
  .meta({ id: "ChannelOAuthStart" });
export type OAuthStart = z.infer<typeof OAuthStart>;

export const OAuthCallbackQuery = z.object({
  code: z.string().max(2000).optional(),
  state: z.string().max(4000).optional(),
  error: z.string().max(200).optional(),
  error_reason: z.string().max(200).optional(),
  error_code: z.string().max(50).optional(),
  error_description: z.string().max(2000).optional(),
  scopes: z.string().max(1000).optional(),
});

export const SelectBody = z
  .strictObject({
    accountId: z
      .string()
      .regex(/^\d{1,30}$/)
      .describe("The Page id (facebook) or Instagram account id (instagram) the callback offered"),
  })
  .meta({ id: "ChannelSelect" });

/** One account the owner may pick, with its token: only ever stored sealed. */
interface Candidate extends PublicAccount {
  pageId: string;
  pageToken: string;
}
const Candidates = z.array(
  z.object({
    id: z.string(),
    name: z.string().nullable(),
    username: z.string().nullable(),
    pageId: z.string(),
    pageToken: z.string(),
  }),
);

interface NewConnection {
  shopId: string;
  userId: string;
  platform: OAuthPlatform;
  account: PublicAccount;
  linkedPageId: string | null;
  token: string;
  tokenExpiresAt: Date | null;
  refreshToken: string | null;
  refreshExpiresAt: Date | null;
}

// ------------------------------------------------------------------------------------------------
// Start

export async function startOAuth(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: { userId: string },
  appUrl: string,
  shopId: string,
  platform: OAuthPlatform,
): Promise<OAuthStart> {
  await requireShopPermission(db, shopId, "integrations.manage");
  const meta = platform === "tiktok" ? undefined : requireMetaApp(platform);
  const tiktok = platform === "tiktok" ? requireTikTokApp() : undefined;
  const issued = await issueState(service, { userId: caller.userId, shopId, platform });
  const expiresAt = new Date(Date.now() + OAUTH_WINDOW_SECONDS * 1000).toISOString();
  const redirect = redirectUri(appUrl, platform);
  const authorizationUrl = tiktok
    ? tiktokAuthorizeUrl(tiktok, {
        redirectUri: redirect,
        state: issued.state,
        scopes: TIKTOK_SCOPES,
        challengeHex: issued.challengeHex,
      })
    : metaDialogUrl(meta as MetaApp, {
        redirectUri: redirect,
        state: issued.state,
        scopes: META_SCOPES[platform as "facebook" | "instagram"],
        challenge: issued.challenge,
      });
  return { platform, authorizationUrl, expiresAt };
}

// ------------------------------------------------------------------------------------------------
// Callback

class FlowError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = "FlowError";
  }
}

function providerCode(error: unknown): string | undefined {
  if (error instanceof MetaError || error instanceof TikTokError) {
    return error.failure === "unavailable" ? "provider_unavailable" : "provider_refused";
  }
  return undefined;
}

/** The callback page for GET /oauth/<platform>/callback: always an HTML page, never a token. */
export async function finishOAuth(
  service: SupabaseClient,
  appUrl: string,
  platformParam: string,
  query: z.infer<typeof OAuthCallbackQuery>,
): Promise<Response> {
  const origin = new URL(appUrl).origin;
  const platform = platformParam;
  const fail = (code: string) => callbackPage(origin, { platform, status: "error", error: code });
  if (!isOAuthPlatform(platform)) return fail("unknown_platform");
  try {
    const claims = await consumeState(service, query.state, platform);
    if (query.error || !query.code) {
      throw new FlowError(
        query.error === "access_denied" ? "access_denied" : "authorization_failed",
      );
    }
    await requireOwner(service, claims.shopId, claims.userId);
    const redirect = redirectUri(appUrl, platform);
    const message: CallbackMessage =
      platform === "tiktok"
        ? await finishTikTok(service, claims, query.code, redirect)
        : await finishMeta(service, { ...claims, platform }, query.code, redirect);
    return callbackPage(origin, message);
  } catch (error) {
    if (error instanceof StateError) {
      log.warn("channel_oauth_state_refused", { platform, failure: error.failure });
      return fail(error.failure);
    }
    if (error instanceof FlowError) return fail(error.code);
    const code = providerCode(error);
    if (code) return fail(code);
    log.error("channel_oauth_failed", {
      platform,
      error: error instanceof Error ? error.name : "unknown",
    });
    return fail("failed");
  }
}

async function requireOwner(service: SupabaseClient, shopId: string, userId: string) {
  const { data, error } = await service
    .from("shop_members")
    .select("role")
    .eq("shop_id", shopId)
    .eq("user_id", userId)
    .maybeSingle();
  if (error) throw new Error(`reading a shop member failed: ${error.code}`);
  if (data?.role !== "owner") throw new FlowError("forbidden");
}

async function finishTikTok(
  service: SupabaseClient,
  claims: { shopId: string; userId: string; verifier: string },
  code: string,
  redirect: string,
): Promise<CallbackMessage> {
  const app = requireTikTokApp();
  const tokens = await tiktokExchangeCode(app, {
    code,
    redirectUri: redirect,
    verifier: claims.verifier,
  });
  const name = await tiktokDisplayName(app, tokens.accessToken);
  const account = { id: tokens.openId, name, username: null };
  await saveConnection(service, {
    shopId: claims.shopId,
    userId: claims.userId,
    platform: "tiktok",
    account,
    linkedPageId: null,
    token: tokens.accessToken,
    tokenExpiresAt: tokens.expiresAt,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt,
  });
  return { platform: "tiktok", status: "connected", account };
}

function candidatesOf(platform: "facebook" | "instagram", pages: MetaPage[]): Candidate[] {
  if (platform === "facebook") {
    return pages.map((page) => ({
      id: page.id,
      name: page.name,
      username: null,
      pageId: page.id,
      pageToken: page.token,
    }));
  }
  return pages.flatMap((page) =>
    page.instagram
      ? [
          {
            id: page.instagram.id,
            name: page.instagram.name ?? page.name,
            username: page.instagram.username,
            pageId: page.id,
            pageToken: page.token,
          },
        ]
      : [],
  );
}

const publicOf = ({ id, name, username }: Candidate): PublicAccount => ({ id, name, username });

async function finishMeta(
  service: SupabaseClient,
  claims: { shopId: string; userId: string; verifier: string; platform: "facebook" | "instagram" },
  code: string,
  redirect: string,
): Promise<CallbackMessage> {
  const app = requireMetaApp(claims.platform);
  const userToken = await metaUserToken(app, {
    code,
    redirectUri: redirect,
    verifier: claims.verifier,
  });
  const candidates = candidatesOf(claims.platform, await metaPages(app, userToken));
  if (candidates.length === 0) {
    throw new FlowError(claims.platform === "facebook" ? "no_pages" : "no_instagram_account");
  }
  const [only] = candidates;
  if (candidates.length === 1 && only) {
    await connectCandidate(service, app, claims, only);
    return { platform: claims.platform, status: "connected", account: publicOf(only) };
  }
  const expiresAt = new Date(Date.now() + OAUTH_WINDOW_SECONDS * 1000).toISOString();
  const saved = await service.from("channel_oauth_candidates").upsert(
    {
      shop_id: claims.shopId,
      user_id: claims.userId,
      platform: claims.platform,
      candidates_sealed: sealPersonalData(JSON.stringify(candidates), CANDIDATES_SEALED),
      expires_at: expiresAt,
      created_at: new Date().toISOString(),
    },
    { onConflict: "shop_id,platform" },
  );
  if (saved.error)
    throw new Error(`saving the accounts to choose from failed: ${saved.error.code}`);
  return {
    platform: claims.platform,
    status: "select",
    accounts: candidates.slice(0, 50).map(publicOf),
    expiresAt,
  };
}

async function connectCandidate(
  service: SupabaseClient,
  app: MetaApp,
  who: { shopId: string; userId: string; platform: "facebook" | "instagram" },
  candidate: Candidate,
) {
  await assertAccountFree(service, who.shopId, who.platform, candidate.id);
  await metaSubscribePage(app, candidate.pageId, candidate.pageToken);
  await saveConnection(service, {
    shopId: who.shopId,
    userId: who.userId,
    platform: who.platform,
    account: publicOf(candidate),
    linkedPageId: who.platform === "instagram" ? candidate.pageId : null,
    token: candidate.pageToken,
    tokenExpiresAt: null,
    refreshToken: null,
    refreshExpiresAt: null,
  });
}

async function assertAccountFree(
  service: SupabaseClient,
  shopId: string,
  platform: OAuthPlatform,
  accountId: string,
) {
  const { data, error } = await service
    .from("shop_channel_connections")
    .select("shop_id")
    .eq("platform", platform)
    .eq("account_id", accountId)
    .neq("status", "disconnected")
    .neq("shop_id", shopId)
    .limit(1);
  if (error) throw new Error(`reading channel connections failed: ${error.code}`);
  if ((data ?? []).length > 0) throw new FlowError("account_in_use");
}

async function saveConnection(service: SupabaseClient, input: NewConnection) {
  if (input.platform === "tiktok") {
    await assertAccountFree(service, input.shopId, input.platform, input.account.id);
  }
  const now = new Date().toISOString();
  const saved = await service
    .from("shop_channel_connections")
    .upsert(
      {
        shop_id: input.shopId,
        platform: input.platform,
        status: "connected",
        account_id: input.account.id.slice(0, 100),
        account_name: input.account.name?.slice(0, 200) ?? null,
        account_username: input.account.username?.slice(0, 200) ?? null,
        linked_page_id: input.linkedPageId,
        created_by: input.userId,
        connected_at: now,
        disconnected_at: null,
        updated_at: now,
      },
      { onConflict: "shop_id,platform" },
    )
    .select("id")
    .single();
  if (saved.error) throw new Error(`saving a channel connection failed: ${saved.error.code}`);
  const id = z.object({ id: z.uuid() }).parse(saved.data).id;
  const credentials = await service.from("shop_channel_credentials").upsert(
    {
      id,
      token_sealed: sealPersonalData(input.token, CHANNEL_SEALED.token),
      webhook_secret_hash: null,
      token_expires_at: input.tokenExpiresAt?.toISOString() ?? null,
      refresh_token_sealed: input.refreshToken
        ? sealPersonalData(input.refreshToken, CHANNEL_REFRESH_SEALED)
        : null,
      refresh_expires_at: input.refreshExpiresAt?.toISOString() ?? null,
      checked_at: now,
    },
    { onConflict: "id" },
  );
  if (credentials.error) {
    throw new Error(`saving channel credentials failed: ${credentials.error.code}`);
  }
  return id;
}

// ------------------------------------------------------------------------------------------------
// The owner's choice

export async function selectAccount(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: { userId: string },
  shopId: string,
  platform: OAuthPlatform,
  accountId: string,
): Promise<{ connectionId: string }> {
  await requireShopPermission(db, shopId, "integrations.manage");
  if (platform === "tiktok") {
    throw new ApiError("not_found", "TikTok connects one account: there is nothing to choose.");
  }
  const app = requireMetaApp(platform);
  const { data, error } = await service
    .from("channel_oauth_candidates")
    .delete()
    .eq("shop_id", shopId)
    .eq("platform", platform)
    .eq("user_id", caller.userId)
    .gt("expires_at", new Date().toISOString())
    .select("candidates_sealed");
  if (error) throw new Error(`reading the accounts to choose from failed: ${error.code}`);
  const [row] = z.array(z.object({ candidates_sealed: z.string() })).parse(data);
  if (!row) {
    throw new ApiError(
      "not_found",
      `There is no ${platformName(platform)} account to choose from: connect again (a choice lasts 10 minutes).`,
    );
  }
  const candidates = Candidates.parse(
    JSON.parse(openPersonalData(row.candidates_sealed, CANDIDATES_SEALED)),
  );
  const chosen = candidates.find((candidate) => candidate.id === accountId);
  if (!chosen) {
    throw new ApiError("not_found", "That account was not among those offered: connect again.");
  }
  try {
    await connectCandidate(service, app, { shopId, userId: caller.userId, platform }, chosen);
  } catch (error) {
    if (error instanceof FlowError) {
      throw new ApiError("conflict", "Another shop has connected this account.");
    }
    if (error instanceof MetaError) {
      throw new ApiError(
        "provider_error",
        error.failure === "unavailable"
          ? "Meta did not answer; connect again in a moment."
          : "Meta refused to subscribe the app to the Page; connect again.",
      );
    }
    throw error;
  }
  const found = await service
    .from("shop_channel_connections")
    .select("id")
    .eq("shop_id", shopId)
    .eq("platform", platform)
    .single();
  if (found.error) throw new Error(`reading a channel connection failed: ${found.error.code}`);
  return { connectionId: String(found.data.id) };
}

// ------------------------------------------------------------------------------------------------
// Disconnect

/**
 * Unsubscribes the app from the Page (Meta; kept when the shop's other Meta connection uses the
 * same Page) or revokes the token (TikTok). A token the provider no longer accepts has nothing
 * left to undo; the provider down is a provider_error and nothing changes.
 */
export async function revokeAtProvider(
  service: SupabaseClient,
  connection: {
    id: string;
    shopId: string;
    platform: OAuthPlatform;
    accountId: string | null;
    linkedPageId: string | null;
  },
  token: string,
): Promise<void> {
  try {
    if (connection.platform === "tiktok") {
      const app = tiktokApp();
      if (app) await tiktokRevoke(app, token);
      return;
    }
    const app = metaApp();
    const pageId =
      connection.platform === "instagram" ? connection.linkedPageId : connection.accountId;
    if (!app || !pageId) return;
    if (await pageStillUsed(service, connection.shopId, connection.id, pageId)) return;
    await metaUnsubscribePage(app, pageId, token);
  } catch (error) {
    if (
      (error instanceof MetaError || error instanceof TikTokError) &&
      error.failure !== "unavailable"
    ) {
      log.info("channel_disconnect_token_refused", { platform: connection.platform });
      return;
    }
    if (error instanceof MetaError || error instanceof TikTokError) {
      throw new ApiError(
        "provider_error",
        `${platformName(connection.platform)} did not answer; try disconnecting again in a moment.`,
      );
    }
    throw error;
  }
}

async function pageStillUsed(
  service: SupabaseClient,
  shopId: string,
  connectionId: string,
  pageId: string,
): Promise<boolean> {
  const { data, error } = await service
    .from("shop_channel_connections")
    .select("id, platform, account_id, linked_page_id")
    .eq("shop_id", shopId)
    .in("platform", ["facebook", "instagram"])
    .neq("status", "disconnected")
    .neq("id", connectionId);
  if (error) throw new Error(`reading channel connections failed: ${error.code}`);
  return (data ?? []).some((row) =>
    row.platform === "facebook" ? row.account_id === pageId : row.linked_page_id === pageId,
  );
}
