// Times, money and durations as the reader's locale writes them. Times are shown in the
// practice's IANA zone, and Intl works out the offset for each instant itself, so a session on a
// daylight-saving change day shows the local time it really starts at.

const LONG: Intl.DateTimeFormatOptions = {
  weekday: "long",
  year: "numeric",
  month: "long",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};

const SHORT: Intl.DateTimeFormatOptions = {
  weekday: "short",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};

/** "Sunday, March 8, 2026, 10:00 – 10:50 AM EDT". */
export function formatSession(
  startsAt: string,
  endsAt: string,
  timeZone: string,
  locale: string,
): string {
  const format = new Intl.DateTimeFormat(locale, { ...LONG, timeZone });
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  // A range shows the zone once, at the end: across a change of offset ("1:30 – 3:30 AM EDT"
  // when 1:30 was EST) that would read wrong, so each end is then written in full.
  if (zoneName(format, start) !== zoneName(format, end)) {
    return `${format.format(start)} – ${format.format(end)}`;
  }
  return format.formatRange(start, end);
}

/** "Sun, Mar 8, 10:00 AM EDT": for subject lines and SMS. */
export function formatShortInstant(instant: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { ...SHORT, timeZone }).format(new Date(instant));
}

/** "Sunday, March 8, 2026 at 10:00 AM EDT". */
export function formatInstant(instant: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { ...LONG, timeZone }).format(new Date(instant));
}

/** "1 hour", "90 minutes": whole hours as hours, with the locale's own plural forms. */
export function formatMinutes(minutes: number, locale: string): string {
  const hours = minutes % 60 === 0;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: hours ? "hour" : "minute",
    unitDisplay: "long",
  }).format(hours ? minutes / 60 : minutes);
}

function zoneName(format: Intl.DateTimeFormat, date: Date): string | undefined {
  return format.formatToParts(date).find((part) => part.type === "timeZoneName")?.value;
}
