// What the notification functions' SQLSTATEs mean to a client (the list and the reasons are in
// supabase/migrations/20261121000700_notifications.sql). Anything else is our bug: thrown
// as a plain Error, answered 500 and logged with the code.
import type { PostgrestError } from "@supabase/supabase-js";
import { ApiError } from "../../http/errors.js";

const KNOWN: Record<string, () => ApiError> = {
  PT404: () => new ApiError("not_found", "There is no such booking."),
  PT409: () =>
    new ApiError(
      "conflict",
      "This template does not fit the booking as it stands: a confirmation needs a confirmed booking, a cancellation a cancelled one, a reminder a confirmed session in the next 24 hours.",
    ),
  NTSMS: () => smsNotAgreed(),
  "42501": () => new ApiError("forbidden", "Only staff send notifications."),
};

export const smsNotAgreed = () =>
  new ApiError(
    "conflict",
    "The customer has not given a phone number or has not agreed to text messages for this booking.",
  );

export function throwNotificationError(error: PostgrestError, action: string): never {
  const known = KNOWN[error.code];
  if (known) throw known();
  throw new Error(`${action} failed: ${error.code} ${error.message}`);
}
