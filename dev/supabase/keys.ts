// The local stack's signing key and API keys. Supabase's local stack signs user access tokens
// and the anon / service_role API keys with one project key and publishes its public half at
// /auth/v1/.well-known/jwks.json; this does the same with an ES256 key that carries a kid.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";

export const JWT_ALGORITHM = "ES256";
/** The issuer in API keys, as the Supabase CLI's local stack writes it. */
const API_KEY_ISSUER = "supabase-demo";
const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;

export interface StoredKeys {
  privateJwk: JWK;
  anonKey: string;
  serviceRoleKey: string;
}

export interface SigningKeys {
  kid: string;
  publicJwk: JWK;
  anonKey: string;
  serviceRoleKey: string;
  sign(claims: JWTPayload, expiresInSeconds: number): Promise<string>;
  /** Verifies signature, algorithm and expiry (30 s of clock skew, as PostgREST allows). */
  verify(token: string): Promise<JWTPayload>;
}

/** Loads the key file, or creates it on first run; without a path the keys live in memory. */
export async function loadSigningKeys(path: string | undefined): Promise<SigningKeys> {
  const stored =
    path && existsSync(path)
      ? (JSON.parse(readFileSync(path, "utf8")) as StoredKeys)
      : await createStoredKeys();
  if (path && !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return signingKeys(stored);
}

async function createStoredKeys(): Promise<StoredKeys> {
  const { privateKey } = await generateKeyPair(JWT_ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: JWT_ALGORITHM };
  const key = (await importJWK(privateJwk, JWT_ALGORITHM)) as CryptoKey;
  const apiKey = (role: string) =>
    signWith(key, privateJwk.kid, { iss: API_KEY_ISSUER, role }, TEN_YEARS_SECONDS);
  return {
    privateJwk,
    anonKey: await apiKey("anon"),
    serviceRoleKey: await apiKey("service_role"),
  };
}

async function signingKeys(stored: StoredKeys): Promise<SigningKeys> {
  const kid = stored.privateJwk.kid ?? "";
  const privateKey = (await importJWK(stored.privateJwk, JWT_ALGORITHM)) as CryptoKey;
  const { d: _private, ...publicJwk } = stored.privateJwk;
  const publicKey = (await importJWK(publicJwk, JWT_ALGORITHM)) as CryptoKey;
  return {
    kid,
    publicJwk: { ...publicJwk, use: "sig", key_ops: ["verify"] },
    anonKey: stored.anonKey,
    serviceRoleKey: stored.serviceRoleKey,
    sign: (claims, expiresInSeconds) => signWith(privateKey, kid, claims, expiresInSeconds),
    verify: async (token) =>
      (await jwtVerify(token, publicKey, { algorithms: [JWT_ALGORITHM], clockTolerance: 30 }))
        .payload,
  };
}

function signWith(
  key: CryptoKey,
  kid: string,
  claims: JWTPayload,
  expiresInSeconds: number,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(key);
}
