import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  NotificationRequest,
  NotificationsAccepted,
} from "../../lib/notify/requests/notification-request.js";
import { requestOne } from "../../lib/notify/requests/staff-requests.js";

export default route({
  POST: endpoint(
    {
      summary: "Email a booking's customer (staff)",
      description:
        "Queues a template about one booking of your practitioner (any booking, for admins) for its customer's email address; no text, HTML or address of your own. Answers 202 with the notification's id; it is delivered right after. The Idempotency-Key names the message: a retry answers the same id and sends nothing twice.",
      tags: ["notifications"],
      auth: ["staff"],
      privileged: { ledgerStep: "delivers the queued message after the response, from the outbox" },
      body: NotificationRequest,
      response: NotificationsAccepted,
      status: 202,
      limit: "write",
      idempotency: "required",
      errors: ["not_found", "conflict"],
    },
    ({ body, caller, db, idempotencyKey }) =>
      requestOne({ caller, idempotencyKey, db: db.user, service: db.service }, "email", body),
  ),
});
