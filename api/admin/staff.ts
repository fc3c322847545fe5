import { StaffRoleBody, StaffRoleSaved, setStaffRole } from "../../lib/admin/practice-admin.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  PUT: endpoint(
    {
      summary: "Set an account's role and practitioner (admin)",
      description:
        "Gives the account with this email (it must have signed up) the role `staff` or `admin` in its app_metadata, or none (`null`), and links it to the practitioner it acts for (`practitionerId`; a practitioner has one staff account, so linking replaces the previous one; null or omitted unlinks it). Staff see and act on that practitioner's bookings, payments and consent records; admins on all. The account's tokens carry the change from its next refresh. Recorded in the staff action log.",
      tags: ["admin"],
      auth: ["admin"],
      body: StaffRoleBody,
      response: StaffRoleSaved,
      limit: "write",
      errors: ["forbidden", "not_found"],
    },
    ({ db, body }) => setStaffRole(db.user, body),
  ),
});
