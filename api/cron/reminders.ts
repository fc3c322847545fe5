import { ReminderSweep, sendDueReminders } from "../../lib/cron/reminders.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Queue booking reminders (scheduled)",
      description:
        "Run by Vercel Cron with CRON_SECRET, every 30 minutes: queues the reminder 24 hours and 1 hour before each confirmed session, by email and, when the customer agreed, by SMS. A run up to 6 hours late still sends; none is sent once the session has started, and none twice, however many runs overlap.",
      tags: ["cron"],
      auth: "cron",
      response: ReminderSweep,
    },
    () => sendDueReminders(),
  ),
});
