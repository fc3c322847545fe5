// The PKCE verifier of a sign-in in progress, and the page to land on afterwards, between the
// OAuth start and the callback. httpOnly and Secure like the refresh cookie, scoped to the
// callback alone, for 10 minutes. SameSite=Lax, not Strict: the browser comes back to the
// callback from the provider's site, a cross-site top-level navigation, on which browsers send
// Lax cookies but never Strict ones. The cookie is not signed: its owner can only break their
// own sign-in with it, and the landing path is checked again when it is read.

import * as z from "zod";
import { cookieValue } from "../http/cookies.js";
import { MAX_LANDING_PATH_LENGTH } from "./landing-path.js";

export const OAUTH_COOKIE = "__Secure-bastion-oauth";
export const OAUTH_CALLBACK_PATH = "/api/auth/callback";
const MAX_AGE_SECONDS = 600;

const PendingSignIn = z.object({
  verifier: z.string().regex(/^[\w-]{43,128}$/),
  landing: z.string().max(MAX_LANDING_PATH_LENGTH),
  /** A sign-in for a browser extension: its id and its own PKCE challenge (extension-oauth.ts). */
  extension: z
    .object({ id: z.string().max(200), challenge: z.string().regex(/^[\w-]{43}$/) })
    .optional(),
});
export type PendingSignIn = z.infer<typeof PendingSignIn>;

const attributes = (maxAge: number) =>
  `Path=${OAUTH_CALLBACK_PATH}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;

export function oauthCookie(pending: PendingSignIn): string {
  const value = Buffer.from(JSON.stringify(pending)).toString("base64url");
  return `${OAUTH_COOKIE}=${value}; ${attributes(MAX_AGE_SECONDS)}`;
}

export function clearedOauthCookie(): string {
  return `${OAUTH_COOKIE}=; ${attributes(0)}`;
}

/** The pending sign-in, or undefined when the cookie is missing, expired or not ours. */
export function readOauthCookie(headers: Headers): PendingSignIn | undefined {
  const value = cookieValue(headers, OAUTH_COOKIE);
  if (value === undefined) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(value, "base64url").toString());
    const parsed = PendingSignIn.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
