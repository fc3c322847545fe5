// booking_rescheduled: sent when a booking moves to another time. Its booking.ics has the same UID
// as the confirmation's and a higher SEQUENCE, so the customer's calendar moves the event.
import * as z from "zod";
import { bookingView, renderPublishedBooking } from "./booking-content.js";
import {
  bookingFields,
  calendarFields,
  ENDS_AFTER_START,
  endsAfterStart,
} from "./booking-variables.js";
import { formatShortInstant } from "./formatting.js";
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
    return renderPublishedBooking(booking, resolved, m, view);
  },
});
