// GET /api/cron/purge-bookings: Vercel Cron's daily call (vercel.json) to erase the personal data
// of bookings past the practice's retention.
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { BookingPurge, purgeBookingPersonalData } from "../../lib/cron/purge-bookings.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

export default route({
  GET: endpoint(
    {
      summary: "Erase booking personal data past its retention",
      description:
        "For the scheduler (Authorization: Bearer CRON_SECRET). Bookings whose session ended more than the practice's `bookingRetentionDays` ago (PUT /api/admin/settings) lose the customer's name, email, phone, notes, cancellation reason and account link; amounts, payments, refunds, statuses and dates stay. Nothing happens while no period is set. Idempotent.",
      ...SCHEDULED,
      response: BookingPurge,
    },
    ({ db }) =>
      withHeartbeat(db.service, "purge-bookings", () => purgeBookingPersonalData(db.service)),
  ),
});
