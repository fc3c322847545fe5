import {
  PracticeSettings,
  PracticeSettingsChange,
  readPracticeSettings,
  writePracticeSettings,
} from "../../lib/admin/practice-admin.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

const SETTINGS =
  "`bookingRetentionDays`: how many days after a booking's session (or lapsed hold) its customer's name, email, phone, notes and account link are kept; the daily job GET /api/cron/purge-bookings then erases them, keeping the financial record (amounts, payments, refunds, statuses, dates). null keeps them until a period is set. `practitionerAssignment`: who serves a booking that names no practitioner — `first_active` (the first active practitioner; the default) or `first_free` (availability lists the free times of every active practitioner in the first one's time zone, and a booking gets the first of them free at that time, chosen in the same database call that books it).";

export default route({
  GET: endpoint(
    {
      summary: "The practice's settings (admin)",
      description: SETTINGS,
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
      description: `${SETTINGS} Send the settings to change; the others keep their values. Recorded in the staff action log.`,
      tags: ["admin"],
      auth: ["admin"],
      body: PracticeSettingsChange,
      response: PracticeSettings,
      limit: "write",
      errors: ["forbidden"],
    },
    ({ db, body }) => writePracticeSettings(db.user, body),
  ),
});
