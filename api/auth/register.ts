import { z } from "zod";
import { PASSWORD_MAX } from "../../lib/accounts/password-policy.js";
import { SessionView } from "../../lib/accounts/session.js";
import { register } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Create an account and start a session",
      description:
        "Answers the session (refresh token in the httpOnly cookie only). When the project requires e-mail confirmation the answer is 202 with confirmationRequired and no session.",
      tags: ["auth"],
      auth: "public",
      body: z.strictObject({
        email: z.email().max(254),
        password: z.string().max(PASSWORD_MAX * 4),
        fullName: z.string().trim().min(1).max(200),
      }),
      response: SessionView,
      status: 201,
      limit: ["auth", { policy: "auth_email", key: (body) => body.email.trim().toLowerCase() }],
      errors: ["conflict", "service_unavailable"],
      // The name is stored sealed in the new profile, a write only the server makes.
      privileged: true,
    },
    ({ body, db }) => register(body, db.service),
  ),
});
