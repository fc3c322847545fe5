import * as z from "zod";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";
import { FlightOrderSweep, sweepFlightOrders } from "../../lib/travel/order-sweep.js";

const DESCRIPTION =
  "Resolves paid Duffel flight bookings whose order attempt got no answer (a timeout or a 5xx after the capture), 15 minutes on: asks Duffel whether the order exists (by the booking id in its metadata) and confirms the booking with it; when Duffel certainly has none, orders it now if the offer is still on sale at the price paid, else fails the booking and refunds it in full. Duffel not answering leaves a booking for the next run. Idempotent.";

const sweep = ({ db }: { db: { service: Parameters<typeof sweepFlightOrders>[0] } }) =>
  withHeartbeat(db.service, "flight-orders", () => sweepFlightOrders(db.service));

export default route({
  GET: endpoint(
    {
      summary: "Resolve flight orders that got no answer (Vercel Cron)",
      description: `Run daily by Vercel Cron with CRON_SECRET, as the safety net. ${DESCRIPTION}`,
      ...SCHEDULED,
      response: FlightOrderSweep,
    },
    sweep,
  ),
  POST: endpoint(
    {
      summary: "Resolve flight orders that got no answer (the database)",
      description: `Called by the database through pg_net with DATABASE_WEBHOOK_SECRET every 15 minutes by pg_cron (\`bastion-flight-orders\`, only while a paid booking awaits its order). ${DESCRIPTION}`,
      ...SCHEDULED,
      body: z.strictObject({}),
      response: FlightOrderSweep,
    },
    sweep,
  ),
});
