// Resetting a forgotten password with the token from the mailed link (forgot-password.ts mails
// it): redeems the token, sets the new password, ends every other session of the account
// (whoever knew the old password is signed out) and signs the person in.
import type { AuthError, SupabaseClient } from "@supabase/supabase-js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { authClient } from "./auth-client.js";
import { checkPassword } from "./password-policy.js";
import { sessionResponse } from "./session.js";

export async function resetPassword(token: string, password: string): Promise<Response> {
  // Everything that can be checked before the token is redeemed is, so a refused password
  // leaves the link usable; only "not your email address" needs the account, known afterwards.
  refuseWeak(password, "");
  const client = authClient();
  const { data, error } = await client.auth.verifyOtp({ token_hash: token, type: "recovery" });
  if (error || !data.session) {
    // Supabase's own rate limit (429) says nothing about the link: it may well be valid.
    if (error?.status !== undefined && (error.status === 429 || error.status >= 500)) {
      throw authUnavailable("verify", error);
    }
    log.info("password_reset_refused", { code: error?.code ?? "no_session" });
    // Unknown, expired and used tokens all read the same.
    throw new ApiError("bad_request", "This reset link is not valid any more. Ask for a new one.");
  }
  try {
    refuseWeak(password, data.session.user.email ?? "");
    const updated = await client.auth.updateUser({ password });
    if (updated.error) throw refusedUpdate(updated.error);
  } catch (failure) {
    // The redeemed link has signed the person in; that session must not outlive the failure.
    await endRecoverySession(client);
    throw failure;
  }
  const others = await client.auth.signOut({ scope: "others" });
  // Supabase Auth has ended the other sessions already when the password changed; this is the
  // explicit second step, so a failure is logged loudly but does not undo the reset.
  if (others.error) {
    log.error("password_reset_sessions_not_ended", {
      code: others.error.code,
      status: others.error.status,
    });
  }
  return sessionResponse(data.session, 200);
}

function refuseWeak(password: string, email: string): void {
  // The policy includes bcrypt's 72-byte limit, which Supabase would enforce only after the
  // token had been redeemed.
  const problems = checkPassword(password, email);
  if (problems.length > 0) {
    const detail = email
      ? "Choose a stronger password, then ask for a new reset link: this one has been used."
      : "Choose a stronger password.";
    throw new ApiError("validation_failed", detail, { errors: { password: problems } });
  }
}

function refusedUpdate(error: AuthError): ApiError {
  if (error.code === "same_password") {
    return new ApiError("validation_failed", "This is already your password: sign in with it.", {
      errors: { password: ["This is your current password."] },
    });
  }
  if (error.code === "weak_password" || error.status === 422) {
    return new ApiError(
      "validation_failed",
      "Choose a stronger password, then ask for a new reset link: this one has been used.",
      { errors: { password: ["Supabase refused this password as too weak."] } },
    );
  }
  return authUnavailable("update_password", error);
}

async function endRecoverySession(client: SupabaseClient): Promise<void> {
  const { error } = await client.auth.signOut({ scope: "local" });
  if (error)
    log.warn("password_reset_session_not_ended", { code: error.code, status: error.status });
}

function authUnavailable(operation: string, error: AuthError): ApiError {
  log.error("auth_provider_error", { operation, code: error.code, status: error.status });
  return new ApiError("service_unavailable", "Please try again in a moment.");
}
