// Sign-up with email confirmation (a Supabase project's default), in two places:
// - after "Create account", register answers {confirmationRequired: true} and nobody is signed
//   in: the form gives way to "Check your email" (confirmationSent);
// - the mailed link opens /auth/confirm#token_hash=…&type=email (vercel.json rewrites it to this
//   app). The fragment never reaches a server. Opening the page spends nothing — mail scanners
//   open every link — so the token is only sent, with POST /api/auth/confirm, when the person
//   presses "Confirm my account"; that signs them in (refresh cookie set by the server).
import {
  ApiProblem,
  type BastionClient,
  type EmailConfirmationType,
} from "../client/bastion-client.js";
import { busy, type Child, h, show } from "./dom.js";
import { clearProblem, focusInView, type ProblemPlace, showProblem } from "./problems.js";

export const CONFIRM_EMAIL_PATH = "/auth/confirm";
/** The link types POST /api/auth/confirm takes: Supabase's current name, and an older one's. */
const LINK_TYPES: readonly EmailConfirmationType[] = ["email", "signup"];

const signInLink = (text = "Back to sign in") => h("a", { href: "/" }, text);

/** True on the local stack, whose Auth mails go to the dev server's terminal, not an inbox. */
function runningLocally(): boolean {
  return ["127.0.0.1", "localhost"].includes(location.hostname);
}

/**
 * "Check your email" in place of the sign-up form's card. `back` puts the form back (with what
 * was typed), for a person who wants to sign in instead or mistyped the address.
 */
export function confirmationSent(card: HTMLElement, address: string, back: () => void): void {
  const heading = h("h2", { id: "auth-heading", tabindex: -1 }, "Check your email");
  const backButton = h("button", { type: "button", class: "secondary" }, "Back to sign in");
  backButton.addEventListener("click", back);
  show(
    card,
    heading,
    h(
      "p",
      { role: "status" },
      "We sent a link to ",
      h("strong", { class: "address" }, address),
      " to confirm your account.",
    ),
    h(
      "p",
      {},
      "Open the link and press “Confirm my account”: you are then signed in, on whichever device you opened it. Nothing there after a few minutes? Check your spam folder, or check the address and create the account again.",
    ),
    runningLocally()
      ? h(
          "p",
          { class: "hint" },
          "Running locally: npm run dev prints the link in its terminal (“Auth mail to …”).",
        )
      : undefined,
    h("div", { class: "actions" }, backButton),
  );
  focusInView(heading);
}

export interface ConfirmEmailOptions {
  client: BastionClient;
  /** The address is confirmed and the person signed in. */
  onConfirmed(): void;
}

/** The page the confirmation link opens: one button, pressed by the person, never on load. */
export function confirmEmailPage({ client, onConfirmed }: ConfirmEmailOptions): HTMLElement {
  const link = new URLSearchParams(location.hash.slice(1));
  const tokenHash = link.get("token_hash");
  const type = (link.get("type") ?? "email") as EmailConfirmationType;
  const heading = h("h2", { id: "confirm-heading", tabindex: -1 }, "Confirm your email address");
  const card = h("section", { class: "card", "aria-labelledby": "confirm-heading" });

  // Cut short or mangled on its way (a mail client wrapping it): nothing worth sending.
  if (!tokenHash || !/^[\w-]+$/.test(tokenHash) || !LINK_TYPES.includes(type)) {
    show(
      card,
      heading,
      h(
        "p",
        { role: "alert" },
        "This page opens from the link in the email we send when you create an account, and this address has no complete link in it. Open the link from the email again.",
      ),
      h("div", { class: "actions" }, signInLink()),
    );
    return card;
  }

  const confirm = h("button", { type: "button" }, "Confirm my account");
  const actions = h("div", { class: "actions" }, confirm);
  const place: ProblemPlace = { action: "confirm-email", at: actions };
  confirm.addEventListener("click", () => {
    clearProblem(place);
    void busy(
      confirm,
      async () => {
        try {
          await client.confirmEmail(tokenHash, type);
        } catch (error) {
          if (error instanceof ApiProblem && error.code === "bad_request") linkSpent(card);
          else showProblem(error, place);
          return;
        }
        onConfirmed();
      },
      "Confirming…",
    );
  });
  show(
    card,
    heading,
    h("p", {}, "Press the button to confirm your account. You will be signed in."),
    actions,
  );
  return card;
}

/** Unknown, expired and used links read the same to the API: both ways on are offered. */
function linkSpent(card: HTMLElement): void {
  const heading = h(
    "h2",
    { id: "confirm-heading", tabindex: -1 },
    "This link was already used or has expired",
  );
  const lines: Child[] = [
    h(
      "p",
      { role: "alert" },
      "If you have confirmed your account already, sign in with your email and password. If not, create your account again and we will email you a new link.",
    ),
    h(
      "div",
      { class: "actions" },
      // One form does both.
      h("a", { href: "/", class: "button" }, "Sign in"),
      h("a", { href: "/", class: "button secondary" }, "Create the account again"),
    ),
  ];
  show(card, heading, ...lines);
  focusInView(heading);
}
