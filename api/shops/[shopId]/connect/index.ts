import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ConnectStatus, connectStatus } from "../../../../lib/shops/payments/onboarding.js";

export default route({
  GET: endpoint(
    {
      summary: "A shop's Stripe Connect status",
      description:
        "For the shop's owners (`payouts.manage`): whether the shop has a connected account and what Stripe reports of it now (re-read from Stripe and recorded, so it is current even before `account.updated` arrives). Until `chargesEnabled`, the shop's payments go to the platform's own account. Anyone else gets 404.",
      tags: ["shop payments"],
      auth: "user",
      privileged: { ledgerStep: "a shop's payout account is written only by the server" },
      params: z.strictObject({ shopId: z.uuid() }),
      response: ConnectStatus,
      limit: "read",
      errors: ["not_found", "provider_not_configured", "provider_error"],
    },
    ({ caller, params, db }) => connectStatus(db.service, caller, params.shopId),
  ),
});
