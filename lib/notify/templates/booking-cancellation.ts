// booking_cancellation: sent when a booking is cancelled, by the customer or the practice. Its
// booking.ics is a METHOD:CANCEL for the confirmation's UID with a higher SEQUENCE, so a calendar
// that took the confirmation's file drops the event instead of keeping a session that will not
// happen (why PUBLISH and CANCEL: booking-calendar.ts).
import * as z from "zod";
import { bookingCalendar } from "./booking-calendar.js";
import { bookingView } from "./booking-content.js";
import {
  calendarFields,
  ENDS_AFTER_START,
  endsAfterStart,
  sessionFields,
} from "./booking-variables.js";
import { renderEmail } from "./email-layout.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { httpLink } from "./variables.js";

export const bookingCancellation = defineTemplate({
  description:
    "Sent when a booking is cancelled: which session, a link to book again and a booking.ics that removes the event.",
  variables: z
    .strictObject({
      ...sessionFields,
      ...calendarFields,
      bookAgainUrl: httpLink().optional().describe("Where the customer can book another time"),
    })
    .refine(endsAfterStart, ENDS_AFTER_START),
  render(booking, { locale, messages }) {
    const m = messages.booking_cancellation;
    const view = bookingView(booking, locale);
    const { labels } = messages.booking;
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [
            [labels.session, booking.sessionTypeName],
            [labels.when, view.when],
            [labels.reference, booking.bookingId],
          ],
          ...(booking.bookAgainUrl !== undefined && {
            action: {
              label: m.bookAgainAction,
              url: booking.bookAgainUrl,
              hint: messages.common.linkHint,
            },
          }),
          closing: [messages.common.contact(booking.practiceEmail)],
          footer: messages.common.footer(booking.practiceName),
        },
        locale,
      ),
      attachments: [
        bookingCalendar(
          {
            ...booking,
            summary: messages.booking.calendarSummary(view),
            description: m.calendarDescription,
          },
          "CANCEL",
        ),
      ],
      sms: smsBody(m.sms(view), booking.bookAgainUrl),
    };
  },
});
