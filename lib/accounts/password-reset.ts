// Forgotten passwords through Supabase Auth. The request mails a recovery link (Bastion's own
// password_reset email through the outbox; Supabase Auth's mail when the service role key is not
// set) and answers the same way, equally slowly, whether or not the address has an account. The
// reset redeems the mailed token, sets the new password, ends every other session of the account
// (whoever knew the old password is signed out) and signs the person in.
import type { AuthError, SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { appUrl, env } from "../env.js";
import { allowedOrigin } from "../http/cors.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { deliverNotifications } from "../notify/ledger/deliver.js";
import { authClient } from "./auth-client.js";
import { checkPassword } from "./password-policy.js";
import { queuePasswordResetMail } from "./password-reset-mail.js";
import { sessionResponse } from "./session.js";

/** The app's page that reads the token from the link and asks for the new password. */
export const RESET_PAGE_PATH = "/reset-password";

/**
 * Every answer to a reset request takes at least this long, so an address with an account
 * (Supabase Auth writes a token and sends a mail) cannot be told from one without (it answers at
 * once) by timing. It covers Supabase's own mail sending; a slower SMTP server shows through.
 */
export const RESET_REQUEST_MIN_MS = 1000;

export const ResetRequested = z
  .object({
    message: z.string(),
  })
  .meta({ id: "ResetRequested" });

/** `db.service` is read only when Bastion mails the link itself (the service role key is set). */
export async function requestPasswordReset(
  request: Request,
  email: string,
  db: { readonly service: SupabaseClient },
): Promise<z.infer<typeof ResetRequested>> {
  const earliestAnswer = Date.now() + RESET_REQUEST_MIN_MS;
  const resetPage = `${resetPageOrigin(request)}${RESET_PAGE_PATH}`;
  if (env().SUPABASE_SERVICE_ROLE_KEY !== undefined) {
    // After the response, in this function: how long the privileged step takes (longer for a
    // known address) must not show in this answer's timing.
    afterResponse(mailOwnResetLink(db.service, email, resetPage));
  } else {
    const { error } = await authClient().auth.resetPasswordForEmail(email, {
      redirectTo: resetPage,
    });
    // Refusals are logged and not answered: Supabase's answers differ for known addresses (a
    // mail rate limit, a failed send), so passing any of them on would tell who has an account.
    if (error) log.warn("password_reset_not_sent", { code: error.code, status: error.status });
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, earliestAnswer - Date.now())));
  return {
    message: "If an account uses this address, a link to reset its password is on its way.",
  };
}

/** Bastion's own password_reset email, queued in the outbox and delivered at once. */
async function mailOwnResetLink(
  service: SupabaseClient,
  email: string,
  resetPage: string,
): Promise<void> {
  if (await queuePasswordResetMail(service, email, resetPage)) await deliverNotifications();
}

/**
 * The origin of the app page the link leads to: the request's Origin when it is one of
 * ALLOWED_ORIGINS (an SPA served apart from the API), else the app's own (APP_URL). Never the
 * request's Host or any other origin the caller chooses: a link to a foreign site would hand it
 * the reset token.
 */
function resetPageOrigin(request: Request): string {
  return allowedOrigin(request) ?? appUrl();
}

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
