import { z } from "zod";
import { SessionView } from "../../lib/accounts/session.js";
import { login } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Sign in with email and password",
      tags: ["auth"],
      auth: "public",
      body: z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(1024) }),
      response: SessionView,
      limit: ["auth", { policy: "auth_email", key: (body) => body.email.trim().toLowerCase() }],
      errors: ["invalid_credentials", "service_unavailable"],
    },
    ({ body }) => login(body.email, body.password),
  ),
});
