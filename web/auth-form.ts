// Signed out: one form to sign in or to create an account (which signs in too, or, when the
// project confirms email addresses, says to check the inbox: email-confirmation.ts). The password
// goes to Bastion only; what comes back is an access token kept in memory and the httpOnly
// refresh cookie the browser keeps out of every script's reach. A forgotten password is one link
// away (password-reset.ts).
import { ApiProblem, type BastionClient } from "../client/bastion-client.js";
import { busy, field, h, show } from "./dom.js";
import { confirmationSent } from "./email-confirmation.js";
import { FORGOT_PASSWORD_PATH } from "./password-reset.js";
import { clearProblem, type ProblemPlace, showProblem } from "./problems.js";

export function authForm(client: BastionClient): HTMLElement {
  const email = h("input", { name: "email", type: "email", autocomplete: "username" });
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
  });
  const fullName = h("input", { name: "fullName", autocomplete: "name" });
  const signIn = h("button", { type: "submit", value: "sign-in" }, "Sign in");
  const create = h(
    "button",
    { type: "submit", value: "create", class: "secondary" },
    "Create account",
  );
  const actions = h("div", { class: "actions" }, signIn, create);
  // The browser's own checks would stop the form before Bastion's problem details could be shown.
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "auth-heading" },
    field("Email", email),
    field("Password", password, "At least 10 characters when you create an account."),
    h("p", { class: "forgot" }, h("a", { href: FORGOT_PASSWORD_PATH }, "Forgot your password?")),
    field("Your name", fullName, "Only needed to create an account."),
    actions,
  );
  const formCard = [
    h("h2", { id: "auth-heading", tabindex: -1 }, "Sign in or create an account"),
    form,
  ];
  const card = h("section", { class: "card" }, ...formCard);
  /** The address a confirmation link was just sent to: signing in waits for that link. */
  let awaitingConfirmation: string | undefined;
  const backToForm = () => {
    show(card, ...formCard);
    email.focus();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = (event.submitter as HTMLButtonElement | null) ?? signIn;
    const creating = button.value === "create";
    const place: ProblemPlace = { action: creating ? "sign-up" : "sign-in", at: actions, form };
    clearProblem(place);
    void busy(
      button,
      async () => {
        try {
          if (creating) {
            password.autocomplete = "new-password";
            const created = await client.signUp({
              email: email.value,
              password: password.value,
              fullName: fullName.value,
            });
            if ("confirmationRequired" in created) {
              awaitingConfirmation = email.value;
              confirmationSent(card, email.value, backToForm);
            }
          } else {
            await client.signIn(email.value, password.value);
          }
        } catch (error) {
          const unconfirmed =
            !creating &&
            error instanceof ApiProblem &&
            error.code === "invalid_credentials" &&
            email.value === awaitingConfirmation;
          showProblem(error, {
            ...place,
            note: unconfirmed
              ? `If this is the account you just created, open the link we sent to ${email.value} first: it confirms the account and signs you in.`
              : undefined,
          });
        }
      },
      creating ? "Creating account…" : "Signing in…",
    );
  });
  return card;
}
