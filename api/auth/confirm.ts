import { confirmEmail, EmailConfirmation } from "../../lib/accounts/email-confirmation.js";
import { SessionView } from "../../lib/accounts/session.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Confirm an email address with the link from the sign-up mail, and sign in",
      description:
        "The confirmation mail links to the app's page /auth/confirm#token_hash=…&type=email; the page posts them here when the person confirms (opening the link spends nothing, so a mail scanner that follows it cannot use it up). Answers a session, like sign-in (refresh token in the httpOnly cookie only). An unknown, expired or used link is 400 bad_request.",
      tags: ["auth"],
      auth: "public",
      body: EmailConfirmation,
      response: SessionView,
      limit: "auth",
      errors: ["bad_request", "service_unavailable"],
    },
    ({ body }) => confirmEmail(body),
  ),
});
