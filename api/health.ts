import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import { checkHealth, HealthSchema } from "../lib/platform/health.js";

export default route({
  GET: endpoint(
    {
      summary: "Whether the API can reach its database and cache",
      tags: ["platform"],
      auth: "public",
      response: HealthSchema,
      limit: "read",
    },
    () => checkHealth(),
  ),
});
