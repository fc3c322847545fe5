// The parts of a booking email the booking templates share: the formatted view their messages
// read, the details table, the manage link, and the whole email of those that publish the
// session to the customer's calendar.
import type * as z from "zod";
import { type BookingCalendar, bookingCalendar } from "./booking-calendar.js";
import type { bookingFields, sessionFields } from "./booking-variables.js";
import { type EmailContent, renderEmail } from "./email-layout.js";
import { formatSession, formatShortInstant } from "./formatting.js";
import type { ResolvedLocale } from "./locale.js";
import { type BookingView, type EmailMessages, messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import type { RenderedNotification } from "./template.js";

type SessionVariables = z.output<z.ZodObject<typeof sessionFields>>;
type BookingVariables = z.output<z.ZodObject<typeof bookingFields>>;

export function bookingView(booking: SessionVariables, locale: string): BookingView {
  return {
    customerName: booking.customerName,
    practiceName: booking.practiceName,
    sessionTypeName: booking.sessionTypeName,
    when: formatSession(booking.startsAt, booking.endsAt, booking.timeZone, locale),
    whenShort: formatShortInstant(booking.startsAt, booking.timeZone, locale),
  };
}

export function bookingDetails(
  booking: BookingVariables,
  view: BookingView,
  { messages }: ResolvedLocale,
): EmailContent["details"] {
  const { labels, formats } = messages.booking;
  return [
    [labels.session, booking.sessionTypeName],
    [labels.when, view.when],
    [labels.timeZone, booking.timeZone],
    [labels.format, formats[booking.format]],
    [labels.reference, booking.bookingId],
  ];
}

export function manageAction(booking: BookingVariables, { messages }: ResolvedLocale) {
  return {
    label: messages.booking.manageAction,
    url: booking.manageUrl,
    hint: messages.common.linkHint,
  };
}

type PublishedBooking = BookingVariables & Omit<BookingCalendar, "summary" | "description">;

/**
 * A booking email that publishes the session to the customer's calendar (the confirmation, and
 * the reschedule that moves it): the message, the details, the manage link and booking.ics.
 */
export function renderPublishedBooking<View extends BookingView>(
  booking: PublishedBooking & { practiceEmail: string },
  resolved: ResolvedLocale,
  messages: EmailMessages<View>,
  view: View,
): RenderedNotification {
  const { locale } = resolved;
  const common = resolved.messages.common;
  return {
    ...renderEmail(
      {
        ...messageParts(messages, view),
        details: bookingDetails(booking, view, resolved),
        action: manageAction(booking, resolved),
        closing: [common.contact(booking.practiceEmail)],
        footer: common.footer(booking.practiceName),
      },
      locale,
    ),
    attachments: [
      bookingCalendar(
        {
          ...booking,
          summary: resolved.messages.booking.calendarSummary(view),
          description: resolved.messages.booking.calendarDescription(booking.manageUrl),
        },
        "PUBLISH",
      ),
    ],
    sms: smsBody(messages.sms(view), booking.manageUrl),
  };
}
