import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { ReminderSweep, sendDueReminders } from "../../lib/cron/reminders.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

export default route({
  GET: endpoint(
    {
      summary: "Queue booking reminders (scheduled)",
      description:
        "Run daily by Vercel Cron with CRON_SECRET, as the safety net: the database's pg_cron job runs the same SQL (public.enqueue_due_reminders) every 15 minutes itself. Queues the reminder 24 hours and 1 hour before each confirmed session, by email and, when the customer agreed, by SMS. A run up to 6 hours late still sends; none is sent once the session has started, and none twice, however many runs overlap.",
      ...SCHEDULED,
      response: ReminderSweep,
    },
    ({ db }) => withHeartbeat(db.service, "reminders", () => sendDueReminders(db.service)),
  ),
});
