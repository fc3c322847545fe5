// Every booking operation is one database function that answers a booking_document; this is the
// one way to call them: run it as the caller (a signed-in user's client, or the anon client for
// guests, whose token hash goes in the arguments), turn refusals into ApiErrors, and — after a
// write committed — forget the cached availability around the ranges it touched.
import type { SupabaseClient } from "@supabase/supabase-js";
import { invalidateAvailabilityAround } from "../scheduling/availability.js";
import type { TimeRange } from "../scheduling/slots.js";
import { throwBookingError } from "./booking-errors.js";
import { type BookingDocument, blockedRange, parseBookingDocument } from "./booking-view.js";

type BookingFunction =
  | "create_booking"
  | "read_booking"
  | "change_booking"
  | "cancel_booking"
  | "confirm_booking"
  | "set_booking_sms_opt_in";

export interface BookingCall {
  fn: BookingFunction;
  args: Record<string, unknown>;
  /** For the error message of an unexpected failure. */
  action: string;
  /** What PT404 means here, when not "no such booking". */
  notFound?: string;
  /** A range the booking kept free before this call (a reschedule frees the old one). */
  freed?: TimeRange;
}

export async function callBookingFunction(
  db: SupabaseClient,
  call: BookingCall,
): Promise<BookingDocument> {
  const { data, error } = await db.rpc(call.fn, call.args);
  if (error) throwBookingError(error, call.action, call.notFound);
  const document = parseBookingDocument(data);
  if (call.fn !== "read_booking") {
    const ranges = [blockedRange(document), ...(call.freed ? [call.freed] : [])];
    await Promise.all(
      ranges.map((range) => invalidateAvailabilityAround(document.practitioner_id, range)),
    );
  }
  return document;
}
