// Times as the person expects to read them: the practitioner's, named with their zone. Money is
// lib/catalogue/money.ts's formatMoney, the same as the catalogue's prices and the emails.
import type { Schemas } from "../client/bastion-client.js";

export function when(booking: Schemas["Booking"]): string {
  const day = new Intl.DateTimeFormat(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: booking.timezone,
  }).format(new Date(booking.start));
  return `${day}, ${booking.time} (${booking.timezone})`;
}

export const FORMAT_NAMES: Record<Schemas["Booking"]["format"], string> = {
  video: "Video",
  in_person: "In person",
};

/** A date input's value (YYYY-MM-DD) `days` from today, in this browser's calendar. */
export function isoDateFromToday(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
