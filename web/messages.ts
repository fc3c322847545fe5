// What an API problem means to the person using the app, in their words. The API's `code` says
// what happened and the app knows what the person was doing: together they choose the message,
// the field it belongs to and the way out (a link to sign in, to ask for a new reset link…).
// The API's own `detail` is kept where it already speaks to a person; validator wording never
// reaches the page.
import { ApiProblem } from "../client/api-problem.js";

/** What the person was doing when the problem came. */
export type Action =
  | "load"
  | "sign-in"
  | "sign-up"
  | "sign-out"
  | "forgot-password"
  | "reset-password"
  | "confirm-email"
  | "times"
  | "book"
  | "pay"
  | "cancel"
  | "reschedule"
  | "sms";

export interface HumanProblem {
  title: string;
  detail?: string;
  /** Messages for the fields of the form, by the API's field path. */
  fields: Record<string, string[]>;
  /** A way out, shown under the message. */
  link?: { href: string; text: string };
  /** For support: shown only for failures on the server's side. */
  reference?: string;
}

const FORGOT_PASSWORD = { href: "/forgot-password", text: "Forgot your password?" };

/** What to say for a field the person left empty, by the API's field path. */
const REQUIRED: Record<string, string> = {
  email: "Enter your email address.",
  password: "Enter your password.",
  fullName: "Enter your name.",
  "customer.name": "Enter the client's name.",
  "customer.email": "Enter an email address for this booking.",
  date: "Choose a date.",
  time: "Choose one of the available times.",
  acknowledgments: "Tick each item to give your consent.",
};

/** The messages of older servers, and any zod default that slips through, by their shape. */
const VALIDATOR_WORDING: [RegExp, (field: string) => string][] = [
  [
    /^(This field is required\.?|Required|Too small: expected string to have >=1 characters?|Invalid input: expected \w+, received undefined)$/,
    (field) => REQUIRED[field] ?? "Fill this in.",
  ],
  [/^Invalid email address$/, () => "Enter an email address, such as name@example.com."],
  // Written for API callers, who type the label; a person picks one of the listed times.
  [/^Choose a time, such as /, () => REQUIRED.time ?? ""],
  [/^Too small: expected string to have >=(\d+) characters$/, () => "This is too short."],
  [/^Too big: expected string to have <=(\d+) characters$/, () => "This is too long."],
];

export function humanProblem(error: unknown, action: Action): HumanProblem {
  if (!(error instanceof ApiProblem)) {
    // The app's own errors (a checkout that was closed…) are written for people already.
    return {
      title: error instanceof Error ? error.message : "Something went wrong. Please try again.",
      fields: {},
    };
  }
  const { problem } = error;
  const detail = problem.detail && problem.detail !== problem.title ? problem.detail : undefined;
  const fields = humanFields(problem.errors ?? {});
  const said = (title: string, more: Partial<HumanProblem> = {}): HumanProblem => ({
    title,
    fields,
    ...more,
  });

  if (error.status === 0) {
    return said("Can't reach the server", {
      detail: "Check your internet connection, then try again.",
    });
  }
  switch (problem.code) {
    case "validation_failed":
      if (action === "reset-password" && fields.token) {
        const { token: _, ...rest } = fields;
        return {
          title: "This link is incomplete",
          detail: "Open the link from the email again, or ask for a new one.",
          fields: rest,
          link: { href: "/forgot-password", text: "Ask for a new link" },
        };
      }
      return said(
        Object.keys(fields).length > 1 ? "Please check these fields" : "Please check this field",
        {
          // The API's generic line adds nothing; a specific one ("Choose a stronger password…") does.
          detail: detail && !/missing or not valid/.test(detail) ? detail : undefined,
        },
      );
    case "invalid_credentials":
      return said("Wrong email or password", {
        detail: "Check both and try again.",
        link: FORGOT_PASSWORD,
      });
    case "conflict":
      if (action === "sign-up") {
        return {
          title: "This email can't be used for a new account",
          fields: {
            email: [
              "An account may already use this email address. Sign in instead, or set a new password with “Forgot your password?”.",
            ],
          },
          link: FORGOT_PASSWORD,
        };
      }
      if (action === "sms") return said("Text reminders could not be changed", { detail });
      return said("This booking can't be changed this way any more", {
        detail:
          "It may have been paid, cancelled or lapsed in the meantime; the list now shows where it stands.",
      });
    case "slot_unavailable":
      return {
        title: "That time is no longer free",
        fields: {
          ...fields,
          time: [
            "Someone else has just booked this time. The list now shows what is still free: please pick another.",
          ],
        },
      };
    case "cancellation_window_closed":
      // The API's detail names the practice's window ("up to 24 hours before…").
      return said("It's too late to change this booking online", {
        detail: detail ?? "Please contact the practice.",
      });
    case "consent_required":
      return {
        title: "Consent is needed first",
        fields: { ...fields, acknowledgments: [REQUIRED.acknowledgments ?? ""] },
      };
    case "bad_request":
      if (action === "reset-password") {
        return said("This link has expired or was already used", {
          detail: "Reset links work once, for an hour. Ask for a new one.",
          link: { href: "/forgot-password", text: "Ask for a new link" },
        });
      }
      return said(
        action === "sms" ? "Text reminders could not be turned on" : "Please check this",
        {
          detail,
        },
      );
    case "rate_limited":
      return said("Too many attempts", {
        detail: detail?.replace(/^Too many requests\. /, "") ?? "Wait a minute, then try again.",
      });
    case "unauthorized":
    case "session_expired":
      return said("You've been signed out", {
        detail: "Sign in again to continue.",
        link: { href: "/", text: "Sign in" },
      });
    case "not_found":
      return said(
        action === "cancel" || action === "reschedule" || action === "pay"
          ? "This booking could not be found"
          : "Not found",
        { detail: "It may have been removed. Reload the page to see where things stand." },
      );
    case "provider_not_configured":
      return said(
        action === "sms" ? "Text messages are not set up here" : "Payments are not set up here",
        { detail: "This server has no provider configured for it." },
      );
    case "payment_verification_failed":
      return said("The payment could not be confirmed", {
        detail: "Nothing was charged for this booking. Try paying again from My bookings.",
      });
    case "provider_error":
      return said("The payment provider did not answer", {
        detail: "Nothing was charged. Please try again in a moment.",
      });
    case "service_unavailable":
      return said("The service is busy", { detail: "Please try again in a moment." });
    case "internal_error":
      return said("Something went wrong on our side", {
        detail:
          "Please try again. If it keeps happening, contact us and quote the reference below.",
        reference: problem.requestId,
      });
    default:
      return said(problem.title, {
        detail,
        ...(error.status >= 500 && { reference: problem.requestId }),
      });
  }
}

/** The API's field messages with validator wording replaced. */
function humanFields(errors: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(errors).map(([field, messages]) => [
      field,
      messages.map((message) => {
        const known = VALIDATOR_WORDING.find(([pattern]) => pattern.test(message));
        return known ? known[1](field) : message;
      }),
    ]),
  );
}
