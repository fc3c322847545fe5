// Local wall-clock time in an IANA time zone <-> UTC instants, with nothing but Intl (Node 20 has
// no Temporal). Working hours are stored as local times in the practitioner's zone
// (supabase/migrations/20261121000200_catalogue_and_scheduling.sql), so availability converts them
// here.
//
// A "wall" value below is a local date and time written as milliseconds as if it were UTC:
// Date.UTC(2026, 2, 8, 2, 30) stands for "02:30 on 8 March 2026 on the local clock". An offset is
// local minus UTC in milliseconds (+05:30 is 19_800_000, EST is -18_000_000), so
// wall = instant + offset, and an instant with wall time W satisfies instant = W - offset.
//
// Daylight saving time makes the wall clock jump:
// - a gap (spring forward): some wall times never happen; 02:30 on 2026-03-08 in America/New_York
//   has no instant, because the clock goes from 01:59:59 EST straight to 03:00:00 EDT;
// - an overlap (fall back): some wall times happen twice; 01:30 on 2026-11-01 in New York is
//   both 05:30Z (EDT) and 06:30Z (EST).

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (constructing them is the slow part). Throws RangeError for an unknown zone. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      // h23, not hour12: false, which some engines answer with "24" at midnight.
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws RangeError unless Intl knows the zone. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The zone's offset from UTC (local minus UTC, in ms) at an instant given in ms since the epoch. */
export function offsetAt(instantMs: number, timeZone: string): number {
  // Intl shows whole seconds; compare with the instant truncated the same way.
  const whole = Math.floor(instantMs / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(whole)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? Number.NaN,
    (fields.month ?? Number.NaN) - 1,
    fields.day ?? Number.NaN,
    fields.hour ?? Number.NaN,
    fields.minute ?? Number.NaN,
    fields.second ?? Number.NaN,
  );
  return wall - whole;
}

/** "YYYY-MM-DD" as the wall value of that day's midnight; RangeError unless it is a real date. */
export function parseDate(date: string): number {
  const m = DATE.exec(date);
  const wall = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip.
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  }
  return wall;
}

/**
 * "HH:MM" (or Postgres' "HH:MM:SS" with :00 seconds) as minutes after midnight. "24:00" — the
 * end of the day, which working_hours.end_time may hold — only when allowEndOfDay is set.
 */
export function parseTime(time: string, allowEndOfDay = false): number {
  const m = TIME.exec(time);
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  const seconds = Number(m?.[3] ?? "0");
  const total = hours * 60 + minutes;
  const valid =
    m !== null &&
    minutes < 60 &&
    seconds === 0 &&
    (total < 24 * 60 || (allowEndOfDay && total === 24 * 60));
  if (!valid) throw new RangeError(`not a time of day (HH:MM): ${time}`);
  return total;
}

/** ISO 8601 weekday (1 = Monday … 7 = Sunday) of a day given as a wall value. */
export function isoWeekday(dayWall: number): number {
  return new Date(dayWall).getUTCDay() || 7;
}

/**
 * Every instant (ms) at which the wall clock in timeZone reads `wall`, in order: none in a DST gap,
 * two in an overlap, otherwise one.
 *
 * The candidates are wall - offset for each offset in force around that time. Offsets lie within
 * ±14 h, so a matching instant is within a day of `wall`; the offsets a day before, at and a day
 * after cover every offset in force in between as long as the zone changes offset at most once
 * in two days, which all zones do today. A candidate is kept only if the zone really has that
 * offset at that instant.
 */
export function instantsAtWall(wall: number, timeZone: string): number[] {
  const offsets = new Set([
    offsetAt(wall - DAY_MS, timeZone),
    offsetAt(wall, timeZone),
    offsetAt(wall + DAY_MS, timeZone),
  ]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const instant = wall - offset;
    if (offsetAt(instant, timeZone) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * The first instant at which the wall clock reads `wall` or later. That is the one instant for
 * an ordinary time, the earlier of the two in an overlap, and, for a time inside a gap, the
 * instant the clock jumps over it (02:30 on a New York spring-forward day → 03:00 EDT, 07:00Z).
 * Working intervals use it for their ends, so that an interval covers exactly the instants whose
 * local time falls in [start, end) (in an overlap: up to the first time the clock reads end).
 */
export function firstInstantAtOrAfterWall(wall: number, timeZone: string): number {
  const [first] = instantsAtWall(wall, timeZone);
  if (first !== undefined) return first;
  // A gap: the offset before the jump is smaller than after. wall - after is still before the
  // jump (its wall time is wall - after + before < wall) and wall - before is past it; the jump
  // is between, on a whole second. Bisect on the offset.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  if (after <= before) throw new Error(`no instant for a wall time in ${timeZone}`);
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The zone's offset throughout the local day `dayWall` (see parseDate), or undefined when it
 * changes around that day (a daylight-saving day). When defined, every wall time of the day has
 * exactly one instant, wall − offset, so a caller can skip instantsAtWall for each of them: two
 * offset lookups a day instead of several per slot. The instants of the day's wall times lie
 * within [dayWall − 14 h, dayWall + 38 h]; the offsets just outside that window agree exactly
 * when the zone does not change offset inside it, as long as it changes at most once in that
 * time, which all zones do (the assumption instantsAtWall makes too).
 */
export function steadyOffsetOn(dayWall: number, timeZone: string): number | undefined {
  const before = offsetAt(dayWall - 15 * 60 * MINUTE_MS, timeZone);
  return offsetAt(dayWall + 39 * 60 * MINUTE_MS, timeZone) === before ? before : undefined;
}

/** Wall value of a day (see parseDate) plus minutes after its midnight. */
export function wallAt(dayWall: number, minutes: number): number {
  return dayWall + minutes * MINUTE_MS;
}

/**
 * The UTC instant at which the wall clock in timeZone reads `time` ("HH:MM") on `date`
 * ("YYYY-MM-DD"), or null if that local time does not exist (it falls in a spring-forward gap:
 * callers skip it, so no slot starts in a gap). In a fall-back overlap, where the time happens
 * twice, the earlier instant (the one still on summer time). zonedTimeToInstants gives both.
 * Throws RangeError for a malformed date or time or an unknown zone.
 */
export function zonedTimeToInstant(date: string, time: string, timeZone: string): Date | null {
  const [first] = zonedTimeToInstants(date, time, timeZone);
  return first ?? null;
}

/** Every UTC instant at which the local clock reads `time` on `date`: zero, one or two, in order. */
export function zonedTimeToInstants(date: string, time: string, timeZone: string): Date[] {
  assertTimeZone(timeZone);
  const wall = wallAt(parseDate(date), parseTime(time, true));
  return instantsAtWall(wall, timeZone).map((ms) => new Date(ms));
}

/** Minutes after local midnight as the SPA shows them: 600 → "10:00 AM", 0 → "12:00 AM". */
export function clockLabel(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const mm = String(minutes % 60).padStart(2, "0");
  return `${hours % 12 || 12}:${mm} ${hours < 12 ? "AM" : "PM"}`;
}

/** The local date ("YYYY-MM-DD") and clock label ("10:00 AM") of an instant in timeZone. */
export function localDateAndTime(instant: Date, timeZone: string): { date: string; time: string } {
  const wall = instant.getTime() + offsetAt(instant.getTime(), timeZone);
  const dayWall = Math.floor(wall / DAY_MS) * DAY_MS;
  return {
    date: new Date(dayWall).toISOString().slice(0, 10),
    time: clockLabel(Math.floor((wall - dayWall) / MINUTE_MS)),
  };
}
