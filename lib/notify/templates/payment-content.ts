// The parts of a payment email the payment templates (payment_receipt, refund_issued) share: the
// view their messages read, with the amount formatted for the reader, and the whole email — the
// message and the payment's details, with no link in the email or the SMS (there is nothing for
// the customer to do).
import { formatMoney } from "../../catalogue/money.js";
import { type EmailContent, renderEmail } from "./email-layout.js";
import type { ResolvedLocale } from "./locale.js";
import { type EmailMessages, messageParts, type PaymentView } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import type { RenderedNotification } from "./template.js";

interface PaymentVariables {
  customerName: string;
  practiceName: string;
  amountMinor: number;
  currency: string;
}

export function paymentView(payment: PaymentVariables, locale: string): PaymentView {
  return {
    customerName: payment.customerName,
    practiceName: payment.practiceName,
    amount: formatMoney(payment.amountMinor, payment.currency, locale),
  };
}

export function renderPaymentEmail<View extends PaymentView>(
  resolved: ResolvedLocale,
  messages: EmailMessages<View>,
  view: View,
  details: EmailContent["details"],
): RenderedNotification {
  return {
    ...renderEmail(
      {
        ...messageParts(messages, view),
        details,
        closing: [],
        footer: resolved.messages.common.footer(view.practiceName),
      },
      resolved.locale,
    ),
    sms: smsBody(messages.sms(view)),
  };
}
