import { changePassword, PasswordChange } from "../../lib/accounts/change-password.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Change my password",
      description:
        "Needs the current password in `currentPassword`, or a sign-in within the last 5 minutes. A wrong current password is 403 `reauthentication_required` and counts as a failed sign-in, in the same limits as POST /api/auth/login. The new password follows the registration rules (400 `validation_failed`). Answers 204: this session goes on, every other session of the account is signed out.",
      tags: ["auth"],
      auth: "user",
      body: PasswordChange,
      limit: "auth",
      errors: ["reauthentication_required", "rate_limited", "service_unavailable"],
    },
    ({ caller, body, ip }) => changePassword(caller, body, ip),
  ),
});
