import * as z from "zod";
import { ExtensionOAuthQuery, extensionSignIn } from "../../../lib/accounts/extension-oauth.js";
import { LandingPath } from "../../../lib/accounts/landing-path.js";
import { OAUTH_PROVIDERS, startOAuth } from "../../../lib/accounts/oauth.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

// No rate limit: this only computes a redirect (no call to Supabase, nothing stored), and
// Supabase's /authorize it leads to is public anyway. The callback, which exchanges codes, has one.
export default route({
  GET: endpoint(
    {
      summary: "Start signing in with an OAuth provider (a browser navigation)",
      description:
        "Answers 302 to Supabase Auth's /authorize in the PKCE flow, with the verifier in a short-lived cookie for /api/auth/callback. Supabase Auth returns the browser to APP_URL/api/auth/callback. The provider `local` exists only on the local stack. A browser extension (launchWebAuthFlow) adds `extensionId` and `codeChallenge`: the callback then returns to the extension's redirect URL (https://<id>.chromiumapp.org/, Firefox's https://<hash>.extensions.allizom.org/) with `#handoff=…` (or `#authError=…`) for POST /api/auth/oauth/token.",
      alsoAnswers: [{ status: 302, description: "To Supabase Auth's /authorize (PKCE)" }],
      tags: ["auth"],
      auth: "public",
      params: z.strictObject({ provider: z.enum(OAUTH_PROVIDERS) }),
      query: z.strictObject({ redirectTo: LandingPath.optional(), ...ExtensionOAuthQuery }),
      errors: ["not_found", "provider_not_configured"],
    },
    async ({ params, query }) =>
      startOAuth(params.provider, query.redirectTo ?? "/", extensionSignIn(query)),
  ),
});
