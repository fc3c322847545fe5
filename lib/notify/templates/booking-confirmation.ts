// booking_confirmation: sent when a booking is confirmed, with the calendar file that puts the
// session on the customer's calendar.
import * as z from "zod";
import { bookingView, renderPublishedBooking } from "./booking-content.js";
import {
  bookingFields,
  calendarFields,
  ENDS_AFTER_START,
  endsAfterStart,
} from "./booking-variables.js";
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
    return renderPublishedBooking(booking, resolved, m, view);
  },
});
