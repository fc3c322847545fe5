import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import {
  NotificationRetry,
  retryNotification,
  UuidParams,
} from "../../../../../lib/operations/actions.js";

export default route({
  POST: endpoint(
    {
      summary: "Send a failed or bounced message again, now (admin)",
      description:
        "Queues the message again with its attempts reset and delivers the outbox at once; answers its status after that delivery. Recorded in the staff action log. 404 unless the message failed or bounced.",
      tags: ["operations"],
      auth: ["admin"],
      params: UuidParams,
      response: NotificationRetry,
      limit: "write",
      errors: ["not_found"],
      privileged: {
        ledgerStep:
          "delivering the outbox opens sealed recipients, for an admin the pipeline verified",
      },
    },
    ({ db, caller, params }) => retryNotification(db.service, caller.userId, params.id),
  ),
});
