// The SPAs book by what they showed: a local date and a time label from GET /api/availability
// ("10:00 AM"; "10:00" and "14:30" are taken too). The start instant is the slot's, computed by the
// same code that listed it, so what the customer saw is what they book — in any time zone, on
// any daylight-saving day. Where a fall-back day shows a label twice, the first slot with that
// label that is still free is booked.
import { ApiError } from "../http/errors.js";
import type { Availability } from "../scheduling/availability.js";

/** "10:00 AM", "10:00am", "9:30 PM", "14:30", "09:00". */
export const TIME_LABEL = /^([01]?\d|2[0-3]):([0-5]\d)(?:\s?([AaPp][Mm]))?$/;

/** Minutes after local midnight, or undefined when the label is not a time of day. */
export function minutesOf(label: string): number | undefined {
  const match = TIME_LABEL.exec(label.trim());
  if (!match) return undefined;
  const [, h, m, meridiem] = match;
  let hours = Number(h);
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem.toLowerCase() === "pm" ? 12 : 0);
  }
  return hours * 60 + Number(m);
}

/** The free slot the label names: 409 slot_unavailable when none is. */
export function chooseSlot(availability: Availability, time: string): { start: Date } {
  const wanted = minutesOf(time);
  const named = availability.slots.filter((slot) => minutesOf(slot.time) === wanted);
  const free = named.find((slot) => slot.available);
  if (free) return { start: new Date(free.start) };
  throw new ApiError(
    "slot_unavailable",
    named.length > 0
      ? "This time is taken or too soon to book; pick another slot."
      : `No ${availability.sessionType} session starts at ${time} on ${availability.date}; pick a time from GET /api/availability.`,
  );
}
