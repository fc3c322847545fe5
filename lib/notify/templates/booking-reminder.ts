// booking_reminder: sent 24 hours and 1 hour before a confirmed session. No calendar file: the
// confirmation's is already on the customer's calendar.
import * as z from "zod";
import { bookingDetails, bookingView, manageAction } from "./booking-content.js";
import { bookingFields, ENDS_AFTER_START, endsAfterStart } from "./booking-variables.js";
import { renderEmail } from "./email-layout.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";

export const REMINDER_KINDS = ["24h", "1h"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const bookingReminder = defineTemplate({
  description: "Sent 24 hours and 1 hour before a confirmed session: its details and manage link.",
  variables: z
    .strictObject({
      ...bookingFields,
      kind: z.enum(REMINDER_KINDS).describe("Which reminder this is"),
    })
    .refine(endsAfterStart, ENDS_AFTER_START),
  render(booking, resolved) {
    const { locale, messages } = resolved;
    const m = messages.booking_reminder;
    const view = { ...bookingView(booking, locale), kind: booking.kind };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: bookingDetails(booking, view, resolved),
          action: manageAction(booking, resolved),
          closing: [],
          footer: messages.common.footer(booking.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view), booking.manageUrl),
    };
  },
});
