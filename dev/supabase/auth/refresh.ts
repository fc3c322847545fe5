// The refresh_token grant with GoTrue's rotation and reuse detection (internal/tokens/service.go,
// supabase/auth PR #466). Each refresh revokes the presented token and issues its child. A revoked
// token presented again is accepted only when it is the parent of the session's active token (the
// client lost the answer: it gets the active token back) or when it was revoked less than the
// reuse interval ago (concurrent tabs); otherwise it is taken as stolen and the whole family — every
// token of the session — is revoked.
import type { Query } from "../database.js";
import type { AuthContext } from "./context.js";
import { AuthError, badRequest } from "./errors.js";
import { newRefreshToken, type SessionJson, sessionJson } from "./sessions.js";
import { findUserById, type UserRow } from "./users.js";

interface PresentedToken {
  token: string;
  revoked: boolean;
  session_id: string;
  user_id: string;
  reusable: boolean;
  session_expired: boolean;
}

export async function refreshTokenGrant(
  context: AuthContext,
  refreshToken: string,
): Promise<SessionJson> {
  // A family revocation must be committed although the request fails, so rotate() returns its
  // error instead of throwing it (GoTrue's storage.NewCommitWithError).
  const outcome = await context.db.transaction({}, (query) => rotate(context, query, refreshToken));
  if (outcome instanceof AuthError) throw outcome;
  return outcome;
}

async function rotate(
  context: AuthContext,
  query: Query,
  refreshToken: string,
): Promise<SessionJson | AuthError> {
  const { rows } = await query<PresentedToken>(
    `select t.token, t.revoked, t.session_id, t.user_id,
            t.updated_at + make_interval(secs => $2::float8) >= now() as reusable,
            coalesce(s.not_after < now(), false) as session_expired
       from auth.refresh_tokens t join auth.sessions s on s.id = t.session_id
      where t.token = $1
        for update of t, s`,
    [refreshToken, String(context.refreshTokenReuseIntervalSeconds)],
  );
  const presented = rows[0];
  if (!presented) {
    return badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
  }
  const user = (await findUserById(query, presented.user_id)) as UserRow;
  if (user.is_banned) return badRequest("user_banned", "Invalid Refresh Token: User Banned");
  if (presented.session_expired) {
    return badRequest("session_expired", "Invalid Refresh Token: Session Expired");
  }
  const sessionId = presented.session_id;

  if (presented.revoked) {
    const { rows: active } = await query<{ token: string; parent: string | null }>(
      `select token, parent from auth.refresh_tokens
        where session_id = $1 and not revoked order by id desc limit 1`,
      [sessionId],
    );
    if (active[0]?.parent === presented.token) {
      return sessionJson(context, query, user, sessionId, active[0].token);
    }
    if (!presented.reusable) {
      // As in GoTrue, this stamps the revocation time on the family's newest token, so within
      // the reuse interval even that one is still accepted.
      await query(
        `update auth.refresh_tokens set revoked = true, updated_at = now()
          where session_id = $1 and not revoked`,
        [sessionId],
      );
      return badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
    }
  }

  // A token reused within the interval keeps its revocation time: reuse does not extend it.
  await query(
    `update auth.refresh_tokens set revoked = true, updated_at = now()
      where token = $1 and not revoked`,
    [presented.token],
  );
  const child = newRefreshToken();
  await query(
    `insert into auth.refresh_tokens (token, user_id, session_id, parent)
     values ($1, $2, $3, $4)`,
    [child, user.id, sessionId, presented.token],
  );
  await query("update auth.sessions set updated_at = now() where id = $1", [sessionId]);
  return sessionJson(context, query, user, sessionId, child);
}
