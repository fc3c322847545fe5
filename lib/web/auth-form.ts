// Signed out: one form to sign in or to create an account (which signs in too). The password
// goes to Bastion only; what comes back is an access token kept in memory and the httpOnly
// refresh cookie the browser keeps out of every script's reach. A forgotten password is one link
// away (password-reset.ts).
import type { BastionClient } from "../client/bastion-client.js";
import { busy, field, h } from "./dom.js";
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
            await client.signUp({
              email: email.value,
              password: password.value,
              fullName: fullName.value,
            });
          } else {
            await client.signIn(email.value, password.value);
          }
        } catch (error) {
          showProblem(error, place);
        }
      },
      creating ? "Creating account…" : "Signing in…",
    );
  });
  return h(
    "section",
    { class: "card" },
    h("h2", { id: "auth-heading", tabindex: -1 }, "Sign in or create an account"),
    form,
  );
}
