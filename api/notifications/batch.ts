import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { MAX_BATCH, NotificationBatch } from "../../lib/notify/requests/notification-request.js";
import {
  requestBatch,
  STAFF_NOTIFICATION_REQUEST,
} from "../../lib/notify/requests/staff-requests.js";

export default route({
  POST: endpoint(
    {
      summary: "Email and text several bookings' customers (staff)",
      description: `Up to ${MAX_BATCH} notifications, each a template about one booking of your practitioner (any booking, for admins) by email or SMS, queued all or none. Every SMS obeys the rules of POST /api/notifications/sms and counts against its limits. Answers 202 with the ids in order. The Idempotency-Key names the batch: a retry answers the same ids and sends nothing twice.`,
      ...STAFF_NOTIFICATION_REQUEST,
      body: NotificationBatch,
      limit: "write",
      errors: ["not_found", "conflict", "bad_request", "rate_limited", "provider_not_configured"],
    },
    ({ body, caller, db, idempotencyKey }) =>
      requestBatch({ caller, idempotencyKey, db: db.user, service: db.service }, body),
  ),
});
