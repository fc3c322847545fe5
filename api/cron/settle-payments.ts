import * as z from "zod";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import {
  PaymentsSweep,
  settleOwedRefunds,
  settlePayments,
} from "../../lib/cron/settle-payments.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

const DESCRIPTION =
  "Processes stored webhook events that failed, asks the provider for the refunds cancelled bookings are owed, asks again for refunds it never answered, and looks up captures no webhook reported. Idempotent.";

export default route({
  GET: endpoint(
    {
      summary: "Finish what payments left unfinished (Vercel Cron)",
      description: `Run daily by Vercel Cron with CRON_SECRET, as the safety net. ${DESCRIPTION}`,
      ...SCHEDULED,
      response: PaymentsSweep,
    },
    ({ db }) => withHeartbeat(db.service, "settle-payments", () => settlePayments(db.service)),
  ),
  POST: endpoint(
    {
      summary: "Finish what payments left unfinished (the database)",
      description: `Called by the database through pg_net with DATABASE_WEBHOOK_SECRET: every 15 minutes by pg_cron (the whole sweep), and with \`{"only": "refunds_owed"}\` the moment a paid booking's cancellation commits, which asks only for the refunds owed. ${DESCRIPTION}`,
      ...SCHEDULED,
      body: z.strictObject({ only: z.enum(["refunds_owed"]).optional() }),
      response: PaymentsSweep,
    },
    ({ body, db }) =>
      body.only === "refunds_owed"
        ? settleOwedRefunds(db.service)
        : withHeartbeat(db.service, "settle-payments", () => settlePayments(db.service)),
  ),
});
