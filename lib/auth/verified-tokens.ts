// A warm instance sees the same access token on every request of a session. Verifying its
// signature costs ~90 µs each time (ES256 through WebCrypto); remembering that it verified costs
// a map lookup. Only tokens that passed verification are stored, keyed by the whole token, and
// each is trusted no longer than its own expiry and at most one minute, so a signing key taken
// out of the JWKS stops being honoured here within a minute too.
import type { AccessClaims } from "./access-token.js";

const MAX_ENTRIES = 1_000;
const TRUST_MS = 60_000;

const verified = new Map<string, { claims: AccessClaims; until: number }>();

export function recallVerified(token: string, now = Date.now()): AccessClaims | undefined {
  const entry = verified.get(token);
  if (!entry) return undefined;
  if (entry.until > now) return entry.claims;
  verified.delete(token);
  return undefined;
}

export function rememberVerified(token: string, claims: AccessClaims, now = Date.now()): void {
  // Map keeps insertion order: dropping the first entry drops the oldest.
  if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value as string);
  verified.set(token, { claims, until: Math.min(claims.exp * 1000, now + TRUST_MS) });
}
