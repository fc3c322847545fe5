import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import {
  listStaffBookings,
  STAFF_RANGE_MAX_DAYS,
  StaffBookingList,
  StaffBookingsQuery,
} from "../../../lib/staff/staff-bookings.js";

export default route({
  GET: endpoint(
    {
      summary: "The bookings of my practitioners (staff)",
      description: `Staff see the bookings of the practitioner their account acts for, admins every practitioner's (or the one named by \`practitionerId\`; a practitioner the caller does not serve is 404). The sessions overlapping \`from\`…\`to\` (local dates, inclusive, in \`timeZone\`, UTC when omitted; at most ${STAFF_RANGE_MAX_DAYS} days, one day without \`to\`), by start, lapsed holds left out, at most 500, with the customers' names, emails, phones and notes opened. Every booking answered with customer data is recorded in the personal-data read log (\`public.personal_data_reads\`) with who read it.`,
      tags: ["staff"],
      auth: ["staff"],
      query: StaffBookingsQuery,
      response: StaffBookingList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, query }) => listStaffBookings(db.user, query),
  ),
});
