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
  chat: "Chat",
  audio: "Audio call",
  call: "Call",
};

/** A date input's value (YYYY-MM-DD) `days` from today, in this browser's calendar. */
export function isoDateFromToday(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** An instant as this browser's clock shows it: "10:42" (or "10:42 AM", as the locale writes). */
export function clockTime(instant: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(
    new Date(instant),
  );
}

/** An instant in the practice's time zone with its day: "Monday 14 December, 10:00 AM". */
export function dayAndTime(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
  }).format(new Date(instant));
}

/** Time left as minutes and seconds: "9:05". */
export function countdown(milliseconds: number): string {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
