import * as z from "zod";
import { PASSWORD_MAX } from "../../lib/accounts/password-policy.js";
import { resetPassword } from "../../lib/accounts/password-reset.js";
import { SessionView } from "../../lib/accounts/session.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Set a new password with the token from a reset link, and sign in",
      description:
        "Ends every other session of the account and answers a new session (refresh token in the httpOnly cookie only). An unknown, expired or used token is 400 bad_request; a refused password is 400 validation_failed.",
      tags: ["auth"],
      auth: "public",
      body: z.strictObject({
        token: z
          .string()
          .min(1)
          .max(256)
          .regex(/^[\w-]+$/),
        password: z.string().max(PASSWORD_MAX * 4),
      }),
      response: SessionView,
      limit: "auth",
      errors: ["bad_request", "service_unavailable"],
    },
    ({ body }) => resetPassword(body.token, body.password),
  ),
});
