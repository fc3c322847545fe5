// payment_receipt: sent when a payment is captured; the customer's receipt.
import * as z from "zod";
import { formatInstant } from "./formatting.js";
import { paymentView, renderPaymentEmail } from "./payment-content.js";
import { defineTemplate } from "./template.js";
import {
  amountMinor,
  currency,
  instant,
  line,
  personName,
  practiceName,
  timeZone,
} from "./variables.js";

export const paymentReceipt = defineTemplate({
  description: "Sent when a payment is captured: the receipt, with amount, date and reference.",
  variables: z.strictObject({
    customerName: personName().describe("The customer's name, as they gave it"),
    practiceName: practiceName(),
    amountMinor: amountMinor().describe("The amount paid, in the currency's minor unit"),
    currency: currency().describe("ISO 4217 code of the currency paid in"),
    paymentId: line(100).describe("The payment's reference, shown on the receipt"),
    paidAt: instant().describe("When the payment was captured (ISO 8601 instant)"),
    timeZone: timeZone().describe("The practice's IANA time zone; paidAt is shown in it"),
    sessionTypeName: line(100).describe("What was paid for: the session type's name"),
  }),
  render(payment, resolved) {
    const m = resolved.messages.payment_receipt;
    const view = {
      ...paymentView(payment, resolved.locale),
      sessionTypeName: payment.sessionTypeName,
    };
    return renderPaymentEmail(resolved, m, view, [
      [m.labels.amount, view.amount],
      [m.labels.paidFor, payment.sessionTypeName],
      [m.labels.paidAt, formatInstant(payment.paidAt, payment.timeZone, resolved.locale)],
      [m.labels.reference, payment.paymentId],
    ]);
  },
});
