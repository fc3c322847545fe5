import { listServices, ServiceList } from "../lib/catalogue/services.js";
import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "The session types that can be booked, with their prices",
      description:
        "Public. Amounts are integers in the currency's minor unit (paise, cents); display is the same amount formatted for people.",
      tags: ["catalogue"],
      auth: "public",
      response: ServiceList,
      limit: "read",
      // The catalogue changes rarely; a minute of staleness spares the database every page view.
      cacheControl: "public, max-age=60",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db }) => listServices(db.anon),
  ),
});
