import * as z from "zod";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";
import { AlertsRun, evaluateAlerts } from "../../lib/operations/alerts.js";

const DESCRIPTION =
  "Evaluates every operations condition (GET /api/admin/operations) and scheduled job. A condition that crosses its threshold opens one alert and one email to OPERATIONS_ALERT_EMAIL through the outbox; while it lasts nothing more is sent; when it clears, one more email. Each transition also goes to OPERATIONS_ALERT_WEBHOOK_URL as signed JSON when set. Idempotent.";

export default route({
  GET: endpoint(
    {
      summary: "Evaluate the operations alerts (Vercel Cron)",
      description: `Run daily by Vercel Cron with CRON_SECRET; schedule it every few minutes with pg_cron or on Vercel Pro (README, Operations). ${DESCRIPTION}`,
      ...SCHEDULED,
      response: AlertsRun,
    },
    ({ db }) => withHeartbeat(db.service, "operations-alerts", () => evaluateAlerts(db.service)),
  ),
  POST: endpoint(
    {
      summary: "Evaluate the operations alerts (the database)",
      description: `Called by the database's pg_cron job through pg_net with DATABASE_WEBHOOK_SECRET. ${DESCRIPTION}`,
      ...SCHEDULED,
      body: z.strictObject({}),
      response: AlertsRun,
    },
    ({ db }) => withHeartbeat(db.service, "operations-alerts", () => evaluateAlerts(db.service)),
  ),
});
