import * as z from "zod";
import { ResetRequested, requestPasswordReset } from "../../lib/accounts/forgot-password.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Mail a link to reset a forgotten password",
      description:
        "Always 202 with the same body, whether or not the address has an account, and never faster than one second. The link leads to /reset-password on the app's origin (APP_URL, or the request's Origin when it is in ALLOWED_ORIGINS) with the token to send to POST /api/auth/reset-password.",
      tags: ["auth"],
      auth: "public",
      privileged: {
        ledgerStep:
          "Bastion's own reset mail: the Auth admin API makes the link, the outbox delivers it",
      },
      body: z.strictObject({ email: z.email().max(254) }),
      response: ResetRequested,
      status: 202,
      limit: ["auth", { policy: "auth_email", key: (body) => body.email.trim().toLowerCase() }],
    },
    ({ headers, body, db }) => requestPasswordReset(headers, body.email, db),
  ),
});
