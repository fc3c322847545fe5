// account_exists: sent when someone signs up with an address that already has an account. The
// sign-up answers exactly as for a new address (so it does not tell anyone the address is
// taken); this mail tells the owner instead, and how to get in.
import * as z from "zod";
import { renderAccountEmail } from "./account-content.js";
import { defineTemplate } from "./template.js";
import { httpLink, personName, practiceName } from "./variables.js";

export const accountExists = defineTemplate({
  description:
    "Sent when someone signs up with the address of an existing account: says so, and how to sign in or reset the password.",
  variables: z.strictObject({
    name: personName().optional().describe("The account holder's name, when known"),
    practiceName: practiceName(),
    appUrl: httpLink().describe("The app's address, where they sign in or reset the password"),
  }),
  render(variables, resolved) {
    const m = resolved.messages.account_exists;
    const view = { name: variables.name, practiceName: variables.practiceName };
    return renderAccountEmail(resolved, m, view, variables.appUrl);
  },
});
