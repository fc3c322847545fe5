// Guests manage their booking with a secret link instead of an account. The token is 256 random
// bits, returned once (and put in the confirmation link); the database keeps only its keyed hash,
// so neither a database dump nor a log line can be replayed. A random token beats a signed one
// here: it needs no signing key, carries nothing to decode, and is revoked by deleting the hash.
import { randomBytes } from "node:crypto";
import { lookupHash } from "../crypto/personal-data.js";

/** The header guests send it in: a header, not the URL, so it never lands in access logs. */
export const MANAGE_TOKEN_HEADER = "x-booking-token";

const MANAGE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const MANAGE_TOKEN_HASH_CONTEXT = "bookings.manage_token";

export function newManageToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: manageTokenHash(token) };
}

export function manageTokenHash(token: string): string {
  return lookupHash(token, MANAGE_TOKEN_HASH_CONTEXT);
}

/**
 * The hash of the token the request presents, or null without one. A malformed token is
 * treated as a wrong one (null would do the same: the booking is then not found).
 */
export function presentedManageTokenHash(headers: Headers): string | null {
  const token = headers.get(MANAGE_TOKEN_HEADER);
  return token !== null && MANAGE_TOKEN.test(token) ? manageTokenHash(token) : null;
}
