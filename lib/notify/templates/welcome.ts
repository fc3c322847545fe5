// welcome: sent once an account is registered.
import * as z from "zod";
import { renderAccountEmail } from "./account-content.js";
import { defineTemplate } from "./template.js";
import { httpLink, personName, practiceName } from "./variables.js";

export const welcome = defineTemplate({
  description: "Sent when someone registers: welcomes them and links to the app.",
  variables: z.strictObject({
    name: personName().optional().describe("The person's name, when they gave one"),
    practiceName: practiceName(),
    appUrl: httpLink().describe("The app's address, where they sign in"),
  }),
  render(variables, resolved) {
    const m = resolved.messages.welcome;
    const view = { name: variables.name, practiceName: variables.practiceName };
    return renderAccountEmail(resolved, m, view, variables.appUrl);
  },
});
