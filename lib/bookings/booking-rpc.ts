// Every booking operation is one database function that answers a booking_document; this is the
// one way to call them: run it as the caller (a signed-in user's client, or the anon client for
// guests, whose token hash goes in the arguments) and turn refusals into ApiErrors. Availability
// is read fresh on every request (lib/scheduling/availability.ts), so a write has no cache to
// clear: one call, one database round trip, no Redis.
import type { SupabaseClient } from "@supabase/supabase-js";
import { throwBookingError } from "./booking-errors.js";
import { type BookingDocument, parseBookingDocument } from "./booking-view.js";

type BookingFunction =
  | "create_booking"
  | "create_booking_at"
  | "read_booking"
  | "change_booking"
  | "change_booking_at"
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
}

export async function callBookingFunction(
  db: SupabaseClient,
  call: BookingCall,
): Promise<BookingDocument> {
  const { data, error } = await db.rpc(call.fn, call.args);
  if (error) throwBookingError(error, call.action, call.notFound);
  return parseBookingDocument(data);
}
