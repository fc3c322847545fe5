// Supabase access tokens, verified in this process: one request never waits on the auth server.
// Asymmetric tokens (ES256, RS256) are checked against the project's JWKS, which jose caches at
// module scope — a warm function fetches it at most every 10 minutes, and a token naming an
// unknown kid refetches it at most once per 30 s cooldown, so keys rotate without a redeploy but
// a flood of made-up kids cannot turn into a flood of fetches. HS256 is accepted only when the
// project still signs with the legacy shared secret (SUPABASE_JWT_SECRET), and then only with that
// secret: each algorithm reaches exactly one kind of key, so an HS256 token "signed" with the
// public key's text never verifies.
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import * as z from "zod";
import { env, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { recallVerified, rememberVerified } from "./verified-tokens.js";

/** What Supabase signs with today; add "EdDSA" here when a project's JWKS offers Ed25519. */
const ASYMMETRIC_ALGORITHMS = ["ES256", "RS256"];
const LEGACY_ALGORITHM = "HS256";
/** PostgREST allows 30 s of skew too, so a token valid here is valid at the database. */
const CLOCK_TOLERANCE_SECONDS = 30;

const JsonObject = z.record(z.string(), z.unknown());

/** The claims GoTrue puts in a user's access token; anything else in the token is dropped. */
const AccessClaimsSchema = z.object({
  /** The user's id; guid, not uuid: Postgres accepts any 8-4-4-4-12 hex, whatever its version. */
  sub: z.guid(),
  /** anon and service_role keys are valid JWTs too, but they are not a signed-in user. */
  role: z.literal("authenticated"),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  /** GoTrue writes "" when the user has none. */
  email: z.string().optional(),
  phone: z.string().optional(),
  session_id: z.guid().optional(),
  aal: z.string().optional(),
  is_anonymous: z.boolean().default(false),
  /** Set only by the server (service role): the place roles come from. */
  app_metadata: JsonObject.default({}),
  /** Editable by the user: never a source of permissions. */
  user_metadata: JsonObject.default({}),
});

export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

/** jose's errors that describe the token itself; any other failure is ours (keys unreachable). */
const TOKEN_ERROR_CODES = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
]);

let projectKeys: ReturnType<typeof createRemoteJWKSet> | undefined;

/** Created once per instance, so its cache and cooldown outlive a single invocation. */
function projectKeySet(authUrl: string): ReturnType<typeof createRemoteJWKSet> {
  projectKeys ??= createRemoteJWKSet(new URL(`${authUrl}/.well-known/jwks.json`));
  return projectKeys;
}

/**
 * The verified claims of a signed-in user's access token. Throws ApiError unauthorized for any
 * token that is not one (expired, not yet valid, another issuer or audience, a bad signature, an
 * API key), and service_unavailable when the project's keys cannot be fetched.
 */
export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  // Only a token verified against the configured project is remembered.
  const known = recallVerified(token);
  if (known) return known;
  const { SUPABASE_URL } = requireConfig("Sign-in", "SUPABASE_URL");
  const authUrl = `${SUPABASE_URL.replace(/\/+$/, "")}/auth/v1`;
  const legacySecret = env().SUPABASE_JWT_SECRET;
  const secretKey = legacySecret === undefined ? undefined : new TextEncoder().encode(legacySecret);
  const keySet = projectKeySet(authUrl);
  // jose checks the header's alg against `algorithms` before asking for a key.
  const keyFor: JWTVerifyGetKey = (header, jws) =>
    header.alg === LEGACY_ALGORITHM && secretKey ? secretKey : keySet(header, jws);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyFor, {
      algorithms: secretKey ? [...ASYMMETRIC_ALGORITHMS, LEGACY_ALGORITHM] : ASYMMETRIC_ALGORITHMS,
      issuer: authUrl,
      audience: "authenticated",
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw verificationFailure(error);
  }
  const claims = AccessClaimsSchema.safeParse(payload);
  if (!claims.success) {
    log.info("access_token_rejected", {
      reason: "claims",
      claims: claims.error.issues.map((issue) => issue.path.join(".")),
    });
    throw invalidToken();
  }
  rememberVerified(token, claims.data);
  return claims.data;
}

function verificationFailure(error: unknown): ApiError {
  if (error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code)) {
    const claim = error instanceof errors.JWTClaimValidationFailed ? error.claim : undefined;
    log.info("access_token_rejected", { reason: error.code, claim });
    if (error instanceof errors.JWTExpired) {
      return new ApiError("unauthorized", "The access token is expired. Refresh the session.");
    }
    return invalidToken();
  }
  // The JWKS endpoint timed out, failed or answered nonsense: the token may be fine, so the caller
  // should retry rather than sign out.
  log.error("access_token_keys_unavailable", { error });
  return new ApiError("service_unavailable", "Sign-in cannot be checked right now. Try again.");
}

const invalidToken = () =>
  new ApiError("unauthorized", "The access token is not valid. Sign in again.");
