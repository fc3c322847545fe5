// refund_issued: sent when a refund has been accepted by the payment provider.
import { z } from "zod";
import { formatMoney } from "../../catalogue/money.js";
import { renderEmail } from "./email-layout.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { amountMinor, currency, line, personName } from "./variables.js";

export const refundIssued = defineTemplate({
  description: "Sent when a refund is issued: the amount, the reason when given, and a reference.",
  variables: z.strictObject({
    customerName: personName().describe("The customer's name, as they gave it"),
    practiceName: line(100).describe("The practice's name, as customers know it"),
    amountMinor: amountMinor().describe("The amount refunded, in the currency's minor unit"),
    currency: currency().describe("ISO 4217 code of the currency refunded in"),
    refundId: line(100).describe("The refund's reference, shown in the email"),
    reason: line(300).optional().describe("Why the refund was made, in words for the customer"),
  }),
  render(refund, { locale, messages }) {
    const m = messages.refund_issued;
    const view = {
      customerName: refund.customerName,
      practiceName: refund.practiceName,
      amount: formatMoney(refund.amountMinor, refund.currency, locale),
    };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [
            [m.labels.amount, view.amount],
            ...(refund.reason === undefined ? [] : [[m.labels.reason, refund.reason] as const]),
            [m.labels.reference, refund.refundId],
          ],
          closing: [],
          footer: messages.common.footer(refund.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view)),
    };
  },
});
