import { finishOAuth, OAuthCallbackQuery } from "../../lib/accounts/oauth.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Where Supabase Auth sends the browser back after an OAuth sign-in",
      description:
        "Answers 302: to the page asked for at the start, with the refresh cookie set (then call POST /api/auth/refresh for an access token), or to /?authError=cancelled|expired|failed|unavailable.",
      alsoAnswers: [
        { status: 302, description: "Back to the app: the start page asked for, or /?authError=…" },
      ],
      tags: ["auth"],
      auth: "public",
      query: OAuthCallbackQuery,
      limit: "auth",
    },
    ({ headers, query }) => finishOAuth(headers, query),
  ),
});
