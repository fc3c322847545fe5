import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { receiveResendStatus } from "../../lib/notify/webhooks/resend-status.js";
import { StatusWebhookReceipt } from "../../lib/notify/webhooks/status-receipt.js";

export default route({
  POST: endpoint(
    {
      summary: "Resend delivery status webhook",
      description:
        "For Resend only: the svix-id, svix-timestamp and svix-signature headers must verify over the raw body with the endpoint's signing secret, within five minutes; otherwise 400 and nothing changes. email.delivered, email.bounced, email.complained and email.failed move the notification's status forward (never back); a repeated or unknown event answers 200 and changes nothing.",
      ...PROVIDER_WEBHOOK,
      response: StatusWebhookReceipt,
      errors: ["webhook_signature_invalid", "provider_not_configured"],
    },
    ({ headers, rawBody, db }) => receiveResendStatus(headers, rawBody, db.service),
  ),
});
