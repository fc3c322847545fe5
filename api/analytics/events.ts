import {
  MAX_EVENTS_PER_BATCH,
  recordUsage,
  UsageBatch,
  UsageReceipt,
} from "../../lib/analytics/usage-events.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Send a batch of usage events (only kept for users who opted in)",
      description: `Up to ${MAX_EVENTS_PER_BATCH} events, each a known name and the day it happened (within the last 7 days); nothing else is accepted or kept (no properties, URLs or page content, no IP address). Kept only when the user's settings document has \`analyticsOptIn: true\` (else \`recorded: 0\`), for as long as the tier's \`analyticsRetentionDays\` (GET /api/subscriptions), and erased with the account.`,
      tags: ["analytics"],
      auth: "user",
      body: UsageBatch,
      response: UsageReceipt,
      limit: "write",
      privileged: {
        ledgerStep: "usage events are the server's table: no API role may read or write them",
      },
    },
    ({ db, caller, body }) => recordUsage(db.user, db.service, caller, body),
  ),
});
