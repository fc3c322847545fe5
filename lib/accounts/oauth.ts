// Sign-in with an OAuth provider through Supabase Auth, in the PKCE flow, with the verifier kept
// by the server: the start sends the browser to Supabase's /authorize with the code challenge and
// keeps the verifier in a cookie only the callback sees; the callback exchanges the code and the
// verifier for a session, puts the refresh token in the refresh cookie and sends the browser to
// the page it asked for. The SPA then calls /api/auth/refresh for an access token, as on reload.
// Neither token ever appears in a URL, a response body or a log line.
import { createHash, randomBytes } from "node:crypto";
import * as z from "zod";
import { appUrl, localStackEnabled, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { type ExtensionSignIn, extensionLanding } from "./extension-oauth.js";
import { safeLandingPath } from "./landing-path.js";
import {
  clearedOauthCookie,
  OAUTH_CALLBACK_PATH,
  oauthCookie,
  type PendingSignIn,
  readOauthCookie,
} from "./oauth-cookie.js";
import { refreshCookie } from "./refresh-cookie.js";
import { remainingLifetimeSeconds } from "./session.js";

/** `local` is the local stack's provider (dev/supabase/auth): BASTION_LOCAL_STACK=1 only. */
export const OAUTH_PROVIDERS = ["google", "github", "local"] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/**
 * What the callback tells the app, as `/?authError=<code>`: `cancelled` (the person declined at
 * the provider), `expired` (the sign-in took over 10 minutes, or began in another browser),
 * `failed` (anything else the person cannot fix but by trying again), `unavailable` (Supabase
 * Auth could not be reached: try again later).
 */
export type OAuthFailure = "cancelled" | "expired" | "failed" | "unavailable";

export const OAuthCallbackQuery = z.object({
  code: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
  error_code: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});
export type OAuthCallbackQuery = z.infer<typeof OAuthCallbackQuery>;

const EXCHANGE_TIMEOUT_MS = 10_000;

/**
 * The redirect to Supabase Auth's /authorize. Supabase sends the browser back to APP_URL's
 * callback, never to the Host this request named: that is whoever sent it.
 */
export function startOAuth(
  provider: OAuthProvider,
  landing: string,
  extension?: ExtensionSignIn,
): Response {
  if (provider === "local" && !localStackEnabled()) {
    throw new ApiError("not_found", "This sign-in provider is not available.");
  }
  const { SUPABASE_URL } = requireConfig("Sign-in with a provider", "SUPABASE_URL");
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(`${authBase(SUPABASE_URL)}/authorize`);
  authorize.search = new URLSearchParams({
    provider,
    redirect_to: `${appUrl()}${OAUTH_CALLBACK_PATH}`,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "s256",
  }).toString();
  return new Response(null, {
    status: 302,
    headers: {
      location: authorize.href,
      "set-cookie": oauthCookie({ verifier, landing, ...(extension && { extension }) }),
    },
  });
}

/**
 * Failures redirect too, to the app's home page with a short code: the callback is a browser
 * navigation coming back from the provider, so a JSON problem would leave the person on a bare
 * error page with no way back into the app. The target is always a path of our own site: the
 * landing page from the cookie (checked again) or "/", never anything taken from the URL.
 */
export async function finishOAuth(
  requestHeaders: Headers,
  query: OAuthCallbackQuery,
): Promise<Response> {
  const headers = new Headers();
  // The verifier is single-use whatever happens next.
  headers.append("set-cookie", clearedOauthCookie());
  const pending = readOauthCookie(requestHeaders);
  const outcome = await signIn(pending, query);
  if (pending?.extension) {
    // Back to the extension's own redirect URL, which the browser hands to it unloaded.
    headers.set("location", extensionLanding(pending.extension, outcome));
    return new Response(null, { status: 302, headers });
  }
  if (typeof outcome === "string") {
    headers.set("location", `/?authError=${outcome}`);
  } else {
    headers.set("location", outcome.landing);
    headers.append(
      "set-cookie",
      refreshCookie(outcome.refreshToken, remainingLifetimeSeconds(outcome.accessToken)),
    );
  }
  return new Response(null, { status: 302, headers });
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  landing: string;
}

async function signIn(
  pending: PendingSignIn | undefined,
  query: OAuthCallbackQuery,
): Promise<SignedIn | OAuthFailure> {
  if (query.error !== undefined) {
    // Supabase Auth relays a provider's refusal as error (and adds error_code for its own).
    log.info("oauth_refused", { error: query.error, errorCode: query.error_code });
    return query.error === "access_denied" && query.error_code === undefined
      ? "cancelled"
      : "failed";
  }
  if (!query.code) return "failed";
  if (!pending) {
    log.info("oauth_refused", { error: "verifier_cookie_missing" });
    return "expired";
  }
  const session = await exchangeCode(query.code, pending.verifier);
  if (typeof session === "string") return session;
  return { ...session, landing: safeLandingPath(pending.landing) ?? "/" };
}

const PkceSession = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1) });

/**
 * POST /auth/v1/token?grant_type=pkce. Called directly: supabase-js's exchangeCodeForSession
 * reads the verifier from the client's own storage, which a server function does not keep.
 */
async function exchangeCode(
  authCode: string,
  verifier: string,
): Promise<Omit<SignedIn, "landing"> | OAuthFailure> {
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = requireConfig(
    "Sign-in with a provider",
    "SUPABASE_URL",
    "SUPABASE_ANON_KEY",
  );
  let response: Response;
  try {
    response = await fetch(`${authBase(SUPABASE_URL)}/token?grant_type=pkce`, {
      method: "POST",
      headers: {
        apikey: SUPABASE_ANON_KEY,
        "content-type": "application/json",
        "x-supabase-api-version": "2024-01-01",
      },
      body: JSON.stringify({ auth_code: authCode, code_verifier: verifier }),
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    });
  } catch (error) {
    log.error("auth_provider_error", { operation: "oauth_exchange", error });
    return "unavailable";
  }
  if (!response.ok) {
    // Only GoTrue's error code is logged, never its body.
    const code = response.headers.get("x-sb-error-code") ?? undefined;
    await response.body?.cancel();
    if (response.status >= 500) {
      log.error("auth_provider_error", { operation: "oauth_exchange", status: response.status });
      return "unavailable";
    }
    // flow_state_not_found (a used or unknown code), bad_code_verifier, flow_state_expired.
    log.info("oauth_refused", { error: "exchange_refused", status: response.status, code });
    return "failed";
  }
  const session = PkceSession.safeParse(await response.json().catch(() => undefined));
  if (!session.success) {
    log.error("auth_provider_error", { operation: "oauth_exchange", error: "unexpected_body" });
    return "unavailable";
  }
  return { accessToken: session.data.access_token, refreshToken: session.data.refresh_token };
}

function authBase(supabaseUrl: string): string {
  return `${supabaseUrl.replace(/\/+$/, "")}/auth/v1`;
}
