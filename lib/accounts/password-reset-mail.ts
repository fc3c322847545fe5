// The privileged half of "forgot password", run by POST /api/auth/forgot-password (which declares
// `privileged: true` and passes its service client) after its answer has gone: asks the Auth
// server for a recovery token without its mail (auth.admin.generateLink) and queues Bastion's own
// password_reset email with the link sealed in the outbox row. An address without an account
// queues nothing — and the public endpoint answers the same either way.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { sealPersonalData } from "../crypto/personal-data.js";
import { log } from "../log.js";
import { RESET_LINK_MINUTES, RESET_URL_CONTEXT } from "../notify/reset-link.js";

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
