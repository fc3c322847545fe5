// Sessions and the Session JSON a sign-in answers with (supabase/auth internal/tokens/service.go):
// every sign-in starts an auth.sessions row with its first refresh token and amr entry.
import { randomBytes } from "node:crypto";
import type { Query } from "../database.js";
import type { SigningKeys } from "../keys.js";
import { ACCESS_TOKEN_SECONDS, type AmrEntry, signAccessToken } from "./access-tokens.js";
import type { JsonObject } from "./request.js";
import { type UserRow, updateUser, userJson } from "./users.js";

/** What signing a Session needs: the key and the Auth API's URL, the tokens' iss claim. */
export interface TokenIssuer {
  keys: SigningKeys;
  /** `${publicUrl}/auth/v1`, read per request because the port is known only once listening. */
  authUrl: () => string;
}

/** How a session was authenticated, as GoTrue names it in the amr claim. */
export type AuthenticationMethod = "password" | "otp" | "oauth";

/** GoTrue's AccessTokenResponse, what sign-ins and refreshes answer with. */
export interface SessionJson {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: JsonObject;
}

export function newRefreshToken(): string {
  return randomBytes(16).toString("base64url");
}

export async function startSession(
  issuer: TokenIssuer,
  query: Query,
  user: UserRow,
  method: AuthenticationMethod,
): Promise<SessionJson> {
  const { rows } = await query<{ id: string }>(
    "insert into auth.sessions (user_id) values ($1) returning id",
    [user.id],
  );
  const sessionId = (rows[0] as { id: string }).id;
  await query(
    "insert into auth.mfa_amr_claims (session_id, authentication_method) values ($1, $2)",
    [sessionId, method],
  );
  const refreshToken = newRefreshToken();
  await query("insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)", [
    refreshToken,
    user.id,
    sessionId,
  ]);
  const signedIn = await updateUser(query, user.id, "last_sign_in_at = now()");
  return sessionJson(issuer, query, signedIn, sessionId, refreshToken);
}

/** The Session JSON for an existing session, with a fresh access token. */
export async function sessionJson(
  issuer: TokenIssuer,
  query: Query,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
): Promise<SessionJson> {
  const { rows } = await query<{ aal: string; amr: AmrEntry[] }>(
    `select s.aal,
            coalesce((select jsonb_agg(jsonb_build_object(
                        'method', c.authentication_method,
                        'timestamp', extract(epoch from c.updated_at)::bigint
                      ) order by c.updated_at desc)
                      from auth.mfa_amr_claims c where c.session_id = s.id), '[]') as amr
       from auth.sessions s where s.id = $1`,
    [sessionId],
  );
  const session = rows[0] as { aal: string; amr: AmrEntry[] };
  const { token, expiresAt } = await signAccessToken(issuer.keys, issuer.authUrl(), user, {
    sessionId,
    aal: session.aal,
    amr: session.amr,
  });
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

export type LogoutScope = "global" | "local" | "others";

/** Ends sessions of the user; their refresh tokens go with them (on delete cascade). */
export async function endSessions(
  query: Query,
  userId: string,
  sessionId: string | null,
  scope: LogoutScope,
): Promise<void> {
  // GoTrue logs a token without a session_id out everywhere, whatever the scope.
  if (sessionId === null || scope === "global") {
    await query("delete from auth.sessions where user_id = $1", [userId]);
  } else if (scope === "local") {
    await query("delete from auth.sessions where id = $1", [sessionId]);
  } else {
    await query("delete from auth.sessions where user_id = $1 and id <> $2", [userId, sessionId]);
  }
}
