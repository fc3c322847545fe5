// Every notification template, by the name callers and the outbox store.
import { operationsAlert } from "../../operations/alert-email.js";
import {
  shopContactReceived,
  shopInvitation,
  shopOrderConfirmation,
  shopOrderReceived,
  shopOrderStatus,
} from "../../shops/emails.js";
import { flightBookingCancelled, flightBookingConfirmed } from "../../travel/emails.js";
import { accountExists } from "./account-exists.js";
import { bookingCancellation } from "./booking-cancellation.js";
import { bookingConfirmation } from "./booking-confirmation.js";
import { bookingReminder } from "./booking-reminder.js";
import { bookingRescheduled } from "./booking-rescheduled.js";
import { passwordReset } from "./password-reset.js";
import { paymentReceipt } from "./payment-receipt.js";
import { refundIssued } from "./refund-issued.js";
import { welcome } from "./welcome.js";

export const TEMPLATES = {
  welcome,
  account_exists: accountExists,
  password_reset: passwordReset,
  booking_confirmation: bookingConfirmation,
  booking_reminder: bookingReminder,
  booking_cancellation: bookingCancellation,
  booking_rescheduled: bookingRescheduled,
  payment_receipt: paymentReceipt,
  refund_issued: refundIssued,
  operations_alert: operationsAlert,
  flight_booking_confirmed: flightBookingConfirmed,
  flight_booking_cancelled: flightBookingCancelled,
  shop_order_received: shopOrderReceived,
  shop_contact_received: shopContactReceived,
  shop_order_confirmation: shopOrderConfirmation,
  shop_order_status: shopOrderStatus,
  shop_invitation: shopInvitation,
};

export type TemplateName = keyof typeof TEMPLATES;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]];
