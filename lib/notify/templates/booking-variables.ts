// The variables the booking templates share. Times are instants plus the practice's IANA zone:
// the zone, not a fixed offset, is what makes the local time right on either side of a
// daylight-saving change.
import * as z from "zod";
import { SESSION_FORMATS } from "../../catalogue/services.js";
import { httpLink, instant, line, personName, practiceName, timeZone } from "./variables.js";

const SEQUENCE_EPOCH_MS = Date.UTC(2020, 0, 1);

/** What every booking email says about the session, cancelled or not. */
export const sessionFields = {
  customerName: personName().describe("The customer's name, as they gave it"),
  practiceName: practiceName(),
  sessionTypeName: line(100).describe("The session type's name, e.g. Initial consultation"),
  startsAt: instant().describe("When the session starts (ISO 8601 instant)"),
  endsAt: instant().describe("When the session ends (ISO 8601 instant)"),
  timeZone: timeZone().describe("The practice's IANA time zone; times are shown in it"),
  bookingId: z.uuid().describe("The booking's id; also the calendar event's UID"),
};

/** A booking that stands: how it takes place and where to manage it. */
export const bookingFields = {
  ...sessionFields,
  format: z.enum(SESSION_FORMATS).describe("How the session takes place"),
  manageUrl: httpLink().describe("Where the customer views, changes or cancels the booking"),
};

/** For the templates that attach a calendar file. */
export const calendarFields = {
  practiceEmail: z.email().describe("The practice's address: the calendar event's organizer"),
  updatedAt: instant()
    .refine((at) => Date.parse(at) >= SEQUENCE_EPOCH_MS, "Use the booking's real updated_at")
    .describe("The booking's updated_at after this change: orders the calendar's updates"),
};

/**
 * The calendar event's SEQUENCE: seconds from 2020-01-01 to the booking's update. Every revision
 * of a booking is later than the one before, so its SEQUENCE is higher and calendars replace the
 * old copy; nothing needs to count revisions, and a retried or delayed email never outranks a
 * newer one. It fits iCalendar's 32-bit INTEGER until 2088.
 */
export function calendarSequence(updatedAt: string): number {
  return Math.floor((Date.parse(updatedAt) - SEQUENCE_EPOCH_MS) / 1000);
}

export const ENDS_AFTER_START = {
  message: "Must be after startsAt",
  path: ["endsAt"],
  // Only once every field is valid: an unreadable time is reported on its own field already.
  when: (payload: z.core.ParsePayload) => payload.issues.length === 0,
};

export function endsAfterStart(session: { startsAt: string; endsAt: string }): boolean {
  return Date.parse(session.endsAt) > Date.parse(session.startsAt);
}
