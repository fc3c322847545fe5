// Access tokens for the auth tests: real sessions from the local stack's GoTrue, claims shaped as
// GoTrue writes them (to sign with the stack's real key), and the forgeries a verifier must refuse.
import { randomUUID } from "node:crypto";
import type { Session } from "@supabase/supabase-js";
import { base64url, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import type { TestSupabase } from "../../helpers/supabase.js";

export const PASSWORD = "correct horse battery";
// A shared PostgreSQL (DATABASE_URL) keeps users between runs: addresses carry this run's tag.
const run = randomUUID().slice(0, 8);
let emails = 0;
export const newEmail = (name: string) => `${name}-${run}-${++emails}@example.test`;

/** A session from the stack's own sign-up, as a browser would hold it. */
export async function signUp(stack: TestSupabase, email = newEmail("user")): Promise<Session> {
  const { data, error } = await stack.client().auth.signUp({ email, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("sign-up returned no session");
  return data.session;
}

/** A user made through the admin API (service role), then signed in with the password. */
export async function adminCreatedSession(
  stack: TestSupabase,
  metadata: { app_metadata?: object; user_metadata?: object },
): Promise<Session> {
  const email = newEmail("member");
  const admin = stack.client(stack.serviceRoleKey).auth.admin;
  const created = await admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    ...metadata,
  });
  if (created.error) throw created.error;
  const { data, error } = await stack
    .client()
    .auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("sign-in returned no session");
  return data.session;
}

/** The claims GoTrue signs for a password session, for the issuer `${supabaseUrl}/auth/v1`. */
export function userClaims(supabaseUrl: string, overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: `${supabaseUrl}/auth/v1`,
    sub: randomUUID(),
    aud: "authenticated",
    email: newEmail("minted"),
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: Math.floor(Date.now() / 1000) }],
    session_id: randomUUID(),
    is_anonymous: false,
    ...overrides,
  };
}

/** A key pair that is not the project's, with its public JWK (kid and alg set). */
export async function foreignKey(alg: "ES256" | "RS256", kid: string = randomUUID()) {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return {
    kid,
    publicJwk,
    sign: (claims: JWTPayload) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
  };
}

/** An HS256 token whose secret is `secret` (UTF-8), as GoTrue signs with a legacy JWT secret. */
export function hs256(claims: JWTPayload, secret: string, header: { kid?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...header })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));
}

/** An unsecured JWT (alg "none", empty signature). */
export function unsignedToken(claims: JWTPayload): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ iat: now, exp: now + 3600, ...claims })}.`;
}
