import * as z from "zod";
import { PASSWORD_MAX } from "../../lib/accounts/password-policy.js";
import { REGISTRATION_ANSWER_MIN_MS, register } from "../../lib/accounts/register.js";
import { ConfirmationRequired, SessionView } from "../../lib/accounts/session.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Create an account and start a session",
      description: `Answers the session (refresh token in the httpOnly cookie only). When the project requires e-mail confirmation (Supabase's default) the answer is 202 {confirmationRequired: true} with no session, no sooner than ${REGISTRATION_ANSWER_MIN_MS} ms after the request, for a new address and for one that already has an account alike: the owner of an existing account is emailed that someone tried to sign up with it. Without e-mail confirmation, an address that has an account gets 409, which tells the caller so (as Supabase Auth itself does); sign-ups are limited per address and per IP either way.`,
      tags: ["auth"],
      auth: "public",
      body: z.strictObject({
        email: z.email().max(254),
        password: z.string().max(PASSWORD_MAX * 4),
        fullName: z.string().trim().min(1).max(200),
      }),
      response: SessionView,
      status: 201,
      alsoAnswers: [
        {
          status: 202,
          description:
            "E-mail confirmation is on: `{confirmationRequired: true}`, no session, whether or not the address already has an account. The mailed link leads to the app's /auth/confirm page, which signs the person in with POST /api/auth/confirm.",
          body: ConfirmationRequired,
        },
      ],
      limit: ["auth", { policy: "auth_email", key: (body) => body.email.trim().toLowerCase() }],
      errors: ["conflict", "service_unavailable"],
      privileged: {
        ledgerStep: "the name is stored sealed in the new profile, a write only the server makes",
      },
    },
    ({ body, db, headers }) => register(body, db.service, headers),
  ),
});
