// The numbers staff-requested SMS would go to, read before anything is enqueued: each booking's
// customer's phone, opened, checked against the SMS rules (E.164, allowed country) and returned
// in E.164, which is what the per-destination rate limit counts. Read as the caller, so staff
// only ever learn about bookings they may act on; the database logs the read.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { BOOKING_SEALED_COLUMNS } from "../../bookings/sealed-columns.js";
import { openPersonalData } from "../../crypto/personal-data.js";
import { ApiError } from "../../http/errors.js";
import { requireSmsDestination } from "../sms-destination.js";
import { smsNotAgreed, throwNotificationError } from "./notification-errors.js";

const Recipients = z.array(
  z.object({
    booking_id: z.uuid(),
    customer_phone_sealed: z.string().nullable(),
    sms_opt_in: z.boolean(),
  }),
);

/** A booking to text, and the request field that named it (for the 400's errors). */
export interface SmsTarget {
  bookingId: string;
  field: string;
}

/** One E.164 number per target, in order; 404, 409 or 400 before anything is sent. */
export async function smsNumbers(db: SupabaseClient, targets: SmsTarget[]): Promise<string[]> {
  const { data, error } = await db.rpc("booking_sms_recipients", {
    p_booking_ids: [...new Set(targets.map((target) => target.bookingId))],
  });
  if (error) throwNotificationError(error, "reading SMS recipients");
  const recipients = new Map(Recipients.parse(data).map((row) => [row.booking_id, row]));
  return targets.map(({ bookingId, field }) => {
    const recipient = recipients.get(bookingId);
    if (recipient === undefined) throw new ApiError("not_found", "There is no such booking.");
    if (!recipient.sms_opt_in || recipient.customer_phone_sealed === null) throw smsNotAgreed();
    const phone = openPersonalData(
      recipient.customer_phone_sealed,
      BOOKING_SEALED_COLUMNS.customer_phone_sealed,
    );
    return requireSmsDestination(phone, field);
  });
}
