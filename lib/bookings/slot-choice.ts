// The SPAs book by what they showed: a local date and a time label from GET /api/availability
// ("10:00 AM"; "10:00" and "14:30" are taken too). The label becomes minutes after local
// midnight here; public.create_booking_at and change_booking_at turn the date and those minutes
// into the slot's instant in the practitioner's time zone — in any time zone, on any
// daylight-saving day: where a fall-back day shows a label twice, the first slot with that label
// that is still free is booked.

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
