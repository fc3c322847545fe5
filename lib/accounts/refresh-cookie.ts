// The refresh token lives only in this cookie: httpOnly (no script reads it), Secure with the
// __Secure- prefix (never sent or set over plain HTTP), SameSite=Strict (never sent on a
// cross-site request) and scoped to /api/auth (no other route ever sees it). Browsers treat
// http://localhost and 127.0.0.1 as secure, so the same cookie works in development.
import { cookieValue } from "../http/cookies.js";

export const REFRESH_COOKIE = "__Secure-bastion-refresh";
const COOKIE_PATH = "/api/auth";

export function refreshCookie(refreshToken: string, maxAgeSeconds: number): string {
  return `${REFRESH_COOKIE}=${refreshToken}; Path=${COOKIE_PATH}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedRefreshCookie(): string {
  return `${REFRESH_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

export function readRefreshCookie(headers: Headers): string | undefined {
  return cookieValue(headers, REFRESH_COOKIE) || undefined;
}
