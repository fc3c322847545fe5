// The parts of a booking email the booking templates share: the formatted view their messages
// read, the details table and the manage link.
import type { z } from "zod";
import type { bookingFields, sessionFields } from "./booking-variables.js";
import type { EmailContent } from "./email-layout.js";
import { formatSession, formatShortInstant } from "./formatting.js";
import type { ResolvedLocale } from "./locale.js";
import type { BookingView } from "./messages/messages.js";

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
