import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { deliverNotifications, NotificationsDelivery } from "../../lib/notify/ledger/deliver.js";

export default route({
  GET: endpoint(
    {
      summary: "Deliver due notifications (scheduled, and kicked after bookings)",
      description:
        "Run by Vercel Cron with CRON_SECRET, and called by the booking endpoints right after they answer: sends the outbox's due email and SMS, and retries failed ones with exponential backoff (at most eight attempts). Each row is claimed before it is sent, so overlapping runs never send one twice.",
      tags: ["cron"],
      auth: "cron",
      response: NotificationsDelivery,
    },
    () => deliverNotifications(),
  ),
});
