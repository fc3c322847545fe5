// A deleted account's access token stays valid until it expires: it verifies locally like any
// other, and Postgres still sees its user id. Whatever the request then writes that refers to the
// account (settings, consent, a booking: foreign keys to auth.users) fails, and so can anything
// else that expects the account's rows. The pipeline asks this module only after a handler has
// failed unexpectedly, so a healthy request never pays for the question: when Supabase Auth says
// the token's user no longer exists, the answer is 401 (sign in again), not a 500 that blames us.
import { authClient } from "../accounts/auth-client.js";
import { ApiError } from "../http/errors.js";
import type { Caller } from "./caller.js";

/** GoTrue's answer to /user for a token whose `sub` names no user (and the local stack's). */
const USER_NOT_FOUND = "user_not_found";

/**
 * The error to answer with: `unauthorized` when the caller's account has been deleted, else the
 * error unchanged. Any doubt (Auth unreachable, another refusal) keeps the original error.
 */
export async function unlessAccountDeleted(error: unknown, caller: Caller): Promise<unknown> {
  if (error instanceof ApiError) return error;
  if (!(await accountDeleted(caller.accessToken))) return error;
  return new ApiError(
    "unauthorized",
    "This account no longer exists. Sign in again with an account that does.",
  );
}

async function accountDeleted(accessToken: string): Promise<boolean> {
  try {
    const { error } = await authClient().auth.getUser(accessToken);
    return error?.code === USER_NOT_FOUND;
  } catch {
    return false;
  }
}
