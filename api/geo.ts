import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import { countryOf, GeoSchema } from "../lib/platform/geo.js";

export default route({
  GET: endpoint(
    {
      summary: "The caller's country, as the platform saw it",
      description:
        "Public, for a frontend choosing a currency (the MindfulQALB SPA's `GET /api/geo`, which reads ipapi.co's `country_code` and `country_name`). No outside service is asked: on Vercel the country is the `x-vercel-ip-country` header its edge sets on every request; without it (a local run) the answer is India (`IN`, `source: \"default\"`). Nothing is stored.",
      tags: ["platform"],
      auth: "public",
      response: GeoSchema,
      limit: "read",
      roundTrips: { database: 0, redis: 1 },
    },
    async ({ headers }) => countryOf(headers),
  ),
});
