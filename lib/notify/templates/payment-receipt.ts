// payment_receipt: sent when a payment is captured; the customer's receipt.
import { z } from "zod";
import { formatMoney } from "../../catalogue/money.js";
import { renderEmail } from "./email-layout.js";
import { formatInstant } from "./formatting.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { amountMinor, currency, instant, line, personName, timeZone } from "./variables.js";

export const paymentReceipt = defineTemplate({
  description: "Sent when a payment is captured: the receipt, with amount, date and reference.",
  variables: z.strictObject({
    customerName: personName().describe("The customer's name, as they gave it"),
    practiceName: line(100).describe("The practice's name, as customers know it"),
    amountMinor: amountMinor().describe("The amount paid, in the currency's minor unit"),
    currency: currency().describe("ISO 4217 code of the currency paid in"),
    paymentId: line(100).describe("The payment's reference, shown on the receipt"),
    paidAt: instant().describe("When the payment was captured (ISO 8601 instant)"),
    timeZone: timeZone().describe("The practice's IANA time zone; paidAt is shown in it"),
    sessionTypeName: line(100).describe("What was paid for: the session type's name"),
  }),
  render(payment, { locale, messages }) {
    const m = messages.payment_receipt;
    const view = {
      customerName: payment.customerName,
      practiceName: payment.practiceName,
      sessionTypeName: payment.sessionTypeName,
      amount: formatMoney(payment.amountMinor, payment.currency, locale),
    };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [
            [m.labels.amount, view.amount],
            [m.labels.paidFor, payment.sessionTypeName],
            [m.labels.paidAt, formatInstant(payment.paidAt, payment.timeZone, locale)],
            [m.labels.reference, payment.paymentId],
          ],
          closing: [],
          footer: messages.common.footer(payment.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view)),
    };
  },
});
