import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import { checkHealth, HealthSchema } from "../lib/platform/health.js";

export default route(
  {
    GET: endpoint(
      {
        summary: "Whether the API can reach its database and cache",
        description:
          "Also names the settings this deployment cannot serve without (`configuration`: APP_URL, the personal-data keys, or BASTION_LOCAL_STACK set on a production host): while any is listed, every other endpoint answers 500.",
        tags: ["platform"],
        auth: "public",
        response: HealthSchema,
        limit: "read",
        roundTrips: { database: 1, redis: 2 },
      },
      () => checkHealth(),
    ),
  },
  { reportsConfiguration: true },
);
