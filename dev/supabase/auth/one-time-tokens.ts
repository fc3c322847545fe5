// Emailed one-time tokens, kept as GoTrue keeps them: the mail carries a 6-digit code and a link
// with token_hash = hex(sha224(email + code)); only that hash is stored, so /verify accepts either
// {token_hash} or {email, token} by recomputing it. One live token per user and kind, single use,
// valid for an hour (the Supabase CLI's otp_expiry).
import { createHash, randomInt } from "node:crypto";
import type { Query } from "../database.js";

export type OneTimeTokenType = "confirmation_token" | "recovery_token" | "email_change_token_new";

const LIFETIME_SECONDS = 3600;

export function tokenHash(email: string, code: string): string {
  return createHash("sha224")
    .update(email + code)
    .digest("hex");
}

export interface IssuedToken {
  code: string;
  tokenHash: string;
}

/** Replaces the user's token of this kind with a new one sent to `email`. */
export async function issueOneTimeToken(
  query: Query,
  userId: string,
  type: OneTimeTokenType,
  email: string,
): Promise<IssuedToken> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const hash = tokenHash(email, code);
  await query("delete from auth.one_time_tokens where user_id = $1 and token_type = $2", [
    userId,
    type,
  ]);
  await query(
    `insert into auth.one_time_tokens (user_id, token_type, token_hash, relates_to)
     values ($1, $2, $3, $4)`,
    [userId, type, hash, email],
  );
  return { code, tokenHash: hash };
}

export interface RedeemedToken {
  userId: string;
  /** The address the token was sent to. */
  email: string;
}

/** Deletes the token and returns whom it was for; undefined when unknown, used or expired. */
export async function redeemOneTimeToken(
  query: Query,
  type: OneTimeTokenType,
  hash: string,
): Promise<RedeemedToken | undefined> {
  const { rows } = await query<{ user_id: string; relates_to: string; fresh: boolean }>(
    `delete from auth.one_time_tokens where token_type = $1 and token_hash = $2
     returning user_id, relates_to, created_at > now() - make_interval(secs => $3::float8) as fresh`,
    [type, hash, String(LIFETIME_SECONDS)],
  );
  const token = rows[0];
  return token?.fresh ? { userId: token.user_id, email: token.relates_to } : undefined;
}
