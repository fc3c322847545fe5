// operations_alert: the email admins get when a condition crosses its threshold, and once more
// when it clears. It is written for the practice's operators, in English whatever the locale,
// and holds no personal data: a condition, counts, times and the ids to act on.
import * as z from "zod";
import { renderEmail } from "../notify/templates/email-layout.js";
import { smsBody } from "../notify/templates/sms.js";
import { defineTemplate } from "../notify/templates/template.js";
import { httpLink, instant, line, practiceName } from "../notify/templates/variables.js";

export const operationsAlert = defineTemplate({
  description:
    "Sent to the operations address (OPERATIONS_ALERT_EMAIL) when an operations condition crosses its threshold, and when it clears.",
  variables: z.strictObject({
    practiceName: practiceName(),
    state: z.enum(["opened", "cleared"]).describe("Whether the condition started or stopped"),
    title: line(200).describe("What is stuck, e.g. Provider webhook events not processed"),
    condition: line(130).describe("The condition's key"),
    count: z.number().int().min(0).describe("How many items are stuck"),
    oldestAt: instant().optional().describe("Since when the oldest item is stuck"),
    ids: z.array(line(100)).max(20).describe("The oldest items' ids"),
    operationsUrl: httpLink().describe("Where staff see the operations view"),
  }),
  render(alert, resolved) {
    const opened = alert.state === "opened";
    const subject = opened
      ? `Needs attention at ${alert.practiceName}: ${alert.title}`
      : `Cleared at ${alert.practiceName}: ${alert.title}`;
    const paragraphs = opened
      ? [
          `${alert.count} item${alert.count === 1 ? "" : "s"} stuck beyond the threshold${alert.oldestAt === undefined ? "" : `, the oldest since ${alert.oldestAt}`}.`,
          "You get one email while this lasts, and one more when it clears.",
        ]
      : ["Nothing is stuck for this condition any more."];
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: alert.title,
        paragraphs,
        details: [
          ["Condition", alert.condition],
          ...(opened && alert.ids.length > 0 ? [["Ids", alert.ids.join(", ")] as const] : []),
        ],
        action: {
          label: "Open the operations view",
          url: alert.operationsUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: [],
        footer: `${alert.practiceName} operations alerts.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(`${alert.practiceName}: ${subject}`, alert.operationsUrl) };
  },
});
