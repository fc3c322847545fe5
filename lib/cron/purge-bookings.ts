// The daily booking retention job (GET /api/cron/purge-bookings, vercel.json crons): erases the
// personal data of bookings whose session ended more than the practice's booking retention
// (PUT /api/admin/settings `bookingRetentionDays`) ago, through public.purge_booking_personal_data,
// which only the service role may run. The financial record stays (amounts, payments, refunds,
// statuses, dates); nothing in it names the customer. Idempotent.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

export const BookingPurge = z
  .object({
    /** Bookings whose personal data this run erased. */
    erased: z.number().int().nonnegative(),
  })
  .meta({ id: "BookingPurge" });
export type BookingPurge = z.infer<typeof BookingPurge>;

export async function purgeBookingPersonalData(service: SupabaseClient): Promise<BookingPurge> {
  const { data, error } = await service.rpc("purge_booking_personal_data");
  if (error) throw new Error(`booking retention purge failed: ${error.code} ${error.message}`);
  return { erased: data as number };
}
