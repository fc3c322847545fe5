// Sessions through Supabase Auth, with the refresh token kept out of the browser's JavaScript:
// it goes into the httpOnly cookie and comes back only on refresh and logout, which must come
// from our own origin. Supabase Auth rotates refresh tokens and revokes the whole session when a
// rotated one is replayed; every failure here clears the cookie and says only "sign in again".
import type { AuthError, SupabaseClient } from "@supabase/supabase-js";
import type { z } from "zod";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { noticeExistingAccount } from "./account-exists-notice.js";
import { authClient } from "./auth-client.js";
import { requireOwnOrigin } from "./csrf.js";
import { earliestAnswer } from "./earliest-answer.js";
import { saveRegisteredName } from "./ledger/write-profile.js";
import { checkPassword } from "./password-policy.js";
import { clearedRefreshCookie, readRefreshCookie } from "./refresh-cookie.js";
import { type ConfirmationRequired, remainingLifetimeSeconds, sessionResponse } from "./session.js";
import { startSignInAttempt } from "./sign-in-limits.js";

export interface Registration {
  email: string;
  password: string;
  fullName: string;
}

/**
 * With email confirmation on, every sign-up that may be for an existing account answers this long
 * after it started at the earliest: Supabase Auth mails a confirmation to a new address (slow)
 * and does nothing for a taken one (fast). Like forgot-password's floor it covers Supabase's own
 * mail sending; a slower SMTP server shows through.
 */
export const REGISTRATION_ANSWER_MIN_MS = 1000;

/**
 * `service` writes the name into the new profile, sealed (ledger/write-profile.ts), and queues
 * the account_exists notice. The name is not sent to Supabase Auth as user_metadata, where it
 * would be kept in the clear.
 *
 * With email confirmation on (Supabase's default), a new, an unconfirmed and an existing address
 * all get the same 202 {confirmationRequired: true}, equally late; the owner of an existing one
 * is mailed the account_exists notice instead. With it off, Supabase Auth itself refuses a taken
 * address, and so the 409 here says the address has an account (README, "Accounts").
 */
export async function register(
  { email, password, fullName }: Registration,
  service: SupabaseClient,
): Promise<Response> {
  const problems = checkPassword(password, email);
  if (problems.length > 0) {
    throw new ApiError("validation_failed", "Choose a stronger password.", {
      errors: { password: problems },
    });
  }
  const answer = earliestAnswer(REGISTRATION_ANSWER_MIN_MS);
  const confirmationRequired = async () => {
    await answer.reached();
    const body: z.infer<typeof ConfirmationRequired> = { confirmationRequired: true };
    return Response.json(body, { status: 202 });
  };
  const { data, error } = await authClient().auth.signUp({ email, password });
  if (error) {
    // Only with auto-confirm (email confirmation off) does Supabase refuse a taken address.
    if (error.code === "user_already_exists" || error.code === "email_exists") {
      throw new ApiError("conflict", "An account could not be created with these details.");
    }
    // An unconfirmed account whose confirmation mail went out within the minute: the mail is on
    // its way, and a new address would have been told just that.
    if (error.code === "over_email_send_rate_limit") return confirmationRequired();
    if (error.code === "weak_password") {
      throw new ApiError("validation_failed", "Choose a stronger password.", {
        errors: { password: ["Supabase refused this password as too weak."] },
      });
    }
    throw authUnavailable("register", error);
  }
  // Supabase Auth's made-up user for a confirmed account's address: no identities, no session.
  if (data.user?.identities?.length === 0) {
    afterResponse(noticeExistingAccount(service, email));
    return confirmationRequired();
  }
  // A new account, or an unconfirmed one Supabase Auth hands back for its address: its own
  // sign-up named it, and a repeat (by anyone) must not rename it, so only an unnamed profile
  // is written.
  if (data.user) await saveRegisteredName(service, data.user.id, fullName);
  if (!data.session) return confirmationRequired();
  return sessionResponse(data.session, 201);
}

/**
 * Every refused sign-in answers this long after the request started at the earliest: a wrong
 * password for an account makes the auth server check a bcrypt hash (about 100 ms on the local
 * stack, similar on GoTrue plus the round trip to a hosted project), while an unknown address is
 * refused at once (about 15 ms), so without the floor the time would tell who has an account.
 */
export const SIGN_IN_REFUSAL_MIN_MS = 500;

/** `ip`: the client's address, for the failed sign-in limits (sign-in-limits.ts). */
export async function login(email: string, password: string, ip: string): Promise<Response> {
  const answer = earliestAnswer(SIGN_IN_REFUSAL_MIN_MS);
  const attempt = await startSignInAttempt(email, ip);
  const { data, error } = await authClient().auth.signInWithPassword({ email, password });
  if (error || !data.session) {
    // Wrong password, unknown address and unconfirmed address all read the same, equally late.
    if (!error || error.status === 400 || error.code === "invalid_credentials") {
      await answer.reached();
      throw new ApiError("invalid_credentials", "Check the email and password and try again.");
    }
    await attempt.withdrawn();
    throw authUnavailable("login", error);
  }
  await attempt.succeeded();
  return sessionResponse(data.session, 200);
}

export async function refresh(request: Request): Promise<Response> {
  requireOwnOrigin(request);
  const refreshToken = readRefreshCookie(request);
  if (!refreshToken) throw sessionEnded("no_cookie");
  const client = authClient();
  const { data, error } = await client.auth.refreshSession({ refresh_token: refreshToken });
  if (error || !data.session) {
    if (error && error.status !== undefined && error.status >= 500)
      throw authUnavailable("refresh", error);
    // Includes a replayed rotated token: Supabase Auth has revoked the whole session by now.
    throw sessionEnded(error?.code ?? "no_session");
  }
  if (remainingLifetimeSeconds(data.session.access_token) <= 0) {
    await client.auth.signOut({ scope: "local" });
    throw sessionEnded("lifetime_exceeded");
  }
  return sessionResponse(data.session, 200);
}

export type LogoutScope = "local" | "global";

export async function logout(request: Request, scope: LogoutScope): Promise<Response> {
  requireOwnOrigin(request);
  const cleared = new Response(null, {
    status: 204,
    headers: { "set-cookie": clearedRefreshCookie() },
  });
  const refreshToken = readRefreshCookie(request);
  if (!refreshToken) return cleared;
  // Sign-out needs an access token of this session; the cookie's refresh token gets one.
  const client = authClient();
  const { data } = await client.auth.refreshSession({ refresh_token: refreshToken });
  if (data.session) {
    const { error } = await client.auth.signOut({ scope });
    if (error) log.warn("logout_incomplete", { code: error.code, status: error.status });
  }
  return cleared;
}

function sessionEnded(reason: string): ApiError {
  log.info("session_refresh_refused", { reason });
  return new ApiError("session_expired", "Sign in again.", {
    headers: { "set-cookie": clearedRefreshCookie() },
  });
}

function authUnavailable(operation: string, error: AuthError): ApiError {
  log.error("auth_provider_error", { operation, code: error.code, status: error.status });
  return new ApiError("service_unavailable", "Please try again in a moment.");
}
