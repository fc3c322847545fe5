// What staff may ask for (POST /api/notifications/email, /sms, /batch): a template about one of
// the business's bookings, sent to that booking's customer. No text, no HTML and no address of
// the caller's own: the server fills every variable from the booking at delivery, so these
// endpoints cannot be turned into a relay for arbitrary messages or recipients.
import * as z from "zod";
import type { TemplateName } from "../templates/registry.js";

/**
 * The templates about a booking that make sense on request. Not booking_rescheduled: it names
 * the start the booking moved from, which only the move itself knows, and it is sent then.
 */
export const REQUESTABLE_TEMPLATES = [
  "booking_confirmation",
  "booking_reminder",
  "booking_cancellation",
] as const satisfies readonly TemplateName[];
export type RequestableTemplate = (typeof REQUESTABLE_TEMPLATES)[number];

export const CHANNELS = ["email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

const TemplateChoice = z.enum(REQUESTABLE_TEMPLATES, {
  error: `A template about a booking: ${REQUESTABLE_TEMPLATES.join(", ")}`,
});

/** As public.notifications stores it: a language, optionally with a region (en, en-GB). */
const Locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, "A language tag such as en or en-GB");

export const NotificationRequest = z
  .strictObject({
    template: TemplateChoice,
    /** The booking it is about; its customer is the recipient. */
    bookingId: z.uuid(),
    /** The message's language; English when omitted or not translated. */
    locale: Locale.optional(),
  })
  .meta({ id: "NotificationRequest" });
export type NotificationRequest = z.infer<typeof NotificationRequest>;

/** At most this many notifications in one batch: one transaction, one screen of bookings. */
export const MAX_BATCH = 50;

export const NotificationBatch = z
  .strictObject({
    notifications: z
      .array(
        z.strictObject({
          channel: z.enum(CHANNELS),
          template: TemplateChoice,
          bookingId: z.uuid(),
        }),
      )
      .min(1)
      .max(MAX_BATCH),
    locale: Locale.optional(),
  })
  .meta({ id: "NotificationBatch" });
export type NotificationBatch = z.infer<typeof NotificationBatch>;

export const NotificationsAccepted = z
  .object({
    /** One per notification asked for, in order; a retried request answers the same ids. */
    notificationIds: z.array(z.uuid()),
  })
  .meta({ id: "NotificationsAccepted" });
export type NotificationsAccepted = z.infer<typeof NotificationsAccepted>;
