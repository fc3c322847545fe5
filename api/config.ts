import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import { PublicConfig, publicConfig } from "../lib/platform/public-config.js";

export default route({
  GET: endpoint(
    {
      summary: "The public settings a browser needs to open Supabase Realtime",
      description:
        "Public: the Supabase project URL and its publishable (anon) key, which the shop inbox passes to client/realtime.ts to join `shop:{shopId}` with the member's access token. Both are meant to be public (the key grants only what row-level security lets the `anon` role, or the token sent with it, do); nothing else is answered. 503 when this server has no SUPABASE_URL or SUPABASE_ANON_KEY, or when that key is not a publishable one.",
      tags: ["platform"],
      auth: "public",
      response: PublicConfig,
      limit: "read",
      // Changes only with a deployment's settings; five minutes spares a request per page view.
      cacheControl: "public, max-age=300",
      errors: ["provider_not_configured"],
    },
    async () => publicConfig(),
  ),
});
