// Sign-up through Supabase Auth (POST /api/auth/register). Privileged: the name is written
// into the new profile sealed, and the owner of a taken address is mailed a notice, both by the
// server; so this lives apart from sign-in, refresh and logout, which never reach the service
// client.
import type { SupabaseClient } from "@supabase/supabase-js";
import type * as z from "zod";
import { ApiError } from "../http/errors.js";
import { afterResponse } from "../notify/after-response.js";
import { noticeExistingAccount } from "./account-exists-notice.js";
import { authClient } from "./auth-client.js";
import { earliestAnswer } from "./earliest-answer.js";
import { checkPassword } from "./password-policy.js";
import { type ConfirmationRequired, sessionResponse } from "./session.js";
import { authUnavailable } from "./sessions.js";
import { saveRegisteredName } from "./write-profile.js";

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
 * `service` writes the name into the new profile, sealed (write-profile.ts), and queues
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
  /** The request's: an allowlisted extension gets the refresh token in the body (session.ts). */
  headers?: Headers,
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
    afterResponse(() => noticeExistingAccount(service, email));
    return confirmationRequired();
  }
  // A new account, or an unconfirmed one Supabase Auth hands back for its address: its own
  // sign-up named it, and a repeat (by anyone) must not rename it, so only an unnamed profile
  // is written.
  if (data.user) await saveRegisteredName(service, data.user.id, fullName);
  if (!data.session) return confirmationRequired();
  return sessionResponse(data.session, 201, headers);
}
