// English: the default locale, and the fallback for any locale without its own table.
import type { Messages } from "./messages.js";

export const en: Messages = {
  common: {
    linkHint: "If the button does not work, copy this link into your browser:",
    footer: (practiceName) =>
      `${practiceName} sent you this email about your account or a booking.`,
    contact: (practiceEmail) => `Questions? Reply to this email or write to ${practiceEmail}.`,
  },
  booking: {
    labels: {
      session: "Session",
      when: "When",
      timeZone: "Time zone",
      format: "Format",
      reference: "Booking reference",
    },
    formats: {
      video: "Video call",
      in_person: "In person",
      chat: "Chat",
      audio: "Audio call",
      call: "Call",
    },
    manageAction: "View or change your booking",
    calendarSummary: (v) => `${v.sessionTypeName} with ${v.practiceName}`,
    calendarDescription: (manageUrl) => `View, change or cancel this booking: ${manageUrl}`,
  },
  welcome: {
    subject: (v) => `Welcome to ${v.practiceName}`,
    preheader: (v) => `Your ${v.practiceName} account is ready.`,
    heading: (v) => (v.name ? `Welcome, ${v.name}` : `Welcome to ${v.practiceName}`),
    paragraphs: (v) => [
      `Your account with ${v.practiceName} is ready. Book sessions, see your bookings and keep your details up to date, all in one place.`,
    ],
    action: "Get started",
    sms: (v) => `Welcome to ${v.practiceName}! Your account is ready:`,
  },
  account_exists: {
    subject: (v) => `You already have a ${v.practiceName} account`,
    preheader: () => "Someone tried to sign up with this address.",
    heading: () => "You already have an account",
    paragraphs: (v) => [
      v.name ? `Hi ${v.name},` : "Hi,",
      `Someone just tried to create a ${v.practiceName} account with this email address, which already has one. Sign in with your password; if you have forgotten it, choose "Forgot password" on the sign-in page.`,
    ],
    action: "Sign in",
    ignore: "If this was not you, ignore this email: nothing about your account has changed.",
    sms: (v) => `${v.practiceName}: this address already has an account. Sign in:`,
  },
  password_reset: {
    subject: (v) => `Reset your ${v.practiceName} password`,
    preheader: (v) => `The link works for ${v.validFor}.`,
    heading: () => "Reset your password",
    paragraphs: (v) => [
      v.name ? `Hi ${v.name},` : "Hi,",
      `Someone asked to reset the password of your ${v.practiceName} account. Choose a new password with the button below; the link works for ${v.validFor} and only once.`,
    ],
    action: "Choose a new password",
    ignore: "If you did not ask for this, ignore this email: your password stays as it is.",
    sms: (v) => `${v.practiceName}: reset your password within ${v.validFor}:`,
  },
  booking_confirmation: {
    subject: (v) => `Booking confirmed: ${v.sessionTypeName}, ${v.whenShort}`,
    preheader: (v) => `${v.sessionTypeName} with ${v.practiceName}, ${v.whenShort}.`,
    heading: () => "Your booking is confirmed",
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      `Your ${v.sessionTypeName} with ${v.practiceName} is booked. The details are below, and the attached calendar file adds the session to your calendar.`,
    ],
    sms: (v) => `${v.practiceName}: your ${v.sessionTypeName} is confirmed for ${v.whenShort}.`,
  },
  booking_reminder: {
    subject: (v) =>
      v.kind === "24h"
        ? `Reminder: ${v.sessionTypeName} tomorrow, ${v.whenShort}`
        : `Starting soon: ${v.sessionTypeName}, ${v.whenShort}`,
    preheader: (v) => `${v.sessionTypeName} with ${v.practiceName}, ${v.whenShort}.`,
    heading: (v) => (v.kind === "24h" ? "Your session is tomorrow" : "Your session starts soon"),
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      v.kind === "24h"
        ? `A reminder that your ${v.sessionTypeName} with ${v.practiceName} is tomorrow.`
        : `A reminder that your ${v.sessionTypeName} with ${v.practiceName} starts in about an hour.`,
    ],
    sms: (v) =>
      v.kind === "24h"
        ? `Reminder from ${v.practiceName}: your ${v.sessionTypeName} is tomorrow, ${v.whenShort}.`
        : `Reminder from ${v.practiceName}: your ${v.sessionTypeName} starts soon, ${v.whenShort}.`,
  },
  booking_cancellation: {
    subject: (v) => `Booking cancelled: ${v.sessionTypeName}, ${v.whenShort}`,
    preheader: (v) => `Your ${v.sessionTypeName} with ${v.practiceName} will not take place.`,
    heading: () => "Your booking is cancelled",
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      `Your ${v.sessionTypeName} with ${v.practiceName} on ${v.when} is cancelled. The attached calendar file removes it from your calendar.`,
      "If you paid for it, the refund is confirmed in a separate email.",
    ],
    bookAgainAction: "Book another time",
    calendarDescription: "This booking is cancelled.",
    sms: (v) => `${v.practiceName}: your ${v.sessionTypeName} on ${v.whenShort} is cancelled.`,
  },
  booking_rescheduled: {
    subject: (v) => `Booking moved: ${v.sessionTypeName}, now ${v.whenShort}`,
    preheader: (v) => `Your ${v.sessionTypeName} with ${v.practiceName} is now ${v.whenShort}.`,
    heading: () => "Your booking has moved",
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      `Your ${v.sessionTypeName} with ${v.practiceName} has moved from ${v.previousWhenShort} to the time below. The attached calendar file updates your calendar.`,
    ],
    sms: (v) =>
      `${v.practiceName}: your ${v.sessionTypeName} has moved from ${v.previousWhenShort} to ${v.whenShort}.`,
  },
  payment_receipt: {
    subject: (v) => `Receipt from ${v.practiceName}: ${v.amount}`,
    preheader: (v) => `${v.amount} received for ${v.sessionTypeName}.`,
    heading: () => "Payment received",
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      `Thank you: ${v.practiceName} has received your payment. Keep this email as your receipt.`,
    ],
    labels: { amount: "Amount", paidFor: "For", paidAt: "Paid", reference: "Payment reference" },
    sms: (v) => `${v.practiceName}: payment of ${v.amount} received for ${v.sessionTypeName}.`,
  },
  refund_issued: {
    subject: (v) => `Refund of ${v.amount} from ${v.practiceName}`,
    preheader: (v) => `${v.amount} is on its way back to you.`,
    heading: () => "Your refund is on its way",
    paragraphs: (v) => [
      `Hi ${v.customerName},`,
      `${v.practiceName} has refunded ${v.amount} to the card or account you paid with. It can take 5 to 10 business days to show, depending on your bank.`,
    ],
    labels: { amount: "Amount", reason: "Reason", reference: "Refund reference" },
    sms: (v) => `${v.practiceName}: a refund of ${v.amount} is on its way to you.`,
  },
};
