// welcome: sent once an account is registered.
import { z } from "zod";
import { renderEmail } from "./email-layout.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { httpLink, line, personName } from "./variables.js";

export const welcome = defineTemplate({
  description: "Sent when someone registers: welcomes them and links to the app.",
  variables: z.strictObject({
    name: personName().optional().describe("The person's name, when they gave one"),
    practiceName: line(100).describe("The practice's name, as customers know it"),
    appUrl: httpLink().describe("The app's address, where they sign in"),
  }),
  render(variables, { locale, messages }) {
    const m = messages.welcome;
    const view = { name: variables.name, practiceName: variables.practiceName };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [],
          action: { label: m.action, url: variables.appUrl, hint: messages.common.linkHint },
          closing: [],
          footer: messages.common.footer(variables.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view), variables.appUrl),
    };
  },
});
