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
      summary: "Text a booking's customer (staff)",
      description:
        "Queues a template about one booking of your practitioner (any booking, for admins) as an SMS to the phone number its customer gave, if they agreed to texts; no text or number of your own. The number must be E.164 in a country SMS_ALLOWED_COUNTRIES lists (else 400). Limits: 5 SMS an hour per caller and 3 an hour per destination number, across all callers; both refuse (503) when the limiter is unreachable. Answers 202 with the notification's id. The Idempotency-Key names the message: a retry answers the same id and sends nothing twice.",
      ...STAFF_NOTIFICATION_REQUEST,
      body: NotificationRequest,
      // Per caller here; per destination number in the handler, once the booking's number is read.
      limit: "sms",
      errors: ["not_found", "conflict", "bad_request", "rate_limited", "provider_not_configured"],
    },
    ({ body, caller, db, idempotencyKey }) =>
      requestOne({ caller, idempotencyKey, db: db.user, service: db.service }, "sms", body),
  ),
});
