// password_reset: the link that lets someone choose a new password.
import { z } from "zod";
import { renderEmail } from "./email-layout.js";
import { formatMinutes } from "./formatting.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { httpLink, line, personName } from "./variables.js";

export const passwordReset = defineTemplate({
  description: "Sent when someone asks to reset their password: the one-time reset link.",
  variables: z.strictObject({
    name: personName().optional().describe("The person's name, when known"),
    practiceName: line(100).describe("The practice's name, as customers know it"),
    resetUrl: httpLink().describe("The one-time link to the page that sets the new password"),
    expiresInMinutes: z
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .describe("How long the link works, in minutes"),
  }),
  render(variables, { locale, messages }) {
    const m = messages.password_reset;
    const view = {
      name: variables.name,
      practiceName: variables.practiceName,
      validFor: formatMinutes(variables.expiresInMinutes, locale),
    };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [],
          action: { label: m.action, url: variables.resetUrl, hint: messages.common.linkHint },
          closing: [m.ignore],
          footer: messages.common.footer(variables.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view), variables.resetUrl),
    };
  },
});
