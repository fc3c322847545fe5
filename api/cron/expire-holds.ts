import { expireStaleHolds, HoldSweep } from "../../lib/cron/expire-holds.js";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

export default route({
  GET: endpoint(
    {
      summary: "Mark lapsed holds expired (scheduled)",
      description:
        "Run by Vercel Cron with CRON_SECRET. Holds already stop counting at their expiry; this records it and refreshes cached availability. It also cancels shop orders still unpaid an hour after they were placed (no payment started in the last 30 minutes), which gives their stock back. Safe to run any number of times.",
      ...SCHEDULED,
      response: HoldSweep,
    },
    ({ db }) => withHeartbeat(db.service, "expire-holds", () => expireStaleHolds(db.service)),
  ),
});
