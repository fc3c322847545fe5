import {
  BookingCreated,
  BookingRequest,
  createBooking,
} from "../../lib/bookings/create-booking.js";
import { BookingList, BookingListQuery, listMyBookings } from "../../lib/bookings/list-bookings.js";
import { HOLD_MINUTES } from "../../lib/bookings/policy.js";
import {
  confirmForSpa,
  SpaConfirmRequest,
  SpaConfirmResult,
} from "../../lib/bookings/spa-confirm.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/then-deliver.js";

export default route({
  GET: endpoint(
    {
      summary: "My bookings, newest first",
      description:
        "The signed-in customer's bookings, a page at a time (`limit`, default 20, at most 50); pass `nextCursor` as `cursor` for the next page.",
      tags: ["bookings"],
      auth: "user",
      query: BookingListQuery,
      response: BookingList,
      limit: "read",
    },
    ({ db, query }) => listMyBookings(db.user, query),
  ),
  POST: endpoint(
    {
      summary: "Book a session (a hold until it is paid)",
      description: `For signed-in customers and guests. \`date\` and \`time\` name a slot from GET /api/availability, with the practitioner it was asked about (\`practitionerId\`; the default one when omitted, and 404 when no active practitioner has that id); the price comes from the catalogue. A paid session is held for ${HOLD_MINUTES} minutes (\`expiresAt\`) while the customer pays; a free one is confirmed at once. Session types that require consent need a consent record for the same email (POST /api/consent; \`consentId\`, or the latest one is used) and refuse \`consentAccepted: false\`; omitted, the record is the acceptance. Guests get a \`manageToken\`, shown once, to send as X-Booking-Token: it is never stored, so a replay of the request (same Idempotency-Key, answered with \`Idempotent-Replayed: true\`) answers the same booking without \`manageToken\` and without the token in \`confirmationUrl\`. \`format\` defaults to the session type's (video when it has a video price). **Paid first** (the therapy spec's order): send \`paymentId\` — Bastion's payment id or the provider's (\`pay_…\`, as POST /api/payments/verify answers it) — of a captured payment no booking uses yet, for the same session type, format and price, and the slot is booked and confirmed at once in one transaction (422 \`payment_not_usable\` otherwise; the payment stays usable). If someone took the slot after the payment, nothing is booked, the payment is refunded in full automatically and the answer is 409 \`slot_unavailable\` whose \`detail\` says so (\`refund.status\`: succeeded, or pending when the provider is retried later). Also served at POST /api/bookings/create.`,
      tags: ["bookings"],
      auth: "optional",
      privileged: {
        ledgerStep: "the booking takes sealed personal data, which only the server writes",
      },
      body: BookingRequest,
      response: BookingCreated,
      status: 201,
      limit: "write",
      idempotency: "optional",
      shownOnce: ["manageToken"],
      errors: ["not_found", "slot_unavailable", "consent_required", "payment_not_usable"],
      roundTrips: { database: 1, redis: 3, afterResponse: { database: 4 } },
    },
    ({ body, caller, db, appUrl }) =>
      thenDeliver(db.service, createBooking(db, caller?.userId ?? null, body, appUrl)),
  ),
  PATCH: endpoint(
    {
      summary: "Confirm a booking by its id in the body (staff; the MindfulQALB SPA's admin call)",
      description:
        "The MindfulQALB SPA's admin page confirms with `PATCH /api/bookings {bookingId}`: staff of the booking's practitioner, or an admin, confirm a hold as POST /api/bookings/{id}/confirm does, and a booking already confirmed (paid and linked, or free) answers success as it is. `meetingUrl` is null: Bastion makes no meeting links. Other bookings are 404; errors also carry `error`, the text the SPA shows.",
      tags: ["bookings"],
      auth: ["staff"],
      privileged: {
        ledgerStep: "delivers the confirmation queued by the write, after the response",
      },
      body: SpaConfirmRequest,
      response: SpaConfirmResult,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ body, db }) => thenDeliver(db.service, confirmForSpa(db.user, body.bookingId)),
  ),
});
