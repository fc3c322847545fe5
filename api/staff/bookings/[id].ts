import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import {
  readStaffBooking,
  StaffBookingParams,
  StaffBookingRecord,
} from "../../../lib/staff/staff-bookings.js";

export default route({
  GET: endpoint(
    {
      summary: "A booking with its payments and consent record (staff)",
      description:
        "For staff of the booking's practitioner and admins (anyone else: 404, as for an unknown id): the booking with the customer's data opened, every payment made for it with its refunds, and the consent record it rests on (version, items agreed, when; the IP and user agent are read with GET /api/consent/{id}). The read is recorded in the personal-data read log. Confirm with POST /api/bookings/{id}/confirm, cancel with POST /api/bookings/{id}/cancel, refund with POST /api/staff/bookings/{id}/refund.",
      tags: ["staff"],
      auth: ["staff"],
      params: StaffBookingParams,
      response: StaffBookingRecord,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => readStaffBooking(db.user, params.id),
  ),
});
