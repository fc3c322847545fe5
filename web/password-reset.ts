// A forgotten password, in two pages:
// - /forgot-password asks for the email address; POST /api/auth/forgot-password answers the same
//   whether or not the address has an account, and mails a link to /reset-password#token=…;
// - /reset-password reads the token from the link's fragment (which browsers never send to a
//   server), asks for the new password and sends both to POST /api/auth/reset-password, which
//   signs the person in and ends their other sessions.
import { type BastionClient, unwrap } from "../client/bastion-client.js";
import { busy, field, h, show } from "./dom.js";
import { clearProblem, focusInView, type ProblemPlace, showProblem } from "./problems.js";

export const FORGOT_PASSWORD_PATH = "/forgot-password";
export const RESET_PASSWORD_PATH = "/reset-password";
/** How long the mailed link works (lib/notify/reset-link.ts's RESET_LINK_MINUTES). */
const LINK_LIFETIME = "an hour";

const backToSignIn = () => h("a", { href: "/" }, "Back to sign in");

export function forgotPasswordPage(client: BastionClient): HTMLElement {
  const email = h("input", { name: "email", type: "email", autocomplete: "email" });
  const send = h("button", { type: "submit" }, "Email me a link");
  const actions = h("div", { class: "actions" }, send, backToSignIn());
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "forgot-heading" },
    h(
      "p",
      {},
      `Enter the email address of your account. We will email you a link to choose a new password; it works for ${LINK_LIFETIME}.`,
    ),
    field("Email", email),
    actions,
  );
  const card = h(
    "section",
    { class: "card" },
    h("h2", { id: "forgot-heading", tabindex: -1 }, "Forgot your password?"),
    form,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const place: ProblemPlace = { action: "forgot-password", at: actions, form };
    clearProblem(place);
    void busy(
      send,
      async () => {
        try {
          const { message } = await client.api
            .POST("/api/auth/forgot-password", { body: { email: email.value } })
            .then(unwrap);
          showSent(card, email.value, message);
        } catch (error) {
          showProblem(error, place);
        }
      },
      "Sending…",
    );
  });
  return card;
}

function showSent(card: HTMLElement, address: string, message: string): void {
  const heading = h("h2", { id: "forgot-heading", tabindex: -1 }, "Check your email");
  // The local stack delivers mail to its outbox page, not to an inbox.
  const local = ["127.0.0.1", "localhost"].includes(location.hostname);
  show(
    card,
    heading,
    h("p", { role: "status" }, message),
    h(
      "p",
      {},
      `Look for an email to ${address}. The link in it works once, for ${LINK_LIFETIME}. Nothing there? Check the spam folder, or ask again in a minute.`,
    ),
    local
      ? h(
          "p",
          { class: "hint" },
          "Running locally: the email is in the ",
          h("a", { href: "/__dev/outbox" }, "local outbox"),
          ".",
        )
      : undefined,
    h("div", { class: "actions" }, backToSignIn()),
  );
  focusInView(heading);
}

export interface ResetPasswordOptions {
  client: BastionClient;
  /** The new password is set and the person signed in with it. */
  onReset(): void;
}

export function resetPasswordPage({ client, onReset }: ResetPasswordOptions): HTMLElement {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const heading = h("h2", { id: "reset-heading", tabindex: -1 }, "Choose a new password");
  if (!token) {
    return h(
      "section",
      { class: "card" },
      heading,
      h(
        "p",
        { role: "alert" },
        "This page opens from the link in a password reset email, and this address has no link in it. Open the link from the email again, or ask for a new one.",
      ),
      h(
        "div",
        { class: "actions" },
        h("a", { href: FORGOT_PASSWORD_PATH }, "Ask for a new link"),
        backToSignIn(),
      ),
    );
  }
  const password = h("input", {
    name: "password",
    type: "password",
    autocomplete: "new-password",
  });
  const reveal = h("input", { type: "checkbox" });
  reveal.addEventListener("change", () => {
    password.type = reveal.checked ? "text" : "password";
  });
  const save = h("button", { type: "submit" }, "Set new password");
  const actions = h("div", { class: "actions" }, save);
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "reset-heading" },
    field(
      "New password",
      password,
      "At least 10 characters; not your email address and not a common password.",
    ),
    h("label", { class: "check" }, reveal, "Show the password"),
    actions,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const place: ProblemPlace = { action: "reset-password", at: actions, form };
    clearProblem(place);
    void busy(
      save,
      async () => {
        try {
          await client.resetPassword(token, password.value);
        } catch (error) {
          showProblem(error, place);
          return;
        }
        onReset();
      },
      "Saving…",
    );
  });
  return h("section", { class: "card" }, heading, form);
}
