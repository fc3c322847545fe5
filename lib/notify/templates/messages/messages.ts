// The shape of a locale's message table: every user-facing string of every template. Templates
// format values (times in the practice's zone, money, durations) for the locale first, so a
// message only places finished strings; a new locale is one more file of this type.
import type { SessionFormat } from "../../../catalogue/services.js";
import type { ReminderKind } from "../booking-reminder.js";

/** What a booking message may say, formatted for the reader. */
export interface BookingView {
  customerName: string;
  practiceName: string;
  sessionTypeName: string;
  /** Start and end in full: "Sunday, March 8, 2026, 10:00 – 10:50 AM EDT". */
  when: string;
  /** The start, short: "Sun, Mar 8, 10:00 AM EDT". */
  whenShort: string;
}

export interface ReminderView extends BookingView {
  kind: ReminderKind;
}

export interface RescheduledView extends BookingView {
  /** The old start, short. */
  previousWhenShort: string;
}

export interface AccountView {
  name?: string;
  practiceName: string;
}

export interface PasswordResetView extends AccountView {
  /** "1 hour", "30 minutes". */
  validFor: string;
}

export interface PaymentView {
  customerName: string;
  practiceName: string;
  /** "₹2,500.00". */
  amount: string;
}

export interface ReceiptView extends PaymentView {
  sessionTypeName: string;
}

/** The strings every email template has. */
export interface EmailMessages<View> {
  subject(view: View): string;
  preheader(view: View): string;
  heading(view: View): string;
  paragraphs(view: View): string[];
  sms(view: View): string;
}

export interface Messages {
  common: {
    /** Above the spelled-out link, for mail clients that do not show the button. */
    linkHint: string;
    footer(practiceName: string): string;
    contact(practiceEmail: string): string;
  };
  booking: {
    labels: { session: string; when: string; timeZone: string; format: string; reference: string };
    formats: Record<SessionFormat, string>;
    manageAction: string;
    calendarSummary(view: BookingView): string;
    calendarDescription(manageUrl: string): string;
  };
  welcome: EmailMessages<AccountView> & { action: string };
  account_exists: EmailMessages<AccountView> & { action: string; ignore: string };
  password_reset: EmailMessages<PasswordResetView> & { action: string; ignore: string };
  booking_confirmation: EmailMessages<BookingView>;
  booking_reminder: EmailMessages<ReminderView>;
  booking_cancellation: EmailMessages<BookingView> & {
    bookAgainAction: string;
    calendarDescription: string;
  };
  booking_rescheduled: EmailMessages<RescheduledView>;
  payment_receipt: EmailMessages<ReceiptView> & {
    labels: { amount: string; paidFor: string; paidAt: string; reference: string };
  };
  refund_issued: EmailMessages<PaymentView> & {
    labels: { amount: string; reason: string; reference: string };
  };
}

/** The parts of an email that come straight from its messages. */
export function messageParts<View>(messages: EmailMessages<View>, view: View) {
  return {
    subject: messages.subject(view),
    preheader: messages.preheader(view),
    heading: messages.heading(view),
    paragraphs: messages.paragraphs(view),
  };
}
