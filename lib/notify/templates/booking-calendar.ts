// The booking.ics attached to booking emails.
//
// METHOD:PUBLISH, not REQUEST. REQUEST is an invitation: it needs ATTENDEEs, and mail clients
// answer it with Accept/Decline buttons whose replies go to the organizer's mailbox, where nothing
// reads them — a customer who pressed Decline would believe the booking cancelled while it still
// stands. The booking is already settled and changes go through the manage link, so the file only
// publishes the event ("put this on your calendar"). RFC 5546 §3.2.1 lets the organizer of a
// published event update it with another PUBLISH (same UID, higher SEQUENCE: a reschedule) and
// withdraw it with CANCEL (a cancellation, with STATUS:CANCELLED), so the customer's calendar
// follows the booking without any reply channel. PUBLISH wants an ORGANIZER and no ATTENDEE: the
// organizer is the practice's address.
import { calendarSequence } from "./booking-variables.js";
import { httpUrl } from "./html.js";
import { type CalendarEvent, icsCalendar } from "./ics.js";
import type { Attachment } from "./template.js";

export interface BookingCalendar {
  bookingId: string;
  startsAt: string;
  endsAt: string;
  manageUrl?: string;
  practiceName: string;
  practiceEmail: string;
  updatedAt: string;
  summary: string;
  description: string;
}

const CALENDAR_FILENAME = "booking.ics";

export function bookingCalendar(
  booking: BookingCalendar,
  method: CalendarEvent["method"],
): Attachment {
  const content = icsCalendar({
    method,
    uid: `${booking.bookingId}@bastion`,
    sequence: calendarSequence(booking.updatedAt),
    // The object describes the booking as of this update, so a resent email carries the same file.
    stamp: new Date(booking.updatedAt),
    start: new Date(booking.startsAt),
    end: new Date(booking.endsAt),
    status: method === "CANCEL" ? "CANCELLED" : "CONFIRMED",
    summary: booking.summary,
    description: booking.description,
    ...(booking.manageUrl !== undefined && { url: httpUrl(booking.manageUrl) }),
    organizer: { name: booking.practiceName, email: booking.practiceEmail },
  });
  return {
    filename: CALENDAR_FILENAME,
    // RFC 6047 (iMIP): the method parameter repeats the object's METHOD.
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content,
  };
}
