// The daily booking retention job (GET /api/cron/purge-bookings, vercel.json crons): erases the
// personal data of bookings whose session ended more than the practice's booking retention
// (PUT /api/admin/settings `bookingRetentionDays`) ago, through public.purge_booking_personal_data,
// which only the service role may run. The financial record stays (amounts, payments, refunds,
// statuses, dates); nothing in it names the customer. It also deletes shop form submissions past
// their shop's retention (`submissionRetentionDays`, public.purge_expired_shop_submissions).
// Idempotent.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

export const BookingPurge = z
  .object({
    /** Bookings whose personal data this run erased. */
    erased: z.number().int().nonnegative(),
    /** Shop form submissions past their shop's retention, deleted. */
    submissionsDeleted: z.number().int().nonnegative(),
  })
  .meta({ id: "BookingPurge" });
export type BookingPurge = z.infer<typeof BookingPurge>;

export async function purgeBookingPersonalData(service: SupabaseClient): Promise<BookingPurge> {
  const { data, error } = await service.rpc("purge_booking_personal_data");
  if (error) throw new Error(`booking retention purge failed: ${error.code} ${error.message}`);
  const submissions = await service.rpc("purge_expired_shop_submissions");
  if (submissions.error) {
    throw new Error(
      `submission retention purge failed: ${submissions.error.code} ${submissions.error.message}`,
    );
  }
  return { erased: data as number, submissionsDeleted: submissions.data as number };
}
