// PATCH /api/bookings {bookingId}: the MindfulQALB SPA's admin "confirm" (src/pages/AdminPage.tsx),
// which reads `success`, `meetingUrl` and, on an error, `error`. Staff of the booking's
// practitioner (or an admin) confirm a hold as POST /api/bookings/{id}/confirm does; a booking
// already confirmed (paid and linked, or free) answers success as it is (confirm_booking is
// idempotent), since the SPA confirms every new booking it lists. Bastion makes no meeting links: `meetingUrl` is null and
// the SPA keeps its own. Errors are problem+json that also carry `error`, the text the SPA shows.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { confirmBooking } from "./manage-booking.js";

export const SpaConfirmRequest = z.strictObject({ bookingId: z.uuid() });
export type SpaConfirmRequest = z.infer<typeof SpaConfirmRequest>;

export const SpaConfirmResult = z
  .strictObject({
    success: z.literal(true),
    bookingId: z.uuid(),
    status: z.string().describe("`confirmed`"),
    meetingUrl: z.null().describe("Bastion makes no meeting links"),
    message: z.string(),
  })
  .meta({ id: "SpaBookingConfirmation" });
export type SpaConfirmResult = z.infer<typeof SpaConfirmResult>;

/** `db` is the staff caller's own client: the database checks their role and scope. */
export async function confirmForSpa(db: SupabaseClient, id: string): Promise<SpaConfirmResult> {
  try {
    const booking = await confirmBooking(db, id);
    return {
      success: true,
      bookingId: booking.id,
      status: booking.status,
      meetingUrl: null,
      message: "Booking confirmed",
    };
  } catch (error) {
    throw withErrorText(error);
  }
}

/** An ApiError that also carries its detail as `error`; anything else as it is. */
export function withErrorText(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  return new ApiError(error.code, error.detail, {
    ...error.options,
    extensions: { ...error.options.extensions, error: error.detail ?? error.title },
  });
}
