import {
  queuePasswordResetMail,
  ResetMailQueued,
  ResetMailRequest,
} from "../../lib/admin/password-reset-mail.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/ledger/deliver.js";

export default route({
  POST: endpoint(
    {
      summary: "Queue a password-reset email (internal)",
      description:
        "Called by POST /api/auth/forgot-password with CRON_SECRET, never by a browser: makes the recovery link with the Auth admin API and sends Bastion's password_reset email through the outbox. `queued` is false for an address without an account.",
      tags: ["internal"],
      auth: "cron",
      body: ResetMailRequest,
      response: ResetMailQueued,
    },
    ({ body }) => thenDeliver(queuePasswordResetMail(body)),
  ),
});
