// account_exists: sent when someone signs up with an address that already has an account. The
// sign-up answers exactly as for a new address (so it does not tell anyone the address is
// taken); this mail tells the owner instead, and how to get in.
import { z } from "zod";
import { renderEmail } from "./email-layout.js";
import { messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import { defineTemplate } from "./template.js";
import { httpLink, line, personName } from "./variables.js";

export const accountExists = defineTemplate({
  description:
    "Sent when someone signs up with the address of an existing account: says so, and how to sign in or reset the password.",
  variables: z.strictObject({
    name: personName().optional().describe("The account holder's name, when known"),
    practiceName: line(100).describe("The practice's name, as customers know it"),
    appUrl: httpLink().describe("The app's address, where they sign in or reset the password"),
  }),
  render(variables, { locale, messages }) {
    const m = messages.account_exists;
    const view = { name: variables.name, practiceName: variables.practiceName };
    return {
      ...renderEmail(
        {
          ...messageParts(m, view),
          details: [],
          action: { label: m.action, url: variables.appUrl, hint: messages.common.linkHint },
          closing: [m.ignore],
          footer: messages.common.footer(variables.practiceName),
        },
        locale,
      ),
      sms: smsBody(m.sms(view), variables.appUrl),
    };
  },
});
