// What the SPA gets when a session starts or is refreshed: the user and a short-lived access
// token in the body (kept in memory by the SPA), the refresh token only in the httpOnly cookie.
// An allowlisted browser extension (lib/auth/extensions.ts) gets the refresh token in the body
// instead, to keep in extension storage, and no cookie (README, "Browser extensions").
// A session lives at most SESSION_LIFETIME from the moment the user authenticated, however often
// it is refreshed: the cookie's Max-Age counts down, it is never extended.
import type { Session, User } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import * as z from "zod";
import { extensionOrigin } from "../auth/extensions.js";
import { refreshCookie } from "./refresh-cookie.js";

export const SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;

export const SessionUser = z
  .object({ id: z.string(), email: z.string().optional(), createdAt: z.string() })
  .meta({ id: "SessionUser" });

export const SessionView = z
  .object({
    user: SessionUser,
    accessToken: z.string().describe("Keep in memory only; send as Authorization: Bearer"),
    expiresAt: z.number().int().describe("Unix seconds when the access token expires"),
    refreshToken: z
      .string()
      .optional()
      .describe(
        "Only for an allowlisted browser extension (its Origin): keep it in extension storage (chrome.storage.session, or .local with setAccessLevel TRUSTED_CONTEXTS), send it to POST /api/auth/refresh and /logout; single-use, every refresh answers the next one",
      ),
  })
  .meta({ id: "Session" });

/**
 * Register's 202 when Supabase Auth confirms email addresses (a project's default): no session
 * and no cookie until the mailed link is followed (POST /api/auth/confirm).
 */
export const ConfirmationRequired = z
  .object({ confirmationRequired: z.literal(true) })
  .meta({ id: "ConfirmationRequired" });

export function sessionUser(user: User): z.infer<typeof SessionUser> {
  return { id: user.id, ...(user.email && { email: user.email }), createdAt: user.created_at };
}

/** Seconds the session may still live: from the authentication time in the token's amr claim. */
export function remainingLifetimeSeconds(accessToken: string, now = Date.now()): number {
  const { amr, iat } = decodeJwt(accessToken) as { amr?: { timestamp?: number }[]; iat?: number };
  const authenticatedAt = Math.min(
    ...(amr ?? []).map((entry) => entry.timestamp ?? Infinity),
    iat ?? Infinity,
  );
  const startedAt = Number.isFinite(authenticatedAt) ? authenticatedAt : now / 1000;
  return Math.floor(startedAt + SESSION_LIFETIME_SECONDS - now / 1000);
}

/**
 * The JSON body and the refresh cookie for a new or refreshed session; for a request from an
 * allowlisted extension (`requestHeaders`' Origin), the refresh token in the body and no cookie.
 */
export function sessionResponse(
  session: Session,
  status: 200 | 201 = 200,
  requestHeaders?: Headers,
): Response {
  const extension = requestHeaders !== undefined && extensionOrigin(requestHeaders) !== undefined;
  const view = SessionView.parse({
    user: sessionUser(session.user),
    accessToken: session.access_token,
    expiresAt: session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in,
    ...(extension && { refreshToken: session.refresh_token }),
  });
  if (extension) return Response.json(view, { status });
  const maxAge = remainingLifetimeSeconds(session.access_token);
  return Response.json(view, {
    status,
    headers: { "set-cookie": refreshCookie(session.refresh_token, maxAge) },
  });
}
