// booking_rescheduled: sent when a booking moves to another time. Its booking.ics has the same UID
// as the confirmation's and a higher SEQUENCE, so the customer's calendar moves the event.
import { z } from "zod";
import { bookingCalendar } from "./booking-calendar.js";
import { bookingDetails, bookingView, manageAction } from "./booking-content.js";
import {
  bookingFields,
  calendarFields,
  ENDS_AFTER_START,
  endsAfterStart,
} from "./booking-variables.js";
import { renderEmail } from "./email-layout.js";
import { formatShortInstant } from "./formatting.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { instant } from "./variables.js";

export const bookingRescheduled = defineTemplate({
  description:
    "Sent when a booking moves to another time: the old and new times, the manage link and an updated booking.ics.",
  variables: z
    .strictObject({
      ...bookingFields,
      ...calendarFields,
      previousStartsAt: instant().describe("When the session was to start before the move"),
    })
    .refine(endsAfterStart, ENDS_AFTER_START),
  render(booking, resolved) {
    const { locale, messages } = resolved;
    const m = messages.booking_rescheduled;
    const view = {
      ...bookingView(booking, locale),
      previousWhenShort: formatShortInstant(booking.previousStartsAt, booking.timeZone, locale),
    };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: bookingDetails(booking, view, resolved),
          action: manageAction(booking, resolved),
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
            description: messages.booking.calendarDescription(booking.manageUrl),
          },
          "PUBLISH",
        ),
      ],
      sms: smsBody(m.sms(view), booking.manageUrl),
    };
  },
});
