// refund_issued: sent when a refund has been accepted by the payment provider.
import * as z from "zod";
import { paymentView, renderPaymentEmail } from "./payment-content.js";
import { defineTemplate } from "./template.js";
import { amountMinor, currency, line, personName, practiceName } from "./variables.js";

export const refundIssued = defineTemplate({
  description: "Sent when a refund is issued: the amount, the reason when given, and a reference.",
  variables: z.strictObject({
    customerName: personName().describe("The customer's name, as they gave it"),
    practiceName: practiceName(),
    amountMinor: amountMinor().describe("The amount refunded, in the currency's minor unit"),
    currency: currency().describe("ISO 4217 code of the currency refunded in"),
    refundId: line(100).describe("The refund's reference, shown in the email"),
    reason: line(300).optional().describe("Why the refund was made, in words for the customer"),
  }),
  render(refund, resolved) {
    const m = resolved.messages.refund_issued;
    const view = paymentView(refund, resolved.locale);
    return renderPaymentEmail(resolved, m, view, [
      [m.labels.amount, view.amount],
      ...(refund.reason === undefined ? [] : [[m.labels.reason, refund.reason] as const]),
      [m.labels.reference, refund.refundId],
    ]);
  },
});
