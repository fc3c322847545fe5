// A notification's message, composed at delivery from what it is about: the recipient (the
// booking's customer, or the account) and the template's variables. Nothing personal was stored
// in the outbox row; it is opened here, in memory, for as long as one send takes.
import type { SupabaseClient } from "@supabase/supabase-js";

import * as z from "zod";
import { BOOKING_SEALED_COLUMNS } from "../../bookings/sealed-columns.js";
import { openPersonalData } from "../../crypto/personal-data.js";
import { appUrl } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { composeShopMessage } from "../../shops/notify-message.js";
import { manageUrl, practiceEmail, practiceName } from "../practice.js";
import { RESET_LINK_MINUTES, RESET_URL_CONTEXT } from "../reset-link.js";
import { requireSmsDestination } from "../sms-destination.js";
import type { TemplateName } from "../templates/registry.js";
import { type BookingFacts, type DeliveryContext, deliveryContext } from "./delivery-context.js";
import type { NotificationRow } from "./outbox-rows.js";

export interface ComposedMessage {
  template: TemplateName;
  /** An email address or an E.164 phone number, by the row's channel. */
  to: string;
  variables: Record<string, unknown>;
}

/** Why a row cannot be sent at all: retrying would not change it. */
export class Undeliverable extends Error {
  override name = "Undeliverable";
}

const BOOKING_TEMPLATES = new Set<string>([
  "booking_confirmation",
  "booking_cancellation",
  "booking_rescheduled",
  "booking_reminder",
]);

export async function composeMessage(
  service: SupabaseClient,
  row: NotificationRow,
): Promise<ComposedMessage> {
  if (row.template === "operations_alert") {
    return (await import("../../operations/alert-message.js")).composeOperationsAlert(service, row);
  }
  if (row.template.startsWith("flight_")) {
    return (await import("../../travel/notify-message.js")).composeFlightMessage(service, row);
  }
  if (row.template.startsWith("shop_")) return composeShopMessage(service, row);
  const context = await deliveryContext(service, row.id);
  if (BOOKING_TEMPLATES.has(row.template)) return composeBookingMessage(row, context);
  if (row.template === "payment_receipt") return composePaymentReceipt(row, context);
  if (row.template === "refund_issued") return composeRefundIssued(row, context);
  if (row.template === "welcome") return composeAccountMail("welcome", context);
  if (row.template === "account_exists") return composeAccountMail("account_exists", context);
  if (row.template === "password_reset") return composePasswordReset(row, context);
  throw new Undeliverable(`the outbox does not deliver ${row.template}`);
}

function opened(sealed: string | null, column: keyof typeof BOOKING_SEALED_COLUMNS) {
  return sealed === null ? undefined : openPersonalData(sealed, BOOKING_SEALED_COLUMNS[column]);
}

/**
 * The number as E.164 if it may still be texted: checked again at sending, since the allowlist
 * may have changed since the customer opted in.
 */
function allowedNumber(typed: string): string {
  try {
    return requireSmsDestination(typed, "phone");
  } catch (error) {
    if (error instanceof ApiError && error.code === "bad_request") {
      throw new Undeliverable("the number may not be texted");
    }
    throw error;
  }
}

/** The booking's customer as its announcements address them; erased data means nobody. */
function bookingCustomer(row: NotificationRow, booking: BookingFacts | null) {
  const name = opened(booking?.customer_name_sealed ?? null, "customer_name_sealed");
  const to =
    row.channel === "sms"
      ? opened(booking?.customer_phone_sealed ?? null, "customer_phone_sealed")
      : opened(booking?.customer_email_sealed ?? null, "customer_email_sealed");
  if (booking === null || name === undefined || to === undefined) {
    throw new Undeliverable("no recipient");
  }
  return { booking, name, to: row.channel === "sms" ? allowedNumber(to) : to };
}

function composeBookingMessage(row: NotificationRow, context: DeliveryContext): ComposedMessage {
  const { booking, name, to } = bookingCustomer(row, context.booking);
  const session = {
    customerName: name,
    practiceName: practiceName(),
    sessionTypeName: booking.session_type_name,
    startsAt: booking.starts_at,
    endsAt: booking.ends_at,
    timeZone: booking.time_zone,
    bookingId: booking.id,
  };
  const calendar = { practiceEmail: practiceEmail(), updatedAt: booking.updated_at };
  const standing = { ...session, format: booking.format, manageUrl: manageUrl(booking.id) };
  const template = row.template as TemplateName;
  switch (template) {
    case "booking_cancellation":
      return { template, to, variables: { ...session, ...calendar, bookAgainUrl: appUrl() } };
    case "booking_rescheduled":
      return {
        template,
        to,
        variables: {
          ...standing,
          ...calendar,
          previousStartsAt: new Date(String(row.data.previous_starts_at)).toISOString(),
        },
      };
    case "booking_reminder":
      return { template, to, variables: { ...standing, kind: row.data.kind } };
    default:
      return { template, to, variables: { ...standing, ...calendar } };
  }
}

/**
 * Receipts and refunds go to the address the customer gave for the booking they paid for, the
 * one its confirmation went to (it may differ from the account's sign-in address); a payment
 * without a booking goes to the account's address.
 */
function moneyRecipient(row: NotificationRow, context: DeliveryContext) {
  if (context.booking !== null) return bookingCustomer(row, context.booking);
  const to = context.account?.email ?? undefined;
  if (to === undefined) throw new Undeliverable("no recipient");
  return { booking: undefined, name: context.account?.full_name ?? to, to };
}

function composePaymentReceipt(row: NotificationRow, context: DeliveryContext): ComposedMessage {
  const { payment } = context;
  if (payment === null) throw new Undeliverable("the payment is gone");
  const { booking, name, to } = moneyRecipient(row, context);
  return {
    template: "payment_receipt",
    to,
    variables: {
      customerName: name,
      practiceName: practiceName(),
      amountMinor: payment.amount_minor,
      currency: payment.currency,
      // Our id, not the provider's (which can outgrow the receipt's line): staff look it up.
      paymentId: payment.id,
      paidAt: payment.captured_at,
      // Without a booking there is no practitioner's zone to show the time in.
      timeZone: booking?.time_zone ?? "UTC",
      sessionTypeName: payment.session_type_name,
    },
  };
}

function composeRefundIssued(row: NotificationRow, context: DeliveryContext): ComposedMessage {
  const { refund } = context;
  if (refund === null) throw new Undeliverable("the refund is gone");
  const { name, to } = moneyRecipient(row, context);
  // The refund's stored reason is written for staff, so the customer's email leaves it out.
  return {
    template: "refund_issued",
    to,
    variables: {
      customerName: name,
      practiceName: practiceName(),
      amountMinor: refund.amount_minor,
      currency: refund.currency,
      refundId: refund.id,
    },
  };
}

/** Account mail: to the account's own address, with its name and where to sign in. */
function composeAccountMail(
  template: "welcome" | "account_exists",
  context: DeliveryContext,
): ComposedMessage {
  const to = context.account?.email ?? undefined;
  if (to === undefined) throw new Undeliverable("no recipient");
  const name = context.account?.full_name ?? undefined;
  return {
    template,
    to,
    variables: {
      ...(name !== undefined && { name }),
      practiceName: practiceName(),
      appUrl: appUrl(),
    },
  };
}

const ResetData = z.object({
  reset_url_sealed: z.string(),
  expires_at: z.iso.datetime({ offset: true }),
});

/** A reset link is sent only while it still works, and only to the account's own address. */
function composePasswordReset(row: NotificationRow, context: DeliveryContext): ComposedMessage {
  const to = context.account?.email ?? undefined;
  if (to === undefined) throw new Undeliverable("no recipient");
  const data = ResetData.safeParse(row.data);
  if (!data.success) throw new Undeliverable("no reset link");
  if (Date.parse(data.data.expires_at) <= Date.now()) throw new Undeliverable("the link expired");
  const name = context.account?.full_name ?? undefined;
  return {
    template: "password_reset",
    to,
    variables: {
      ...(name !== undefined && { name }),
      practiceName: practiceName(),
      resetUrl: openPersonalData(data.data.reset_url_sealed, RESET_URL_CONTEXT),
      expiresInMinutes: RESET_LINK_MINUTES,
    },
  };
}
