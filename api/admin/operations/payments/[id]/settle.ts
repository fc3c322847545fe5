import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import {
  PaymentSettlement,
  settleOnePayment,
  UuidParams,
} from "../../../../../lib/operations/actions.js";

export default route({
  POST: endpoint(
    {
      summary: "Settle one payment now (admin)",
      description:
        "Runs the settle-payments job for this payment alone: asks the provider for the refund its cancelled booking is owed and again for its refunds left pending, and, while the ledger has it unpaid, looks its capture up at the provider. Idempotent, like the job. Recorded in the staff action log.",
      tags: ["operations"],
      auth: ["admin"],
      params: UuidParams,
      response: PaymentSettlement,
      limit: "write",
      errors: ["not_found"],
      privileged: {
        ledgerStep:
          "refunds and captures are written to the payments ledger, for an admin the pipeline verified",
      },
    },
    ({ db, caller, params }) => settleOnePayment(db.service, caller.userId, params.id),
  ),
});
