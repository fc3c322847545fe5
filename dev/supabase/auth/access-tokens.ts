// User access tokens: GoTrue's claims (internal/tokens/service.go), signed with the stack's ES256
// key, and the checks GoTrue runs on a presented Bearer token before /user and /logout.
import { decodeJwt, type JWTPayload } from "jose";
import type { Query } from "../database.js";
import type { SigningKeys } from "../keys.js";
import { forbidden } from "./errors.js";
import { bearerToken, isUuid } from "./request.js";
import { appMetadata, findUserById, type UserRow } from "./users.js";

export const ACCESS_TOKEN_SECONDS = 3600;

/** One entry of the amr claim: how and when the session was authenticated. */
export interface AmrEntry {
  method: string;
  timestamp: number;
}

export interface SessionClaims {
  sessionId: string;
  aal: string;
  amr: AmrEntry[];
}

export async function signAccessToken(
  keys: SigningKeys,
  issuer: string,
  user: UserRow,
  session: SessionClaims,
): Promise<{ token: string; expiresAt: number }> {
  const token = await keys.sign(
    {
      iss: issuer,
      sub: user.id,
      aud: user.aud,
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: appMetadata(user),
      user_metadata: user.raw_user_meta_data,
      role: user.role,
      aal: session.aal,
      amr: session.amr,
      session_id: session.sessionId,
      is_anonymous: user.is_anonymous,
    },
    ACCESS_TOKEN_SECONDS,
  );
  // The response's expires_at must be the token's own exp, whichever second it was signed in.
  return { token, expiresAt: decodeJwt(token).exp ?? 0 };
}

export interface Authenticated {
  user: UserRow;
  /** Null for tokens without a session_id claim, which GoTrue still accepts. */
  sessionId: string | null;
  claims: JWTPayload;
}

/**
 * GoTrue's requireAuthentication: a valid signature, a sub naming an existing user, and a
 * session_id (when present) naming a session that still exists — so a logged-out access token
 * stops working here even before it expires.
 */
export async function authenticate(
  keys: SigningKeys,
  query: Query,
  request: Request,
): Promise<Authenticated> {
  const claims = await verifiedClaims(keys, bearerToken(request));
  if (!claims.sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  if (!isUuid(claims.sub)) throw forbidden("bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await findUserById(query, claims.sub);
  if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  const sessionId = typeof claims.session_id === "string" ? claims.session_id : "";
  if (!sessionId) return { user, sessionId: null, claims };
  if (!isUuid(sessionId)) {
    throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
  }
  const { rows } = await query("select 1 from auth.sessions where id = $1", [sessionId]);
  if (rows.length === 0) {
    throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
  }
  return { user, sessionId, claims };
}

export async function verifiedClaims(keys: SigningKeys, token: string): Promise<JWTPayload> {
  try {
    return await keys.verify(token);
  } catch (error) {
    throw forbidden(
      "bad_jwt",
      `invalid JWT: unable to parse or verify signature, ${(error as Error).message}`,
    );
  }
}
