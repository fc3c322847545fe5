// Sessions through Supabase Auth, with the refresh token kept out of the browser's JavaScript:
// it goes into the httpOnly cookie and comes back only on refresh and logout, which must come
// from our own origin. Supabase Auth rotates refresh tokens and revokes the whole session when a
// rotated one is replayed; every failure here clears the cookie and says only "sign in again".
import type { AuthError } from "@supabase/supabase-js";
import * as z from "zod";
import { extensionOrigin } from "../auth/extensions.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { authClient } from "./auth-client.js";
import { requireOwnOrigin } from "./csrf.js";
import { earliestAnswer } from "./earliest-answer.js";
import { clearedRefreshCookie, readRefreshCookie } from "./refresh-cookie.js";
import { remainingLifetimeSeconds, sessionResponse } from "./session.js";
import { startSignInAttempt } from "./sign-in-limits.js";

/**
 * Every refused sign-in answers this long after the request started at the earliest: a wrong
 * password for an account makes the auth server check a bcrypt hash (about 100 ms on the local
 * stack, similar on GoTrue plus the round trip to a hosted project), while an unknown address is
 * refused at once (about 15 ms), so without the floor the time would tell who has an account.
 */
export const SIGN_IN_REFUSAL_MIN_MS = 500;

/**
 * `ip`: the client's address, for the failed sign-in limits (sign-in-limits.ts); `headers`: the
 * request's, which say whether an extension asks (session.ts).
 */
export async function login(
  email: string,
  password: string,
  ip: string,
  headers?: Headers,
): Promise<Response> {
  const answer = earliestAnswer(SIGN_IN_REFUSAL_MIN_MS);
  const attempt = await startSignInAttempt(email, ip);
  const { data, error } = await authClient().auth.signInWithPassword({ email, password });
  if (error || !data.session) {
    // Wrong password, unknown address and unconfirmed address all read the same, equally late.
    if (!error || error.status === 400 || error.code === "invalid_credentials") {
      await answer.reached();
      throw new ApiError("invalid_credentials", "Check the email and password and try again.");
    }
    await attempt.withdrawn();
    throw authUnavailable("login", error);
  }
  await attempt.succeeded();
  return sessionResponse(data.session, 200, headers);
}

/** What an extension sends to refresh and logout: the token it keeps (session.ts). */
export const ExtensionSessionBody = z.strictObject({
  refreshToken: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe("Browser extensions only: the refresh token the last session answer gave"),
});

/**
 * The refresh token of the request: the body's from an allowlisted extension, which never has
 * the cookie; the cookie's from the app's own pages (or an ALLOWED_ORIGINS one) with the CSRF
 * header. An extension's token is no ambient credential, so no other page or extension can
 * send it for the user.
 */
function requestRefreshToken(headers: Headers, bodyToken: string | undefined): string | undefined {
  if (extensionOrigin(headers)) return bodyToken;
  requireOwnOrigin(headers);
  if (bodyToken !== undefined) {
    throw new ApiError("origin_not_allowed", "Only browser extensions send the refresh token.");
  }
  return readRefreshCookie(headers);
}

export async function refresh(headers: Headers, bodyToken?: string): Promise<Response> {
  const refreshToken = requestRefreshToken(headers, bodyToken);
  if (!refreshToken) throw sessionEnded("no_cookie");
  const client = authClient();
  const { data, error } = await client.auth.refreshSession({ refresh_token: refreshToken });
  if (error || !data.session) {
    if (error && error.status !== undefined && error.status >= 500)
      throw authUnavailable("refresh", error);
    // Includes a replayed rotated token: Supabase Auth has revoked the whole session by now.
    throw sessionEnded(error?.code ?? "no_session");
  }
  if (remainingLifetimeSeconds(data.session.access_token) <= 0) {
    await client.auth.signOut({ scope: "local" });
    throw sessionEnded("lifetime_exceeded");
  }
  return sessionResponse(data.session, 200, headers);
}

export type LogoutScope = "local" | "global";

export async function logout(
  headers: Headers,
  scope: LogoutScope,
  bodyToken?: string,
): Promise<Response> {
  const refreshToken = requestRefreshToken(headers, bodyToken);
  const cleared = new Response(null, {
    status: 204,
    headers: { "set-cookie": clearedRefreshCookie() },
  });
  if (!refreshToken) return cleared;
  // Sign-out needs an access token of this session; the cookie's refresh token gets one.
  const client = authClient();
  const { data } = await client.auth.refreshSession({ refresh_token: refreshToken });
  if (data.session) {
    const { error } = await client.auth.signOut({ scope });
    if (error) log.warn("logout_incomplete", { code: error.code, status: error.status });
  }
  return cleared;
}

function sessionEnded(reason: string): ApiError {
  log.info("session_refresh_refused", { reason });
  return new ApiError("session_expired", "Sign in again.", {
    headers: { "set-cookie": clearedRefreshCookie() },
  });
}

/** Supabase Auth failed on its side (rate limit, outage): logged, and 503 to the caller. */
export function authUnavailable(operation: string, error: AuthError): ApiError {
  log.error("auth_provider_error", { operation, code: error.code, status: error.status });
  return new ApiError("service_unavailable", "Please try again in a moment.");
}
