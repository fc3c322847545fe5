// Deleting one's own account, which only a person who has just proved who they are may do: a
// stolen access token must not be enough. The proof is a sign-in within the last five minutes,
// either the session's own (the access token's amr claim) or one made here with the current
// password. public.delete_my_account() checks that freshness itself, in the database, because
// a signed-in client can call it through the Data API without passing through Bastion.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { startSignInAttempt } from "./sign-in-limits.js";

/** Omitted (or no body at all) when the caller signed in within the last five minutes. */
export const AccountDeletion = z
  .strictObject({
    password: z.string().min(1, "Enter your current password").max(1024).optional(),
  })
  .optional();

export type AccountDeletion = z.infer<typeof AccountDeletion>;

/** delete_my_account() raises PT403 when the token's sign-in is not recent. */
const NOT_RECENT = "PT403";

const reauthenticate = (action = "delete the account") =>
  new ApiError(
    "reauthentication_required",
    `Send your current password, or sign in again and ${action} within 5 minutes.`,
  );

/** `ip`: the client's address, for the failed sign-in limits the password check counts in. */
export async function deleteAccount(
  db: SupabaseClient,
  caller: Caller,
  deletion: AccountDeletion,
  ip: string,
): Promise<void> {
  if (deletion?.password === undefined) {
    await deleteSignedInAccount(db);
    return;
  }
  const session = await signInAgain(caller, deletion.password, ip);
  try {
    await deleteSignedInAccount(session.db);
  } catch (error) {
    // On success the user's sessions are gone with the user; otherwise end the one made here.
    await session.signOut();
    throw error;
  }
}

async function deleteSignedInAccount(db: SupabaseClient): Promise<void> {
  const { error } = await db.rpc("delete_my_account");
  if (error?.code === NOT_RECENT) throw reauthenticate();
  if (error) throw new Error(`account deletion failed: ${error.code} ${error.message}`);
}

/**
 * A new session for the caller, made by signing in with `password` on a throwaway client that
 * keeps its session to itself. Its token's amr is seconds old, so the database accepts it.
 * `action` names what the proof is for in the refusal.
 */
export async function signInAgain(caller: Caller, password: string, ip: string, action?: string) {
  // A user without an email address signs in with their phone number (E.164 in the token).
  const account = caller.email?.trim().toLowerCase() || caller.claims.phone;
  if (!account) throw reauthenticate(action);
  // A wrong password here is a failed sign-in: it counts in the same counters as one at
  // POST /api/auth/login, per account and address and per account (sign-in-limits.ts), and a
  // right one takes its attempt back, so only guesses count and nobody else's requests for the
  // address (sign-ups, reset mails) can stop the owner deleting the account.
  const attempt = await startSignInAttempt(account, ip);
  const login = caller.email ? { email: caller.email } : { phone: account };

  // Loaded here, not at the top: only this path of the function signs in.
  const [{ isAuthApiError }, { authClient }, { userClient }] = await Promise.all([
    import("@supabase/supabase-js"),
    import("./auth-client.js"),
    import("../db/user-client.js"),
  ]);
  // A client of its own: it holds the new session, which no other request may see.
  const { auth } = authClient();
  const { data, error } = await auth.signInWithPassword({ ...login, password });
  if (error) {
    if (isAuthApiError(error) && error.code === "invalid_credentials") {
      throw new ApiError("reauthentication_required", "The password is not correct.");
    }
    // The auth server did not judge the password: the attempt does not count.
    await attempt.withdrawn();
    if (isAuthApiError(error) && error.status < 500 && error.status !== 429) {
      throw new Error(`sign-in to confirm the password failed: ${error.code}`);
    }
    log.warn("reauthentication_unavailable", { status: error.status, code: error.code });
    throw new ApiError("service_unavailable", "Your password cannot be checked right now.");
  }
  await attempt.succeeded();
  const signOut = async () => {
    await auth.signOut({ scope: "local" });
  };
  // The address on a token can be out of date; only a sign-in as the caller proves anything.
  if (data.user.id !== caller.userId) {
    await signOut();
    throw reauthenticate(action);
  }
  return { db: userClient(data.session.access_token), signOut };
}
