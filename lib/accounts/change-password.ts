// Changing the password of a signed-in account: a stolen access token alone must not be enough,
// so the caller proves who they are with the current password or with a sign-in less than five
// minutes old (the token's amr claim, as account deletion). The new password is set with the
// caller's own token, so Supabase Auth keeps the caller's session and ends every other one
// (whoever knew the old password is signed out); Bastion asks for that once more explicitly.
import { decodeJwt } from "jose";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { signInAgain } from "./account-deletion.js";
import { checkPassword, PASSWORD_MAX } from "./password-policy.js";

/** A sign-in younger than this proves the caller without the current password. */
export const RECENT_SIGN_IN_SECONDS = 300;
const AUTH_TIMEOUT_MS = 10_000;
const ACTION = "change the password";

export const PasswordChange = z
  .strictObject({
    currentPassword: z
      .string()
      .min(1, "Enter your current password")
      .max(1024)
      .optional()
      .describe("Needed unless the session signed in within the last 5 minutes"),
    newPassword: z.string().max(PASSWORD_MAX * 4),
  })
  .meta({ id: "PasswordChange" });
export type PasswordChange = z.infer<typeof PasswordChange>;

/** `ip`: the client's address; a wrong current password counts as a failed sign-in there. */
export async function changePassword(
  caller: Caller,
  change: PasswordChange,
  ip: string,
): Promise<Response> {
  const problems = checkPassword(change.newPassword, caller.email ?? "");
  if (problems.length > 0) {
    throw new ApiError("validation_failed", "Choose a stronger password.", {
      errors: { newPassword: problems },
    });
  }
  if (change.currentPassword === undefined) {
    if (!signedInRecently(caller)) {
      throw new ApiError(
        "reauthentication_required",
        `Send your current password, or sign in again and ${ACTION} within 5 minutes.`,
      );
    }
  } else {
    // Only the proof is wanted from this session: it ends at once.
    const proof = await signInAgain(caller, change.currentPassword, ip, ACTION);
    await proof.signOut();
  }
  await setPassword(caller.accessToken, change.newPassword);
  await endOtherSessions(caller.accessToken);
  return new Response(null, { status: 204 });
}

/** Whether the session's latest sign-in (amr timestamps) is recent. */
export function signedInRecently(caller: Caller, now = Date.now()): boolean {
  // The verified token's own amr: the claims schema keeps only what authorization reads.
  const { amr } = decodeJwt(caller.accessToken);
  const times = Array.isArray(amr)
    ? amr.map((entry) => Number((entry as { timestamp?: unknown })?.timestamp))
    : [];
  const latest = Math.max(...times.filter(Number.isFinite));
  return Number.isFinite(latest) && latest >= now / 1000 - RECENT_SIGN_IN_SECONDS;
}

/** PUT /auth/v1/user with the caller's token: Supabase Auth ends the account's other sessions. */
async function setPassword(accessToken: string, password: string): Promise<void> {
  const response = await authRequest("PUT", "/user", accessToken, { password });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  // GoTrue names the refusal in the body's error_code (and, since API version 2024-01-01, in
  // the X-Sb-Error-Code header); its message is never passed on.
  const body = (await response.json().catch(() => undefined)) as
    | { error_code?: unknown }
    | undefined;
  const code =
    response.headers.get("x-sb-error-code") ??
    (typeof body?.error_code === "string" ? body.error_code : undefined);
  if (code === "same_password") {
    throw new ApiError("validation_failed", "This is already your password.", {
      errors: { newPassword: ["This is your current password."] },
    });
  }
  if (code === "weak_password" || response.status === 422) {
    throw new ApiError("validation_failed", "Choose a stronger password.", {
      errors: { newPassword: ["Supabase refused this password as too weak."] },
    });
  }
  if (response.status === 401 || response.status === 403) {
    // The session ended (signed out elsewhere) after its token was issued.
    throw new ApiError("unauthorized", "Sign in again.");
  }
  log.error("auth_provider_error", { operation: "change_password", status: response.status, code });
  throw new ApiError("service_unavailable", "Please try again in a moment.");
}

async function endOtherSessions(accessToken: string): Promise<void> {
  const response = await authRequest("POST", "/logout?scope=others", accessToken).catch(
    (error: unknown) => error,
  );
  if (response instanceof Response && response.ok) return;
  // Supabase Auth ended the other sessions already with the password change; this is the
  // explicit second step, so a failure is logged loudly but does not undo the change.
  log.error("password_change_sessions_not_ended", {
    status: response instanceof Response ? response.status : undefined,
  });
}

async function authRequest(
  method: string,
  path: string,
  accessToken: string,
  body?: object,
): Promise<Response> {
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = requireConfig(
    "Accounts",
    "SUPABASE_URL",
    "SUPABASE_ANON_KEY",
  );
  try {
    return await fetch(`${SUPABASE_URL.replace(/\/+$/, "")}/auth/v1${path}`, {
      method,
      headers: {
        apikey: SUPABASE_ANON_KEY,
        authorization: `Bearer ${accessToken}`,
        "content-type": "application/json",
      },
      ...(body && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(AUTH_TIMEOUT_MS),
    });
  } catch (error) {
    log.error("auth_provider_error", { operation: "change_password", error });
    throw new ApiError("service_unavailable", "Please try again in a moment.");
  }
}
