// The privileged half of "forgot password" (POST /api/admin/password-reset-mail, called by
// POST /api/auth/forgot-password with CRON_SECRET): asks the Auth server for a recovery token
// without its mail (auth.admin.generateLink), and queues Bastion's own password_reset email with
// the link sealed in the outbox row, then delivers it. An address without an account queues
// nothing — and the public endpoint answers the same either way.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { sealPersonalData } from "../crypto/personal-data.js";
import { serviceClient } from "../db/service-client.js";
import { log } from "../log.js";
import { RESET_LINK_MINUTES, RESET_URL_CONTEXT } from "../notify/reset-link.js";

export const ResetMailRequest = z.strictObject({
  email: z.email().max(254),
  /** The app's reset page; the link is `<redirectTo>#token=<token hash>`. */
  redirectTo: z.url().max(2000),
});
export type ResetMailRequest = z.infer<typeof ResetMailRequest>;

export const ResetMailQueued = z.object({ queued: z.boolean() }).meta({ id: "ResetMailQueued" });
export type ResetMailQueued = z.infer<typeof ResetMailQueued>;

export async function queuePasswordResetMail(request: ResetMailRequest): Promise<ResetMailQueued> {
  const db = serviceClient();
  const { data, error } = await db.auth.admin.generateLink({
    type: "recovery",
    email: request.email,
    options: { redirectTo: request.redirectTo },
  });
  if (error) {
    // Unknown addresses are the common case; anything else is logged, never answered upstream.
    if (error.status !== 404) log.warn("password_reset_link_failed", { code: error.code });
    return { queued: false };
  }
  const resetUrl = new URL(request.redirectTo);
  resetUrl.hash = `token=${data.properties.hashed_token}`;
  const queued = await db.rpc("enqueue_password_reset", {
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
  return { queued: true };
}
