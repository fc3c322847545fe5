// For POST /api/bookings (issue 17, item 4): a new booking of a session type that Cal.com
// schedules is linked to Cal.com (public.calcom_bookings), so the sync (./sync.ts) creates it
// there once it is confirmed — at once for a free session, after payment for a paid one — and
// forwards its cancellation or move. One insert, only when Cal.com schedules the type; nothing
// otherwise. The Cal.com call itself is never made here: the booking is answered first.
import type { SupabaseClient } from "@supabase/supabase-js";
import { calcomEventType } from "./config.js";

export async function linkBookingToCalcom(
  service: SupabaseClient,
  sessionType: string,
  bookingId: string,
): Promise<void> {
  const scheduled = calcomEventType(sessionType);
  if (!scheduled) return;
  const { error } = await service
    .from("calcom_bookings")
    .insert({ booking_id: bookingId, event_type_id: scheduled.eventTypeId });
  if (error) throw new Error(`linking a booking to Cal.com failed: ${error.code} ${error.message}`);
}
