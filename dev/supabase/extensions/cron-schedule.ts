// pg_cron's schedules as the local scheduler reads them: five cron fields in UTC (minute, hour,
// day of month, month, day of week; numbers, `*`, ranges, lists and steps, 0 and 7 both Sunday)
// or '[1-59] seconds'. cron._check_schedule (pg_cron.sql) refuses everything else when a job is
// scheduled; this parser refuses the same, so a job is never run on a misread schedule.

export type Schedule =
  | { kind: "interval"; seconds: number }
  | {
      kind: "cron";
      fields: readonly Set<number>[];
      domStar: boolean;
      dowStar: boolean;
      /** The minute or hour field starts with `*`: pg_cron's "wildcard" jobs. */
      wildcard: boolean;
    };

const BOUNDS: readonly [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const ITEM = /^(?:(\*)|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/;
const INTERVAL = /^\s*(\d{1,9})\s+seconds?\s*$/i;

export class InvalidSchedule extends Error {
  constructor(schedule: string) {
    super(`invalid schedule: ${schedule}`);
  }
}

export function parseSchedule(text: string): Schedule {
  const interval = INTERVAL.exec(text);
  if (interval) {
    const seconds = Number(interval[1]);
    if (seconds < 1 || seconds > 59) throw new InvalidSchedule(text);
    return { kind: "interval", seconds };
  }
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) throw new InvalidSchedule(text);
  const fields = parts.map((part, index) => {
    const [low, high] = BOUNDS[index] as [number, number];
    const values = new Set<number>();
    for (const item of part.split(",")) {
      const match = ITEM.exec(item);
      if (!match) throw new InvalidSchedule(text);
      const [, star, first, last, step] = match;
      if (first !== undefined && last === undefined && step !== undefined) {
        throw new InvalidSchedule(text);
      }
      const from = star ? low : Number(first);
      const to = star ? high : Number(last ?? first);
      const every = step === undefined ? 1 : Number(step);
      if (from < low || to > high || from > to || every < 1 || every > high) {
        throw new InvalidSchedule(text);
      }
      for (let value = from; value <= to; value += every) values.add(value);
    }
    return values;
  });
  const dow = fields[4] as Set<number>;
  if (dow.delete(7)) dow.add(0);
  return {
    kind: "cron",
    fields,
    domStar: (parts[2] as string).startsWith("*"),
    dowStar: (parts[4] as string).startsWith("*"),
    wildcard: (parts[0] as string).startsWith("*") || (parts[1] as string).startsWith("*"),
  };
}

/**
 * Whether a five-field schedule runs in the minute starting at `minute` (UTC). Day of month and
 * day of week as Vixie cron and pg_cron: when both are restricted, either may match.
 */
export function runsAt(schedule: Extract<Schedule, { kind: "cron" }>, minute: Date): boolean {
  const [minutes, hours, days, months, weekdays] = schedule.fields as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const day = days.has(minute.getUTCDate());
  const weekday = weekdays.has(minute.getUTCDay());
  return (
    minutes.has(minute.getUTCMinutes()) &&
    hours.has(minute.getUTCHours()) &&
    months.has(minute.getUTCMonth() + 1) &&
    (schedule.domStar || schedule.dowStar ? day && weekday : day || weekday)
  );
}
