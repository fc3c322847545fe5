import { SessionView } from "../../lib/accounts/session.js";
import { refresh } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "A new access token for the session in the refresh cookie",
      description:
        "Rotates the refresh cookie. Call from the app's own origin with the X-Requested-With header; a replayed old cookie ends the whole session.",
      tags: ["auth"],
      auth: "public",
      response: SessionView,
      limit: "session",
      errors: ["session_expired", "origin_not_allowed", "service_unavailable"],
    },
    ({ headers }) => refresh(headers),
  ),
});
