import { IntegrationCallbackParams } from "../../../lib/channels/oauth/callback-params.js";
import { finishOAuth, OAuthCallbackQuery } from "../../../lib/channels/oauth/flow.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary:
        "Where Facebook Login and TikTok send the connect popup back (/oauth/{platform}/callback)",
      description:
        'Public, reached as /oauth/<platform>/callback (vercel.json rewrites it here): the redirect_uri registered with the Meta and TikTok apps, APP_URL/oauth/<platform>/callback. Verifies the state (signed, bound to the owner, the shop and the platform, 10 minutes, used once: a replayed, forged, foreign, expired or missing state is refused), exchanges the code with the PKCE verifier kept on the server, seals the tokens and answers a tiny HTML page under its own CSP (default-src \'none\'; its one inline script allowed by hash) that posts to `window.opener`, at APP_URL\'s origin only, `{platform, status: "connected", account: {id, name, username}}`, or `{platform, status: "select", accounts: [...], expiresAt}` when Meta offered several Pages or Instagram accounts (finish with POST …/integrations/{platform}/select), or `{platform, status: "error", error}` with one of state_missing, state_invalid, state_expired, state_used, access_denied, authorization_failed, forbidden, no_pages, no_instagram_account, account_in_use, provider_refused, provider_unavailable, unknown_platform, failed — never a token — then closes.',
      alsoAnswers: [
        {
          status: 200,
          mediaType: "text/html",
          description: "The page that posts the result to the opener and closes",
        },
      ],
      tags: ["shop channels"],
      auth: "public",
      params: IntegrationCallbackParams,
      query: OAuthCallbackQuery,
      limit: "read",
      privileged: {
        ledgerStep:
          "the state's sealed PKCE verifier is used once and deleted, and the provider's tokens are sealed and stored where no API role can read them",
      },
    },
    ({ db, appUrl, params, query }) => finishOAuth(db.service, appUrl, params.platform, query),
  ),
});
