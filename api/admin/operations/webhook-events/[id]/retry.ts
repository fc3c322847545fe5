import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import {
  retryWebhookEvent,
  WebhookEventParams,
  WebhookEventRetry,
} from "../../../../../lib/operations/actions.js";

export default route({
  POST: endpoint(
    {
      summary: "Process a stored webhook event again, now (admin)",
      description:
        "For an event the operations view lists as not processed: runs its handler once, as the settle-payments sweep would, and records the attempt. Recorded in the staff action log. 409 when it was processed already.",
      tags: ["operations"],
      auth: ["admin"],
      params: WebhookEventParams,
      response: WebhookEventRetry,
      limit: "write",
      errors: ["not_found", "conflict"],
      privileged: {
        ledgerStep:
          "processing a provider's stored webhook event writes the payments ledger, for an admin the pipeline verified",
      },
    },
    ({ db, caller, params }) => retryWebhookEvent(db.service, caller.userId, params.id),
  ),
});
