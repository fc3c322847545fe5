// The verified-token memory: a token is trusted again only while its own expiry and the
// one-minute limit both allow it.
import { describe, expect, it } from "vitest";
import type { AccessClaims } from "../../../lib/auth/access-token.js";
import { recallVerified, rememberVerified } from "../../../lib/auth/verified-tokens.js";

const now = Date.parse("2026-11-21T12:00:00Z");
const claims = (expiresInSeconds: number) =>
  ({ sub: crypto.randomUUID(), exp: now / 1000 + expiresInSeconds }) as AccessClaims;

describe("verified tokens", () => {
  it("recalls a verified token within a minute, not after", () => {
    const token = `token-${crypto.randomUUID()}`;
    const verified = claims(3600);
    rememberVerified(token, verified, now);
    expect(recallVerified(token, now + 59_000)).toBe(verified);
    expect(recallVerified(token, now + 61_000)).toBeUndefined();
  });

  it("never recalls a token past its own expiry", () => {
    const token = `token-${crypto.randomUUID()}`;
    rememberVerified(token, claims(10), now);
    expect(recallVerified(token, now + 9_000)).toBeDefined();
    expect(recallVerified(token, now + 10_000)).toBeUndefined();
  });

  it("recalls nothing it was not told", () => {
    expect(recallVerified("never-verified", now)).toBeUndefined();
  });
});
