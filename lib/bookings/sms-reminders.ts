// Whether the customer gets texts about their booking too (reminders, confirmation, changes):
// PUT /api/bookings/:id with smsReminders. Turning it on checks the booking's number against the
// SMS rules first (E.164, an allowed country: 400 otherwise), so no row is ever enqueued for a
// number we would refuse to text. Turning it off always works.
import { openPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { requireSmsDestination } from "../notify/sms-destination.js";
import type { BookingAccess } from "./booking-access.js";
import { callBookingFunction } from "./booking-rpc.js";
import type { BookingDocument } from "./booking-view.js";
import { BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";

export async function setSmsReminders(
  access: BookingAccess,
  id: string,
  optIn: boolean,
): Promise<BookingDocument> {
  if (optIn) await requireTextableNumber(access, id);
  return callBookingFunction(access.client, {
    fn: "set_booking_sms_opt_in",
    action: "changing SMS reminders",
    args: { p_id: id, p_manage_token_hash: access.manageTokenHash, p_opt_in: optIn },
  });
}

/** The booking, once its phone number is known to be one we may text (400 or 409 otherwise). */
export async function requireTextableNumber(
  access: BookingAccess,
  id: string,
): Promise<BookingDocument> {
  const current = await callBookingFunction(access.client, {
    fn: "read_booking",
    action: "reading a booking",
    args: { p_id: id, p_manage_token_hash: access.manageTokenHash },
  });
  if (current.customer_phone_sealed === null) {
    throw new ApiError("conflict", "Add a phone number to the booking to get text messages.");
  }
  requireSmsDestination(
    openPersonalData(current.customer_phone_sealed, BOOKING_SEALED_COLUMNS.customer_phone_sealed),
    "smsReminders",
  );
  return current;
}
