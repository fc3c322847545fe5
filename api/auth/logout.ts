import * as z from "zod";
import { ExtensionSessionBody, logout } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "End this session (local) or every session of the user (global)",
      tags: ["auth"],
      auth: "public",
      description:
        "From the app's own origin with the X-Requested-With header (the refresh cookie), or from an allowlisted browser extension with `refreshToken` in the body.",
      body: ExtensionSessionBody.extend({
        scope: z.enum(["local", "global"]).optional(),
      }).optional(),
      limit: "session",
      errors: ["origin_not_allowed"],
    },
    ({ headers, body }) => logout(headers, body?.scope ?? "local", body?.refreshToken),
  ),
});
