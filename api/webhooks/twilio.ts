import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { StatusWebhookReceipt } from "../../lib/notify/webhooks/status-receipt.js";
import { receiveTwilioStatus } from "../../lib/notify/webhooks/twilio-status.js";

export default route({
  POST: endpoint(
    {
      summary: "Twilio message status callback",
      description:
        "For Twilio only: X-Twilio-Signature must verify over APP_URL/api/webhooks/twilio and the form parameters with the auth token; otherwise 400 and nothing changes. MessageStatus delivered, undelivered and failed move the notification's status forward (never back); anything else answers 200 and changes nothing.",
      ...PROVIDER_WEBHOOK,
      response: StatusWebhookReceipt,
      errors: ["webhook_signature_invalid", "provider_not_configured"],
    },
    ({ headers, rawBody, db }) => receiveTwilioStatus(headers, rawBody, db.service),
  ),
});
