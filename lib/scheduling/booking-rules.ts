// The practice's booking rules as the database keeps and enforces them (public.booking_rules,
// supabase/migrations/20261121000200_catalogue_and_scheduling.sql). Availability reads the
// same row the booking functions check, so the slots shown are the slots the database accepts.
import type { SupabaseClient } from "@supabase/supabase-js";

export interface BookingRules {
  minimumNoticeMinutes: number;
  horizonDays: number;
  slotStepMinutes: number;
}

interface BookingRulesRow {
  minimum_notice_minutes: number;
  horizon_days: number;
  slot_step_minutes: number;
}

export async function readBookingRules(db: SupabaseClient): Promise<BookingRules> {
  const { data, error } = await db
    .from("booking_rules")
    .select("minimum_notice_minutes, horizon_days, slot_step_minutes")
    .single<BookingRulesRow>();
  if (error) throw new Error(`booking rules read failed: ${error.code} ${error.message}`);
  return {
    minimumNoticeMinutes: data.minimum_notice_minutes,
    horizonDays: data.horizon_days,
    slotStepMinutes: data.slot_step_minutes,
  };
}
