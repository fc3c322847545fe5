// A project that still signs with the legacy shared secret (SUPABASE_JWT_SECRET): HS256 tokens
// verify with that secret and nothing else, and the project's JWKS keys keep working beside it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";
import { startTestSupabase, type TestSupabase } from "../../helpers/supabase.js";
import { hs256, signUp, userClaims } from "./tokens.js";

const LEGACY_SECRET = randomBytes(32).toString("base64url");

let stack: TestSupabase;
let verifyAccessToken: typeof import("../../../lib/auth/access-token.js").verifyAccessToken;

beforeAll(async () => {
  stack = await startTestSupabase();
  process.env.SUPABASE_URL = stack.url;
  process.env.SUPABASE_ANON_KEY = stack.anonKey;
  process.env.SUPABASE_JWT_SECRET = LEGACY_SECRET;
  ({ verifyAccessToken } = await import("../../../lib/auth/access-token.js"));
});

afterAll(async () => {
  await stack?.close();
});

async function expectUnauthorized(verification: Promise<unknown>): Promise<void> {
  const error = await verification.catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ code: "unauthorized", status: 401 });
}

describe("verifyAccessToken with a legacy JWT secret", () => {
  it("accepts an HS256 token signed with the secret", async () => {
    const claims = userClaims(stack.url);
    const token = await hs256(claims, LEGACY_SECRET, { kid: "legacy" });
    await expect(verifyAccessToken(token)).resolves.toMatchObject({ sub: claims.sub });
  });

  it("still accepts ES256 sessions from the project's JWKS", async () => {
    const session = await signUp(stack);
    await expect(verifyAccessToken(session.access_token)).resolves.toMatchObject({
      sub: session.user.id,
    });
  });

  it("refuses an HS256 token signed with another secret", async () => {
    const token = await hs256(userClaims(stack.url), `${LEGACY_SECRET}-but-not-quite`);
    await expectUnauthorized(verifyAccessToken(token));
  });

  it("refuses an HS256 token whose secret is the public JWK (algorithm confusion)", async () => {
    const publicJwk = JSON.stringify(stack.keys.publicJwk);
    const token = await hs256(userClaims(stack.url), publicJwk, { kid: stack.keys.kid });
    await expectUnauthorized(verifyAccessToken(token));
  });

  it("refuses the same checks on HS256 tokens as on any other (issuer, role)", async () => {
    const otherIssuer = userClaims(stack.url, { iss: "https://attacker.example/auth/v1" });
    await expectUnauthorized(verifyAccessToken(await hs256(otherIssuer, LEGACY_SECRET)));
    const apiKeyRole = userClaims(stack.url, { role: "service_role" });
    await expectUnauthorized(verifyAccessToken(await hs256(apiKeyRole, LEGACY_SECRET)));
  });
});
