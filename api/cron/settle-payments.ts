import { PaymentsSweep, settlePayments } from "../../lib/cron/settle-payments.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Finish what payments left unfinished (scheduled)",
      description:
        "Run by Vercel Cron with CRON_SECRET: processes stored webhook events that failed, asks the provider for the refunds cancelled bookings are owed, and asks again for refunds it never answered. Idempotent.",
      tags: ["cron"],
      auth: "cron",
      response: PaymentsSweep,
    },
    () => settlePayments(),
  ),
});
