// Each test's own practitioner. Tests that book name it (`practitionerId` on GET/POST
// /api/availability and POST /api/bookings), so no two tests compete for a slot — in one file's
// stack, or in the one database CI runs every file against (.ci/run) — and any date and time of
// the schedule will do.
//
// A request that names no practitioner gets the first active one by display name: the seeded
// Dr. Asha Menon. Every test practitioner is named by practitionerName(), which sorts after
// her, so that stays true in a shared database for the tests that are about that default.
import type { TestSupabase } from "./supabase.js";

/** The seeded practitioner (supabase/seed.sql), whom availability picks when none is named. */
export const SEEDED_PRACTITIONER = "9a7c0000-0000-4000-8000-000000000001";

/**
 * The seeded practitioner's week (supabase/seed.sql): Monday to Friday (ISO weekdays 1–5),
 * 10:00–13:00 and 14:00–18:00 in Asia/Kolkata.
 */
export const SEEDED_WORKING_HOURS: readonly WorkingHours[] = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: "10:00", end: "13:00" },
  { weekday, start: "14:00", end: "18:00" },
]);

/** Every day, all day: any instant on the slot grid is within working hours. */
export const ALL_DAY_EVERY_DAY: readonly WorkingHours[] = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
  weekday,
  start: "00:00",
  end: "24:00",
}));

export interface WorkingHours {
  /** ISO 8601: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local wall-clock times, "HH:MM" ("24:00" for midnight at the end). */
  start: string;
  end: string;
}

export interface PractitionerOptions {
  /** IANA zone the working hours are in; Asia/Kolkata, as seeded, when omitted. */
  timeZone?: string;
  /** The staff account that acts as the practitioner. */
  userId?: string;
  /** The seeded practitioner's (SEEDED_WORKING_HOURS) when omitted. */
  workingHours?: readonly WorkingHours[];
  /** Part of the display name, to tell test practitioners apart when reading a database. */
  label?: string;
}

/** A test practitioner's display name: unique, and sorting after the seeded practitioner's. */
export function practitionerName(label = "practitioner"): string {
  return `Test ${label} ${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * A fresh active practitioner, made with the service key, with the seeded practitioner's time
 * zone and week unless told otherwise: the same slots, none of them booked. Answers its id.
 */
export async function newPractitioner(
  supabase: TestSupabase,
  options: PractitionerOptions = {},
): Promise<string> {
  const server = supabase.client(supabase.serviceRoleKey);
  const created = await server
    .from("practitioners")
    .insert({
      display_name: practitionerName(options.label),
      time_zone: options.timeZone ?? "Asia/Kolkata",
      user_id: options.userId ?? null,
    })
    .select("id")
    .single<{ id: string }>();
  if (created.error) throw new Error(`creating a practitioner: ${created.error.message}`);
  const id = created.data.id;
  const hours = options.workingHours ?? SEEDED_WORKING_HOURS;
  if (hours.length > 0) {
    const { error } = await server.from("working_hours").insert(
      hours.map(({ weekday, start, end }) => ({
        practitioner_id: id,
        weekday,
        start_time: start,
        end_time: end,
      })),
    );
    if (error) throw new Error(`setting working hours: ${error.message}`);
  }
  return id;
}

/** Stops the practitioner taking bookings (active = false), with the service key. */
export async function deactivatePractitioner(supabase: TestSupabase, id: string): Promise<void> {
  const { error } = await supabase
    .client(supabase.serviceRoleKey)
    .from("practitioners")
    .update({ active: false })
    .eq("id", id);
  if (error) throw new Error(`deactivating a practitioner: ${error.message}`);
}
