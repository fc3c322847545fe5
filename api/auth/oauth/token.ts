import { HandoffRedemption, redeemHandoff } from "../../../lib/accounts/extension-oauth.js";
import { SessionView } from "../../../lib/accounts/session.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "A browser extension's session after an OAuth sign-in (launchWebAuthFlow)",
      description:
        "For an allowlisted extension (ALLOWED_EXTENSION_IDS, by its Origin; else 403 `origin_not_allowed`) that started GET /api/auth/oauth/{provider} with `extensionId` and `codeChallenge`: the `handoff` from the fragment of its redirect URL and the verifier of that challenge give the session, with the refresh token in the body. An expired, foreign or already redeemed handoff is 400 `bad_request` (a second redemption ends the session).",
      tags: ["auth"],
      auth: "public",
      body: HandoffRedemption,
      response: SessionView,
      limit: "auth",
      errors: ["bad_request", "origin_not_allowed", "service_unavailable"],
    },
    ({ headers, body }) => redeemHandoff(headers, body),
  ),
});
