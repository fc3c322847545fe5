// booking_confirmation: sent when a booking is confirmed, with the calendar file that puts the
// session on the customer's calendar.
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
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";

export const bookingConfirmation = defineTemplate({
  description:
    "Sent when a booking is confirmed: the session's details, the manage link and booking.ics.",
  variables: z
    .strictObject({ ...bookingFields, ...calendarFields })
    .refine(endsAfterStart, ENDS_AFTER_START),
  render(booking, resolved) {
    const { locale, messages } = resolved;
    const m = messages.booking_confirmation;
    const view = bookingView(booking, locale);
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
