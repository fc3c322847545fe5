import {
  PracticeSettings,
  readPracticeSettings,
  writePracticeSettings,
} from "../../lib/admin/practice-admin.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

const RETENTION =
  "`bookingRetentionDays`: how many days after a booking's session (or lapsed hold) its customer's name, email, phone, notes and account link are kept; the daily job GET /api/cron/purge-bookings then erases them, keeping the financial record (amounts, payments, refunds, statuses, dates). null keeps them until a period is set.";

export default route({
  GET: endpoint(
    {
      summary: "The practice's settings (admin)",
      description: RETENTION,
      tags: ["admin"],
      auth: ["admin"],
      response: PracticeSettings,
      limit: "read",
    },
    ({ db }) => readPracticeSettings(db.user),
  ),
  PUT: endpoint(
    {
      summary: "Change the practice's settings (admin)",
      description: `${RETENTION} Recorded in the staff action log.`,
      tags: ["admin"],
      auth: ["admin"],
      body: PracticeSettings,
      response: PracticeSettings,
      limit: "write",
      errors: ["forbidden"],
    },
    ({ db, body }) => writePracticeSettings(db.user, body),
  ),
});
