// TikTok's side of connecting an account (issue 22): Login Kit v2, plain fetch.
// - authorize: <www>/v2/auth/authorize/?client_key&scope&redirect_uri&state&response_type=code
//   with the PKCE challenge (code_challenge_method=S256; TikTok's Login Kit takes the SHA-256 of
//   the verifier hex-encoded, not base64url as RFC 7636 writes it);
// - token: POST /v2/oauth/token/ (form) grant_type=authorization_code with client_key,
//   client_secret, code, redirect_uri and code_verifier; answers access_token (24 hours),
//   refresh_token (365 days), open_id, scope, expires_in, refresh_expires_in;
// - refresh: the same with grant_type=refresh_token; the answer's refresh token replaces the old
//   one (it may be a new one: always keep the latest);
// - revoke: POST /v2/oauth/revoke/ (form) client_key, client_secret, token;
// - the user: GET /v2/user/info/?fields=open_id,display_name (Bearer).
// Errors: the OAuth endpoints answer {error, error_description, log_id}; the others
// {error: {code, message, log_id}} with code "ok" on success.
import { log } from "../../log.js";
import type { TikTokApp } from "./config.js";

const TIMEOUT_MS = 10_000;

export type TikTokFailure = "token_invalid" | "refused" | "unavailable";

export class TikTokError extends Error {
  constructor(readonly failure: TikTokFailure) {
    super(`tiktok: ${failure}`);
    this.name = "TikTokError";
  }
}

export interface TikTokTokens {
  openId: string;
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export function tiktokAuthorizeUrl(
  app: TikTokApp,
  input: { redirectUri: string; state: string; scopes: readonly string[]; challengeHex: string },
): string {
  const url = new URL(`${app.authUrl}/v2/auth/authorize/`);
  url.searchParams.set("client_key", app.clientKey);
  url.searchParams.set("scope", input.scopes.join(","));
  url.searchParams.set("redirect_uri", input.redirectUri);
  url.searchParams.set("state", input.state);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("code_challenge", input.challengeHex);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

async function post(
  app: TikTokApp,
  path: string,
  form: Record<string, string>,
  what: string,
  retry: boolean,
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${app.apiUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      if (retry && attempt < 2) continue;
      log.warn("tiktok_unreachable", {
        what,
        error: error instanceof Error ? error.name : "unknown",
      });
      throw new TikTokError("unavailable");
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status >= 500 && retry && attempt < 2) continue;
    const error = typeof body.error === "string" ? body.error : undefined;
    if (response.ok && !error) return body;
    log.warn("tiktok_refused", { what, status: response.status, error });
    if (response.status >= 500) throw new TikTokError("unavailable");
    if (error === "invalid_grant" || response.status === 401)
      throw new TikTokError("token_invalid");
    throw new TikTokError("refused");
  }
}

function tokens(body: Record<string, unknown>, now: number): TikTokTokens {
  const { open_id, access_token, refresh_token, expires_in, refresh_expires_in } = body;
  if (
    typeof open_id !== "string" ||
    !/^[A-Za-z0-9._-]{1,100}$/.test(open_id) ||
    typeof access_token !== "string" ||
    typeof refresh_token !== "string"
  ) {
    throw new TikTokError("refused");
  }
  return {
    openId: open_id,
    accessToken: access_token,
    expiresAt: new Date(now + Number(expires_in ?? 86_400) * 1000),
    refreshToken: refresh_token,
    refreshExpiresAt: new Date(now + Number(refresh_expires_in ?? 31_536_000) * 1000),
  };
}

export async function tiktokExchangeCode(
  app: TikTokApp,
  input: { code: string; redirectUri: string; verifier: string },
): Promise<TikTokTokens> {
  const now = Date.now();
  const body = await post(
    app,
    "/v2/oauth/token/",
    {
      client_key: app.clientKey,
      client_secret: app.clientSecret,
      code: input.code,
      grant_type: "authorization_code",
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier,
    },
    "code exchange",
    false,
  );
  return tokens(body, now);
}

/** A new access token; the refresh token in the answer replaces the one sent. */
export async function tiktokRefresh(app: TikTokApp, refreshToken: string): Promise<TikTokTokens> {
  const now = Date.now();
  const body = await post(
    app,
    "/v2/oauth/token/",
    {
      client_key: app.clientKey,
      client_secret: app.clientSecret,
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    },
    "refresh",
    false,
  );
  return tokens(body, now);
}

export async function tiktokRevoke(app: TikTokApp, accessToken: string): Promise<void> {
  await post(
    app,
    "/v2/oauth/revoke/",
    { client_key: app.clientKey, client_secret: app.clientSecret, token: accessToken },
    "revoke",
    true,
  );
}

/** The user's display name (null when TikTok does not say). */
export async function tiktokDisplayName(
  app: TikTokApp,
  accessToken: string,
): Promise<string | null> {
  try {
    const response = await fetch(`${app.apiUrl}/v2/user/info/?fields=open_id,display_name`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: { user?: { display_name?: unknown } };
    };
    const name = body.data?.user?.display_name;
    return typeof name === "string" && name.length > 0 ? name.slice(0, 200) : null;
  } catch {
    return null;
  }
}
