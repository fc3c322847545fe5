// Confirming an email address with the link Supabase Auth mails at sign-up (email confirmation
// on, a project's default), which also signs the person in. The Confirm signup template links to
// the app's page, APP_URL/auth/confirm#token_hash={{ .TokenHash }}&type=email (README, "Supabase
// Auth settings"): opening the page redeems nothing, so a mail scanner that fetches every link
// cannot spend the one-time token. The page asks the person to confirm and posts the token hash
// here; Supabase Auth's verifyOtp redeems it for a session, whose refresh token goes into the
// refresh cookie as at sign-in. The token travels in the fragment, which no server sees: not
// the static host's logs, not a Referer.
import type { AuthError } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { authClient } from "./auth-client.js";
import { sessionResponse } from "./session.js";

/** The app's page the confirmation link opens. */
export const EMAIL_CONFIRMATION_PAGE_PATH = "/auth/confirm";

export const EmailConfirmation = z.strictObject({
  tokenHash: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\w-]+$/)
    .describe("`token_hash` from the confirmation link"),
  type: z
    .enum(["email", "signup"])
    .default("email")
    .describe(
      "`type` from the link: `email` (Supabase's current name), or `signup` from an older template",
    ),
});

export type EmailConfirmation = z.infer<typeof EmailConfirmation>;

export async function confirmEmail({ tokenHash, type }: EmailConfirmation): Promise<Response> {
  const { data, error } = await authClient().auth.verifyOtp({ token_hash: tokenHash, type });
  if (error || !data.session) {
    // Supabase's own rate limit (429) says nothing about the link: it may well be valid.
    if (error?.status !== undefined && (error.status === 429 || error.status >= 500)) {
      throw authUnavailable(error);
    }
    log.info("email_confirmation_refused", { code: error?.code ?? "no_session" });
    // Unknown, expired and used links all read the same; a used one most likely confirmed the
    // address already (a second click, another device).
    throw new ApiError(
      "bad_request",
      "This confirmation link has expired or has been used. If you confirmed your address already, sign in; otherwise register again for a new link.",
    );
  }
  return sessionResponse(data.session, 200);
}

function authUnavailable(error: AuthError): ApiError {
  log.error("auth_provider_error", {
    operation: "confirm",
    code: error.code,
    status: error.status,
  });
  return new ApiError("service_unavailable", "Please try again in a moment.");
}
