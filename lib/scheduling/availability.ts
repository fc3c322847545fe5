// The slots of one session type on one local day (issue #5, GET/POST /api/availability): reads
// the session type, the practitioner, their working hours, exceptions and busy ranges with the
// anon client (everything here is public; bookings only through public.busy_ranges, which hands
// out instants and nothing else — supabase/migrations/20261121000400_bookings.sql), then
// lets computeSlots (lib/scheduling/slots.ts) decide.
//
// Choices:
// - Which practitioner. The request may name one (`practitionerId`): that practitioner if
//   active, else 404 — an inactive one is hidden from the anon client exactly as an unknown id
//   is. Without it, the first active practitioner by display name (then id, so the choice is
//   stable), which is the practice's only one today. The booking is made with the practitioner
//   chosen here (create_booking checks again that they are active). The cache key is per
//   practitioner.
// - Rules: minimum notice, horizon and slot grid come from public.booking_rules, the row the
//   booking functions enforce (lib/scheduling/booking-rules.ts), read beside the session type.
//   Every slot of the day is listed; the ones too soon, too far ahead, during an exception or
//   taken are `available: false`.
// - Buffers as the database counts them. bookings_no_overlap refuses a booking whose
//   [start, end + its buffer) overlaps a live booking's `blocked`, and busy_ranges returns
//   `blocked` (which already holds the booked type's buffer). computeSlots adds the requested
//   type's buffer to each busy range, so each range's end is pulled back by that buffer first:
//   the slot is then free exactly when the database would accept a hold on it, whatever the
//   buffers of the two session types.
// - Cache. What costs queries and does not depend on the clock — working hours, exceptions and
//   busy ranges of one practitioner around one date — is cached for CACHE_TTL_SECONDS under
//   `<practitionerId>:<date>`; the slots are computed per request with the request's `now`, so
//   the notice and horizon boundaries are exact. One key per practitioner and date serves every
//   session type, so one delete invalidates them all: code that creates, confirms, cancels or
//   expires a booking calls invalidateAvailabilityAround(practitionerId, range) after it commits.
//   A change made around the API (SQL, the dashboard) shows within CACHE_TTL_SECONDS; the
//   database refuses a double booking either way (409), so staleness only costs a failed attempt.
//   The session type and the practitioner are read on every request (two small reads, in
//   parallel), so deactivating either takes effect at once.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { cacheNamespace } from "../cache/cache.js";
import { ApiError } from "../http/errors.js";
import { readBookingRules } from "./booking-rules.js";
import { computeSlots, type TimeRange } from "./slots.js";
import { parseDate } from "./zoned.js";

/**
 * The rules the migration installs in public.booking_rules (a test checks they agree), for
 * documentation and the bench; requests use the database's row. A slot must start at least
 * this long after the request (2 hours)…
 */
export const MINIMUM_NOTICE_MINUTES = 120;
/** …and less than this many days after it: bookings open about two months ahead. */
export const HORIZON_DAYS = 60;
/** How long the schedule inputs of one practitioner and date are reused. */
export const CACHE_TTL_SECONDS = 60;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export const SESSION_TYPE_SLUG = /^[a-z][a-z0-9_-]{0,49}$/;

export const AvailabilityRequest = z.strictObject({
  /** The practitioner's local date. */
  date: z.iso.date(),
  /** A session type's slug, as GET /api/services lists them. */
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  /** An active practitioner's id; the first active practitioner by name when omitted. */
  practitionerId: z.uuid().optional(),
});
export type AvailabilityRequest = z.infer<typeof AvailabilityRequest>;

export const AvailabilitySlot = z
  .object({
    /** Local start time as the SPA shows it: "10:00 AM". */
    time: z.string(),
    /** UTC instant, ISO 8601. */
    start: z.iso.datetime(),
    /** start + the session's duration, UTC ISO 8601. */
    end: z.iso.datetime(),
    available: z.boolean(),
  })
  .meta({ id: "AvailabilitySlot" });

export const Availability = z
  .object({
    date: z.iso.date(),
    sessionType: z.string(),
    /** The practitioner's IANA time zone, which `date` and `time` are in. */
    timezone: z.string(),
    slots: z.array(AvailabilitySlot),
  })
  .meta({ id: "Availability" });
export type Availability = z.infer<typeof Availability>;

const Range = z.object({ start: z.iso.datetime(), end: z.iso.datetime() });

/** The cached, clock-independent inputs of one practitioner and date. */
const ScheduleInputs = z.object({
  workingHours: z.array(z.object({ weekday: z.number(), start: z.string(), end: z.string() })),
  exceptions: z.array(Range),
  busy: z.array(Range),
});
type ScheduleInputs = z.infer<typeof ScheduleInputs>;

const scheduleCache = cacheNamespace("availability", ScheduleInputs, CACHE_TTL_SECONDS);

const cacheKey = (practitionerId: string, date: string) => `${practitionerId}:${date}`;

interface SessionTypeRow {
  duration_minutes: number;
  buffer_minutes: number;
}

interface PractitionerRow {
  id: string;
  time_zone: string;
}

interface WorkingHoursRow {
  weekday: number;
  start_time: string;
  end_time: string;
}

interface RangeRow {
  starts_at: string;
  ends_at: string;
}

/**
 * The day's slots of the session type with the practitioner the request names (or the default
 * one, see "Which practitioner" above), as the API answers.
 * `ignoring`: a booking's own `blocked` range, not counted as busy when that booking is being
 * moved (a session may move by half an hour into its own old time).
 */
export async function availabilityFor(
  db: SupabaseClient,
  request: AvailabilityRequest,
  now: Date,
  ignoring?: TimeRange,
): Promise<Availability & { practitionerId: string }> {
  const [sessionType, practitioner, rules] = await Promise.all([
    readSessionType(db, request.sessionType),
    bookablePractitioner(db, request.practitionerId),
    readBookingRules(db),
  ]);
  if (!sessionType) {
    throw new ApiError("not_found", "There is no bookable session type with this name.");
  }
  if (!practitioner) {
    throw new ApiError(
      "not_found",
      request.practitionerId === undefined
        ? "No practitioner is taking bookings at the moment."
        : "There is no practitioner taking bookings with this id.",
    );
  }
  const inputs = await scheduleCache.getOrLoad(cacheKey(practitioner.id, request.date), () =>
    loadScheduleInputs(db, practitioner.id, request.date),
  );
  const buffer = sessionType.buffer_minutes * MINUTE_MS;
  const slots = computeSlots({
    date: request.date,
    timeZone: practitioner.time_zone,
    workingHours: inputs.workingHours,
    exceptions: inputs.exceptions.map(toRange),
    // See "Buffers as the database counts them" above; never shorter than 1 ms, so a range
    // shorter than the buffer still counts (conservatively, as [start, start + 1 ms + buffer)).
    busy: inputs.busy
      .map(toRange)
      .filter((range) => !ignoring || !sameRange(range, ignoring))
      .map(({ start, end }) => ({
        start,
        end: new Date(Math.max(end.getTime() - buffer, start.getTime() + 1)),
      })),
    durationMinutes: sessionType.duration_minutes,
    bufferMinutes: sessionType.buffer_minutes,
    now,
    ...rules,
  });
  return {
    date: request.date,
    sessionType: request.sessionType,
    timezone: practitioner.time_zone,
    slots,
    practitionerId: practitioner.id,
  };
}

const sameRange = (a: TimeRange, b: TimeRange) =>
  a.start.getTime() === b.start.getTime() && a.end.getTime() === b.end.getTime();

/** Forgets the cached schedule of a practitioner on one local date. */
export async function invalidateAvailability(practitionerId: string, date: string): Promise<void> {
  await scheduleCache.delete(cacheKey(practitionerId, date));
}

/**
 * Forgets every cached date whose schedule may include the range (a booking's `blocked`): the
 * entry for date D holds ranges overlapping [D − 1 day, D + 2 days) in UTC, so the dates from
 * the day before the range's first UTC day to the day after its last.
 */
export async function invalidateAvailabilityAround(
  practitionerId: string,
  range: TimeRange,
): Promise<void> {
  const first = utcDay(range.start.getTime()) - DAY_MS;
  const last = utcDay(Math.max(range.start.getTime(), range.end.getTime() - 1)) + DAY_MS;
  const deletes: Promise<void>[] = [];
  for (let day = first; day <= last; day += DAY_MS) {
    deletes.push(invalidateAvailability(practitionerId, new Date(day).toISOString().slice(0, 10)));
  }
  await Promise.all(deletes);
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function toRange(range: { start: string; end: string }): TimeRange {
  return { start: new Date(range.start), end: new Date(range.end) };
}

async function readSessionType(db: SupabaseClient, slug: string) {
  const { data, error } = await db
    .from("session_types")
    .select("duration_minutes, buffer_minutes")
    .eq("slug", slug)
    .eq("active", true)
    .maybeSingle<SessionTypeRow>();
  if (error) throw new Error(`session type read failed: ${error.code} ${error.message}`);
  return data;
}

/**
 * The active practitioner with this id, or without one the default (see "Which practitioner"
 * above); undefined when there is none.
 */
export async function bookablePractitioner(db: SupabaseClient, id?: string) {
  let query = db.from("practitioners").select("id, time_zone").eq("active", true);
  if (id !== undefined) query = query.eq("id", id);
  const { data, error } = await query
    .order("display_name")
    .order("id")
    .limit(1)
    .overrideTypes<PractitionerRow[], { merge: false }>();
  if (error) throw new Error(`practitioner read failed: ${error.code} ${error.message}`);
  return data[0];
}

/**
 * Working hours, and the exceptions and busy ranges overlapping the local day. Every time zone
 * is within ±14 hours of UTC, so [date − 1 day, date + 2 days) in UTC covers the local day.
 */
async function loadScheduleInputs(
  db: SupabaseClient,
  practitionerId: string,
  date: string,
): Promise<ScheduleInputs> {
  const day = parseDate(date);
  const window = {
    p_practitioner_id: practitionerId,
    p_from: new Date(day - DAY_MS).toISOString(),
    p_to: new Date(day + 2 * DAY_MS).toISOString(),
  };
  const [hours, exceptions, busy] = await Promise.all([
    db
      .from("working_hours")
      .select("weekday, start_time, end_time")
      .eq("practitioner_id", practitionerId)
      .overrideTypes<WorkingHoursRow[], { merge: false }>(),
    db.rpc("exception_ranges", window),
    db.rpc("busy_ranges", window),
  ]);
  for (const [what, result] of [
    ["working hours", hours],
    ["exceptions", exceptions],
    ["busy ranges", busy],
  ] as const) {
    if (result.error) {
      throw new Error(`${what} read failed: ${result.error.code} ${result.error.message}`);
    }
  }
  return {
    workingHours: (hours.data ?? []).map((row) => ({
      weekday: row.weekday,
      start: row.start_time,
      end: row.end_time,
    })),
    exceptions: ((exceptions.data ?? []) as RangeRow[]).map(isoRange),
    busy: ((busy.data ?? []) as RangeRow[]).map(isoRange),
  };
}

/** Postgres' "2026-01-05T04:30:00+00:00" as "2026-01-05T04:30:00.000Z", which the schema takes. */
function isoRange(row: RangeRow): { start: string; end: string } {
  return {
    start: new Date(row.starts_at).toISOString(),
    end: new Date(row.ends_at).toISOString(),
  };
}
