import * as z from "zod";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";
import { deliverNotifications, NotificationsDelivery } from "../../lib/notify/outbox/deliver.js";

const DESCRIPTION =
  "Sends the outbox's due email and SMS, and retries failed ones with exponential backoff (at most eight attempts). Each row is claimed before it is sent, so overlapping runs never send one twice.";

export default route({
  GET: endpoint(
    {
      summary: "Deliver due notifications (Vercel Cron)",
      description: `Run daily by Vercel Cron with CRON_SECRET, as the safety net. ${DESCRIPTION}`,
      ...SCHEDULED,
      response: NotificationsDelivery,
    },
    ({ db }) =>
      withHeartbeat(db.service, "deliver-notifications", () => deliverNotifications(db.service)),
  ),
  POST: endpoint(
    {
      summary: "Deliver due notifications (the database)",
      description: `Called by the database through pg_net with DATABASE_WEBHOOK_SECRET: right after a transaction that queued notifications commits (the outbox trigger), and every minute by pg_cron while a retry is due. ${DESCRIPTION}`,
      ...SCHEDULED,
      body: z.strictObject({}),
      response: NotificationsDelivery,
    },
    ({ db }) =>
      withHeartbeat(db.service, "deliver-notifications", () => deliverNotifications(db.service)),
  ),
});
