// GET /api/cron/purge-consent: Vercel Cron's daily call (vercel.json) to delete expired consent.
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { ConsentPurge, purgeExpiredConsent } from "../../lib/cron/purge-consent.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

export default route({
  GET: endpoint(
    {
      summary: "Delete the consent records past their retention",
      description:
        "For the scheduler (Authorization: Bearer CRON_SECRET). Idempotent: running it again deletes only what has expired since.",
      ...SCHEDULED,
      response: ConsentPurge,
    },
    ({ db }) => withHeartbeat(db.service, "purge-consent", () => purgeExpiredConsent(db.service)),
  ),
});
