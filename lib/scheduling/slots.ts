// The bookable slots of one practitioner on one local day (issue #5): a pure computation from the
// working hours and exceptions (supabase/migrations/20261121000200_catalogue_and_scheduling.sql)
// and the busy ranges (bookings and live holds) the caller has read. No I/O and no clock: `now` is
// an input.
//
// The rules, and the choices made where the issue left them open:
// - Candidate starts lie on a grid of slotStepMinutes (default 30, so the SPA shows times like
//   "10:00 AM" and "10:30 AM") counted in local wall-clock time from the start of each working
//   interval of the day's ISO weekday. A slot [start, start + duration) must lie inside the
//   interval; the buffer after it may run past the interval's end.
// - DST. An interval covers exactly the instants whose local time falls in [start, end). A grid
//   time that does not exist (a spring-forward gap) gives no slot; one that happens twice (a
//   fall-back overlap) gives a slot at each instant, so 00:00–03:00 on a New York fall-back day,
//   four real hours, yields eight 30-minute slots, "1:00 AM" and "1:30 AM" twice each (their
//   `start` instants differ). Durations and buffers are real elapsed minutes. If an interval
//   ends inside the repeated hour, it ends the first time the clock reads its end.
// - Buffers. bufferMinutes is kept free after every session: a slot occupies
//   [start, end + buffer) and each busy range [start, end + buffer), and they must not overlap —
//   so there is at least a buffer between the slot and any booking, on either side. Exceptions
//   block only the session itself, [start, end): the buffer is the practitioner's own time, as
//   it is when it runs past the end of working hours.
// - Every slot of the day is listed; one is available only if it starts at or after
//   now + minimumNoticeMinutes (so past slots are unavailable), starts before
//   now + horizonDays × 24 h, and overlaps no exception and no busy range. All ranges are
//   half-open, so a slot that only touches a booking or an exception is fine.
import { RangeSet } from "./ranges.js";
import {
  assertTimeZone,
  clockLabel,
  firstInstantAtOrAfterWall,
  instantsAtWall,
  isoWeekday,
  parseDate,
  parseTime,
  steadyOffsetOn,
  wallAt,
} from "./zoned.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export const DEFAULT_SLOT_STEP_MINUTES = 30;

/** One row of working_hours: local wall-clock times in the practitioner's zone. */
export interface WorkingInterval {
  /** ISO 8601: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** "HH:MM" (Postgres' "HH:MM:00" is accepted too). */
  start: string;
  /** "HH:MM", after start; "24:00" for "until midnight". */
  end: string;
}

/** A half-open range of instants, [start, end). */
export interface TimeRange {
  start: Date;
  end: Date;
}

export interface SlotInput {
  /** The practitioner's local date, "YYYY-MM-DD". */
  date: string;
  /** The practitioner's IANA time zone. */
  timeZone: string;
  /** All of the practitioner's working hours; those of other weekdays are ignored. */
  workingHours: readonly WorkingInterval[];
  /** Time off (schedule_exceptions.during). */
  exceptions: readonly TimeRange[];
  /** Bookings and live holds, without their buffers. */
  busy: readonly TimeRange[];
  durationMinutes: number;
  /** Kept free after each session (session_types.buffer_minutes). */
  bufferMinutes: number;
  /** Distance between candidate starts in local time; DEFAULT_SLOT_STEP_MINUTES if absent. */
  slotStepMinutes?: number;
  now: Date;
  minimumNoticeMinutes: number;
  horizonDays: number;
}

export interface Slot {
  /** Local start time as the SPA shows it: "10:00 AM", "12:30 PM". */
  time: string;
  /** UTC instant, ISO 8601 ("2026-03-09T13:00:00.000Z"). */
  start: string;
  /** start + duration, UTC ISO 8601. */
  end: string;
  available: boolean;
}

/** The day's slots in order of their start instants. Throws RangeError for malformed input. */
export function computeSlots(input: SlotInput): Slot[] {
  return computeSlotsForDates(input, [input.date])[0] ?? [];
}

/**
 * The slots of each of `dates` (the practitioner's local dates), as computeSlots answers for each
 * alone, with the ranges sorted once for all of them: a month view costs one sort of the busy
 * ranges, not one per day.
 */
export function computeSlotsForDates(
  input: Omit<SlotInput, "date">,
  dates: readonly string[],
): Slot[][] {
  const step = input.slotStepMinutes ?? DEFAULT_SLOT_STEP_MINUTES;
  checkMinutes("durationMinutes", input.durationMinutes, 1, 1440);
  checkMinutes("bufferMinutes", input.bufferMinutes, 0, 1440);
  checkMinutes("slotStepMinutes", step, 1, 1440);
  checkMinutes("minimumNoticeMinutes", input.minimumNoticeMinutes, 0, Number.MAX_SAFE_INTEGER);
  checkMinutes("horizonDays", input.horizonDays, 0, 100_000);
  assertTimeZone(input.timeZone);
  const now = instant("now", input.now);

  const duration = input.durationMinutes * MINUTE_MS;
  const buffer = input.bufferMinutes * MINUTE_MS;
  const exceptions = new RangeSet(input.exceptions.map((r) => range("exception", r, 0)));
  const busy = new RangeSet(input.busy.map((r) => range("busy range", r, buffer)));
  const earliest = now + input.minimumNoticeMinutes * MINUTE_MS;
  const latest = now + input.horizonDays * DAY_MS;
  const intervals = input.workingHours.map((interval) => {
    const startMinutes = parseTime(interval.start);
    const endMinutes = parseTime(interval.end, true);
    if (startMinutes >= endMinutes) {
      throw new RangeError(
        `working interval ends before it starts: ${interval.start}–${interval.end}`,
      );
    }
    return { weekday: interval.weekday, startMinutes, endMinutes };
  });

  return dates.map((date) => {
    const day = parseDate(date);
    const weekday = isoWeekday(day);
    // Start instant -> local minutes after midnight (for the label). Keyed by instant so that
    // overlapping intervals, which the database forbids anyway, cannot list a slot twice.
    const starts = new Map<number, number>();
    // Most days have one offset throughout: each wall time is then one instant, found without
    // asking Intl again (a daylight-saving day takes the general path).
    const steady = intervals.some((interval) => interval.weekday === weekday)
      ? steadyOffsetOn(day, input.timeZone)
      : undefined;
    const firstInstant = (wall: number) =>
      steady === undefined ? firstInstantAtOrAfterWall(wall, input.timeZone) : wall - steady;
    const instants = (wall: number) =>
      steady === undefined ? instantsAtWall(wall, input.timeZone) : [wall - steady];
    for (const { weekday: intervalDay, startMinutes, endMinutes } of intervals) {
      if (intervalDay !== weekday) continue;
      const from = firstInstant(wallAt(day, startMinutes));
      const to = firstInstant(wallAt(day, endMinutes));
      for (let minutes = startMinutes; minutes < endMinutes; minutes += step) {
        for (const start of instants(wallAt(day, minutes))) {
          if (start >= from && start + duration <= to) starts.set(start, minutes);
        }
      }
    }

    return [...starts]
      .sort(([a], [b]) => a - b)
      .map(([start, minutes]) => {
        const end = start + duration;
        const available =
          start >= earliest &&
          start < latest &&
          !exceptions.overlaps(start, end) &&
          !busy.overlaps(start, end + buffer);
        return {
          time: clockLabel(minutes),
          start: new Date(start).toISOString(),
          end: new Date(end).toISOString(),
          available,
        };
      });
  });
}

/** 12-hour time as the SPA shows it. Built by hand: Intl puts a narrow no-break space before AM. */
function checkMinutes(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}: ${value}`);
  }
}

function instant(name: string, date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid date`);
  return ms;
}

/** [start, end + extend) in ms; RangeError if the range ends before it starts. */
function range(name: string, r: TimeRange, extend: number): [number, number] {
  const start = instant(name, r.start);
  const end = instant(name, r.end);
  if (end < start) throw new RangeError(`${name} ends before it starts`);
  // An empty range covers nothing, buffer or not.
  return [start, end === start ? end : end + extend];
}
