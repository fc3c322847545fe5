// Forgotten passwords: POST /api/auth/forgot-password mails a recovery link — Bastion's own
// password_reset email through the outbox, or Supabase Auth's mail when the service role key is
// not set — and answers the same way, equally slowly, whether or not the address has an account.
// Bastion's own mail is the privileged step: the Auth admin API makes the link
// (auth.admin.generateLink, without Supabase's mail) and the outbox row holds it sealed, so the
// endpoint declares `privileged: true` and does that work in its own function after answering.
// The link's origin comes from configuration, never from the request's Host.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { sealPersonalData } from "../crypto/personal-data.js";
import { appUrl, env } from "../env.js";
import { allowedOrigin } from "../http/cors.js";
import { log } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { deliverQueued } from "../notify/outbox/then-deliver.js";
import { RESET_LINK_MINUTES, RESET_URL_CONTEXT } from "../notify/reset-link.js";
import { authClient } from "./auth-client.js";
import { earliestAnswer } from "./earliest-answer.js";

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
  headers: Headers,
  email: string,
  db: { readonly service: SupabaseClient },
): Promise<z.infer<typeof ResetRequested>> {
  const answer = earliestAnswer(RESET_REQUEST_MIN_MS);
  const resetPage = `${resetPageOrigin(headers)}${RESET_PAGE_PATH}`;
  if (env().SUPABASE_SERVICE_ROLE_KEY !== undefined) {
    // After the response, in this function: how long the privileged step takes (longer for a
    // known address) must not show in this answer's timing.
    afterResponse(() => mailOwnResetLink(db.service, email, resetPage));
  } else {
    const { error } = await authClient().auth.resetPasswordForEmail(email, {
      redirectTo: resetPage,
    });
    // Refusals are logged and not answered: Supabase's answers differ for known addresses (a
    // mail rate limit, a failed send), so passing any of them on would tell who has an account.
    if (error) log.warn("password_reset_not_sent", { code: error.code, status: error.status });
  }
  await answer.reached();
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
  if (await queuePasswordResetMail(service, email, resetPage)) await deliverQueued(service);
}

/**
 * The origin of the app page the link leads to: the request's Origin when it is one of
 * ALLOWED_ORIGINS (an SPA served apart from the API), else the app's own (APP_URL). Never the
 * request's Host or any other origin the caller chooses: a link to a foreign site would hand it
 * the reset token.
 */
function resetPageOrigin(headers: Headers): string {
  return allowedOrigin(headers) ?? appUrl();
}

/**
 * `resetPage`: the app's reset page, from configuration (never from the request's Host); the
 * mailed link is `<resetPage>#token=<token hash>`. True when a mail was queued.
 */
export async function queuePasswordResetMail(
  service: SupabaseClient,
  email: string,
  resetPage: string,
): Promise<boolean> {
  const { data, error } = await service.auth.admin.generateLink({
    type: "recovery",
    email,
    options: { redirectTo: resetPage },
  });
  if (error) {
    // Unknown addresses are the common case; anything else is logged, never answered upstream.
    if (error.status !== 404) log.warn("password_reset_link_failed", { code: error.code });
    return false;
  }
  const resetUrl = new URL(resetPage);
  resetUrl.hash = `token=${data.properties.hashed_token}`;
  const queued = await service.rpc("enqueue_password_reset", {
    p_user_id: data.user.id,
    p_request_id: randomUUID(),
    p_reset_url_sealed: sealPersonalData(resetUrl.href, RESET_URL_CONTEXT),
    p_expires_at: new Date(Date.now() + RESET_LINK_MINUTES * 60_000).toISOString(),
  });
  if (queued.error) {
    throw new Error(
      `queueing a password reset failed: ${queued.error.code} ${queued.error.message}`,
    );
  }
  return true;
}
