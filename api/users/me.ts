import { AccountDeletion, deleteAccount } from "../../lib/accounts/account-deletion.js";
import { getProfile, Profile, ProfileUpdate } from "../../lib/accounts/profile.js";
import { updateProfile } from "../../lib/accounts/write-profile.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "My profile",
      tags: ["users"],
      auth: "user",
      response: Profile,
      limit: "read",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, caller }) => getProfile(db.user, caller),
  ),
  PUT: endpoint(
    {
      summary: "Update my profile",
      description:
        "Send the fields to change: a field left out keeps its value, null clears it, an empty object changes nothing. The name and phone number are stored encrypted.",
      tags: ["users"],
      auth: "user",
      body: ProfileUpdate,
      response: Profile,
      limit: "write",
      privileged: { ledgerStep: "the sealed name and phone are the server's to write" },
    },
    ({ db, caller, body }) => updateProfile(db.service, caller, body),
  ),
  DELETE: endpoint(
    {
      summary: "Delete my account",
      description:
        "Deletes the account and everything personal kept with it. Needs a sign-in within the last 5 minutes, or the current password in the body. A wrong password counts as a failed sign-in, in the same limits as POST /api/auth/login.",
      tags: ["users"],
      auth: "user",
      body: AccountDeletion,
      limit: "write",
      errors: ["reauthentication_required", "rate_limited", "service_unavailable"],
    },
    ({ db, caller, body, ip }) => deleteAccount(db.user, caller, body, ip),
  ),
});
