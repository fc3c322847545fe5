import { SessionView } from "../../lib/accounts/session.js";
import { ExtensionSessionBody, refresh } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "A new access token for the session in the refresh cookie",
      description:
        "Rotates the refresh cookie. Call from the app's own origin with the X-Requested-With header; a replayed old cookie ends the whole session. An allowlisted browser extension (ALLOWED_EXTENSION_IDS, by its Origin) sends `refreshToken` in the body instead and gets the next one in the answer; a replayed old token ends the whole session likewise.",
      tags: ["auth"],
      auth: "public",
      body: ExtensionSessionBody.optional(),
      response: SessionView,
      limit: "session",
      errors: ["session_expired", "origin_not_allowed", "service_unavailable"],
    },
    ({ headers, body }) => refresh(headers, body?.refreshToken),
  ),
});
