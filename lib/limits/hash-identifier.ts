// Rate-limit keys are built from IP addresses, emails and phone numbers, and those must not sit
// in Redis (where anyone with dashboard or backup access reads them) or in logs. A plain
// SHA-256 would not do: there are only 2^32 IPv4 addresses and emails are guessable, so a table
// of hashes reverses them in minutes. A keyed HMAC cannot be reversed without the key.
import { createHmac, randomBytes } from "node:crypto";
import { env } from "../env.js";

/**
 * Every instance that shares a Redis must map the same IP to the same key, so the HMAC key is
 * derived from the one secret they all hold for that Redis: its token (domain-separated, so the
 * token itself never keys anything else). Rotating the token starts every counter afresh,
 * which is harmless for windows of at most an hour. Without Redis the counters live in this
 * process only, so a random per-process key is enough.
 */
const hmacKey = (() => {
  const token = env().UPSTASH_REDIS_REST_TOKEN;
  if (token === undefined) return randomBytes(32);
  return createHmac("sha256", token).update("bastion identifier hash v1").digest();
})();

/**
 * A warm instance sees the same few callers again and again, and each request counts against one
 * or two policies: the hashes it made last are kept (in this process's memory only, like the
 * identifiers themselves while the request runs), so a repeat costs a map lookup, not an HMAC.
 */
const recent = new Map<string, string>();
const RECENT_MAX = 1_000;

/** 128 bits of HMAC-SHA256, base64url: collision-free in practice, short in Redis keys. */
export function hashIdentifier(value: string): string {
  const known = recent.get(value);
  if (known !== undefined) return known;
  const hash = createHmac("sha256", hmacKey)
    .update(value)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
  // Map keeps insertion order: dropping the first entry drops the oldest.
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
  recent.set(value, hash);
  return hash;
}
