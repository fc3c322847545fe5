// password_reset: the link that lets someone choose a new password.
import * as z from "zod";
import { renderAccountEmail } from "./account-content.js";
import { formatMinutes } from "./formatting.js";
import { defineTemplate } from "./template.js";
import { httpLink, personName, practiceName } from "./variables.js";

export const passwordReset = defineTemplate({
  description: "Sent when someone asks to reset their password: the one-time reset link.",
  variables: z.strictObject({
    name: personName().optional().describe("The person's name, when known"),
    practiceName: practiceName(),
    resetUrl: httpLink().describe("The one-time link to the page that sets the new password"),
    expiresInMinutes: z
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .describe("How long the link works, in minutes"),
  }),
  render(variables, resolved) {
    const m = resolved.messages.password_reset;
    const view = {
      name: variables.name,
      practiceName: variables.practiceName,
      validFor: formatMinutes(variables.expiresInMinutes, resolved.locale),
    };
    return renderAccountEmail(resolved, m, view, variables.resetUrl);
  },
});
