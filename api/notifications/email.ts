import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { NotificationRequest } from "../../lib/notify/requests/notification-request.js";
import {
  requestOne,
  STAFF_NOTIFICATION_REQUEST,
} from "../../lib/notify/requests/staff-requests.js";

export default route({
  POST: endpoint(
    {
      summary: "Email a booking's customer (staff)",
      description:
        "Queues a template about one booking of your practitioner (any booking, for admins) for its customer's email address; no text, HTML or address of your own. Answers 202 with the notification's id; it is delivered right after. The Idempotency-Key names the message: a retry answers the same id and sends nothing twice.",
      ...STAFF_NOTIFICATION_REQUEST,
      body: NotificationRequest,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ body, caller, db, idempotencyKey }) =>
      requestOne({ caller, idempotencyKey, db: db.user, service: db.service }, "email", body),
  ),
});
