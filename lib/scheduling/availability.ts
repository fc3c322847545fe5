// The slots of one session type on one local day (issue #5, GET/POST /api/availability), or on a
// run of up to 31 days (a month view, GET /api/availability/calendar): reads the session type,
// the practitioner, the booking rules, their working hours, exceptions and busy ranges in one
// call with the anon client — public.availability_inputs, one database round trip (everything
// in it is public; bookings only as instants —
// supabase/migrations/20261121001000_availability_inputs.sql) — then lets computeSlots
// (lib/scheduling/slots.ts) decide.
//
// Choices:
// - Which practitioner. The request may name one (`practitionerId`): that practitioner if
//   active, else 404 — an inactive one is hidden from the anon client exactly as an unknown id
//   is. Without it, the first active practitioner by display name (then id, so the choice is
//   stable), which is the practice's only one today. The booking is made with the practitioner
//   chosen here (create_booking checks again that they are active). When the practice assigns
//   the first free practitioner (booking_rules.practitioner_assignment = 'first_free', issue
//   17 item 5), a request that names nobody is answered for the practice's pool instead: every
//   active practitioner in the first one's time zone (availability_inputs' `pool`, the same
//   one round trip), each member's day computed as below, and a slot listed as available when
//   any member has it free (the union, by start instant); create_booking_at then books the
//   first member free at that time
//   (supabase/migrations/20261121001400_calcom.sql).
// - Rules: minimum notice, horizon and slot grid come from public.booking_rules, the row the
//   booking functions enforce, read beside the session type.
//   Every slot of the day is listed; the ones too soon, too far ahead, during an exception or
//   taken are `available: false`.
// - Buffers as the database counts them. bookings_no_overlap refuses a booking whose
//   [start, end + its buffer) overlaps a live booking's `blocked`, and busy_ranges returns
//   `blocked` (which already holds the booked type's buffer). computeSlots adds the requested
//   type's buffer to each busy range, so each range's end is pulled back by that buffer first:
//   the slot is then free exactly when the database would accept a hold on it, whatever the
//   buffers of the two session types.
// - No cache. Everything is read fresh on every request, in one round trip to the database:
//   a cache in Redis would cost a round trip of its own on every request (and one more to fill
//   it, and deletes after every booking write) to save none, and would show taken slots as free
//   for as long as it kept them. Deactivating a session type or a practitioner, or a booking,
//   shows at once.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { calcomStarts, onlyOffered } from "./calcom/availability.js";
import { computeSlotsForDates, type Slot, type TimeRange } from "./slots.js";
import { parseDate } from "./zoned.js";

/**
 * The rules the migration installs in public.booking_rules (a test checks they agree), for
 * documentation and the bench; requests use the database's row. A slot must start at least
 * this long after the request (2 hours)…
 */
export const MINIMUM_NOTICE_MINUTES = 120;
/** …and less than this many days after it: bookings open about two months ahead. */
export const HORIZON_DAYS = 60;
/** The longest run of dates one calendar request (and one availability_inputs call) covers. */
export const MAX_CALENDAR_DAYS = 31;

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

export const CalendarRequest = z.strictObject({
  /** The practitioner's local date the run starts on. */
  from: z.iso.date(),
  /** How many dates, from `from` on: 1 to 31 (a month view); 30 when omitted. */
  days: z.coerce.number().int().min(1).max(MAX_CALENDAR_DAYS).default(30),
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  practitionerId: z.uuid().optional(),
});
export type CalendarRequest = z.infer<typeof CalendarRequest>;

export const CalendarDay = z
  .object({
    date: z.iso.date(),
    /** How many of the day's slots are available: 0 for a day off, a full or a past day. */
    availableSlots: z.number().int().min(0),
    slots: z.array(AvailabilitySlot),
  })
  .meta({ id: "CalendarDay" });

export const Calendar = z
  .object({
    from: z.iso.date(),
    days: z.number().int(),
    sessionType: z.string(),
    timezone: z.string(),
    /** The practitioner named; null when the dates are the practice's pool's (none named). */
    practitionerId: z.uuid().nullable(),
    dates: z.array(CalendarDay),
  })
  .meta({ id: "AvailabilityCalendar" });
export type Calendar = z.infer<typeof Calendar>;

/** What public.availability_inputs answers; instants in ms since the epoch. */
export interface AvailabilityInputs {
  sessionType: { durationMinutes: number; bufferMinutes: number } | null;
  practitioner: { id: string; timeZone: string } | null;
  rules: { minimumNoticeMinutes: number; horizonDays: number; slotStepMinutes: number };
  workingHours: { weekday: number; start: string; end: string }[];
  exceptions: [number, number][];
  busy: [number, number][];
  /**
   * Each member of the practice's pool, in booking order: only when no practitioner is named and
   * the practice assigns the first free one (booking_rules.practitioner_assignment).
   */
  pool?: PoolMember[] | null;
}

/** One practitioner of the pool, in booking order; instants in ms since the epoch. */
export interface PoolMember {
  id: string;
  workingHours: AvailabilityInputs["workingHours"];
  exceptions: [number, number][];
  busy: [number, number][];
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
): Promise<Availability & { practitionerId: string | null }> {
  const [inputs, offered] = await Promise.all([
    readAvailabilityInputs(db, {
      sessionType: request.sessionType,
      practitionerId: request.practitionerId,
      from: request.date,
      days: 1,
    }),
    calcomStarts(request.sessionType, request.date, 1),
  ]);
  const { timeZone, slots } = slotsOf(inputs, [request.date], now, ignoring);
  return {
    date: request.date,
    sessionType: request.sessionType,
    timezone: timeZone,
    slots: onlyOffered(slots[0] ?? [], offered),
    practitionerId: inputs.pool ? null : inputs.practitioner.id,
  };
}

/** Every slot of each date of the run (a month view), from one database round trip. */
export async function calendarFor(
  db: SupabaseClient,
  request: CalendarRequest,
  now: Date,
): Promise<Calendar> {
  const [inputs, offered] = await Promise.all([
    readAvailabilityInputs(db, request),
    calcomStarts(request.sessionType, request.from, request.days),
  ]);
  return calendarFrom(inputs, request, now, offered);
}

/** The calendar's computation alone, on inputs already read (the bench times this). */
export function calendarFrom(
  inputs: RequiredInputs,
  request: Pick<CalendarRequest, "from" | "days" | "sessionType">,
  now: Date,
  /** Cal.com's starts when it schedules the session type (lib/scheduling/calcom). */
  offered?: Set<number>,
): Calendar {
  const dates = datesFrom(request.from, request.days);
  const { timeZone, slots } = slotsOf(inputs, dates, now);
  return {
    from: request.from,
    days: request.days,
    sessionType: request.sessionType,
    timezone: timeZone,
    practitionerId: inputs.pool ? null : inputs.practitioner.id,
    dates: dates.map((date, i) => {
      const day = onlyOffered(slots[i] ?? [], offered);
      return { date, availableSlots: day.filter((slot) => slot.available).length, slots: day };
    }),
  };
}

type RequiredInputs = AvailabilityInputs & {
  sessionType: NonNullable<AvailabilityInputs["sessionType"]>;
  practitioner: NonNullable<AvailabilityInputs["practitioner"]>;
};

/**
 * One call to public.availability_inputs; 404 when the session type or the practitioner is
 * unknown or inactive.
 */
export async function readAvailabilityInputs(
  db: SupabaseClient,
  request: { sessionType: string; practitionerId?: string | undefined; from: string; days: number },
): Promise<RequiredInputs> {
  const { data, error } = await db.rpc("availability_inputs", {
    p_session_type: request.sessionType,
    p_practitioner_id: request.practitionerId ?? null,
    p_from: request.from,
    p_days: request.days,
  });
  if (error) throw new Error(`availability inputs read failed: ${error.code} ${error.message}`);
  const inputs = data as AvailabilityInputs;
  if (!inputs.sessionType) {
    throw new ApiError("not_found", "There is no bookable session type with this name.");
  }
  if (!inputs.practitioner) {
    throw new ApiError(
      "not_found",
      request.practitionerId === undefined
        ? "No practitioner is taking bookings at the moment."
        : "There is no practitioner taking bookings with this id.",
    );
  }
  return inputs as RequiredInputs;
}

function slotsOf(
  inputs: RequiredInputs,
  dates: readonly string[],
  now: Date,
  ignoring?: TimeRange,
): { timeZone: string; slots: Slot[][] } {
  if (!inputs.pool) return memberSlotsOf(inputs, dates, now, ignoring);
  // The pool: each member's days, then per date the union by start instant (available when any
  // member has it free), in order of start.
  const timeZone = inputs.practitioner.timeZone;
  const perMember = inputs.pool.map(
    (member) => memberSlotsOf({ ...inputs, ...member }, dates, now, ignoring).slots,
  );
  const slots = dates.map((_, i) => {
    const byStart = new Map<string, Slot>();
    for (const memberDays of perMember) {
      for (const slot of memberDays[i] ?? []) {
        const seen = byStart.get(slot.start);
        if (!seen) byStart.set(slot.start, { ...slot });
        else if (slot.available) seen.available = true;
      }
    }
    return [...byStart.values()].sort((a, b) => a.start.localeCompare(b.start));
  });
  return { timeZone, slots };
}

function memberSlotsOf(
  inputs: Omit<RequiredInputs, "pool">,
  dates: readonly string[],
  now: Date,
  ignoring?: TimeRange,
): { timeZone: string; slots: Slot[][] } {
  const buffer = inputs.sessionType.bufferMinutes * MINUTE_MS;
  const ignoredStart = ignoring?.start.getTime();
  const ignoredEnd = ignoring?.end.getTime();
  const busy: TimeRange[] = [];
  for (const [start, end] of inputs.busy) {
    if (start === ignoredStart && end === ignoredEnd) continue;
    // See "Buffers as the database counts them" above; never shorter than 1 ms, so a range
    // shorter than the buffer still counts (conservatively, as [start, start + 1 ms + buffer)).
    busy.push({ start: new Date(start), end: new Date(Math.max(end - buffer, start + 1)) });
  }
  const timeZone = inputs.practitioner.timeZone;
  const slots = computeSlotsForDates(
    {
      timeZone,
      workingHours: inputs.workingHours,
      exceptions: inputs.exceptions.map(([start, end]) => ({
        start: new Date(start),
        end: new Date(end),
      })),
      busy,
      durationMinutes: inputs.sessionType.durationMinutes,
      bufferMinutes: inputs.sessionType.bufferMinutes,
      now,
      ...inputs.rules,
    },
    dates,
  );
  return { timeZone, slots };
}

/** `days` consecutive dates from `from`, "YYYY-MM-DD". */
function datesFrom(from: string, days: number): string[] {
  const first = parseDate(from);
  return Array.from({ length: days }, (_, i) =>
    new Date(first + i * DAY_MS).toISOString().slice(0, 10),
  );
}
