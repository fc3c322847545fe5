// "Book a session": a session type, a format and a date; the free times for that day from
// GET /api/availability (the same computation that later accepts the booking); the client's
// details, texts if they want them; consent when the session type needs it; then a hold, paid
// for at once. Prices shown come from the catalogue and the amount charged from the server:
// nothing here computes money. A time someone else took in the meantime (409 slot_unavailable)
// reloads the day's times and says so next to them.
import { ApiProblem } from "../client/api-problem.js";
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { setSmsReminders } from "./booking-actions.js";
import { busy, field, h, show } from "./dom.js";
import { clockTime, FORMAT_NAMES, isoDateFromToday } from "./format.js";
import { clearProblem, type ProblemPlace, showProblem } from "./problems.js";
import { timePicker } from "./times.js";

type Booking = Schemas["Booking"];

/** Readable names for the consent items the seeded version asks for; others are shown as keys. */
const CONSENT_ITEM_TEXT: Record<string, string> = {
  confidentiality: "I understand how my information is kept confidential, and its limits.",
  cancellation_policy: "I accept the cancellation policy (changes up to 24 hours before).",
  emergency_contact: "I know these sessions are not an emergency service.",
  telehealth_risks: "I understand the risks and limits of sessions by video.",
};
/** How far ahead the practice takes bookings (the API refuses later dates). */
export const HORIZON_DAYS = 60;
/** On opening, how many days to look ahead for the first one with a free time. */
const FIRST_FREE_DAY_SEARCH = 14;

export interface BookingFormOptions {
  client: BastionClient;
  services: Schemas["Service"][];
  consentVersions: Schemas["ConsentVersion"][];
  /** The signed-in account's email and name, to fill the client's details. */
  account: { email: string; fullName: string | null };
  /** Booking without an account: no texts option (set on the booking's own page later). */
  guest?: boolean;
  /**
   * A hold was made (pay for it) or a free session was confirmed; throws when paying fails.
   * `created` is the whole answer: a guest's `manageToken` and `confirmationUrl` are in it.
   */
  onBooked(booking: Booking, created: Schemas["BookingCreated"]): Promise<void>;
  /** A hold was made but is not being paid for now: it waits in My bookings. */
  onHeld(booking: Booking): Promise<void>;
}

export function bookingForm(options: BookingFormOptions): HTMLElement {
  const { client, services } = options;
  const sessionType = h(
    "select",
    { name: "sessionType" },
    ...services.map((service) =>
      h("option", { value: service.slug }, `${service.name} · ${service.durationMinutes} min`),
    ),
  );
  const format = h(
    "select",
    { name: "format" },
    ...Object.entries(FORMAT_NAMES).map(([value, name]) => h("option", { value }, name)),
  );
  const date = h("input", {
    name: "date",
    type: "date",
    min: isoDateFromToday(0),
    max: isoDateFromToday(HORIZON_DAYS),
  });
  const price = h("p", { class: "price", "aria-live": "polite" });
  const times = timePicker(client, "book-times");
  const name = h("input", {
    name: "customer.name",
    autocomplete: "name",
    value: options.account.fullName ?? "",
  });
  const email = h("input", {
    name: "customer.email",
    type: "email",
    autocomplete: "email",
    value: options.account.email,
  });
  const phone = h("input", { name: "customer.phone", type: "tel", autocomplete: "tel" });
  const smsReminders = h("input", { type: "checkbox", name: "smsReminders" });
  const consent = h("fieldset", {
    class: "consent",
    "data-field": "acknowledgments",
    id: "book-consent",
    tabindex: -1,
  });
  const submit = h("button", { type: "submit" }, "Book and pay");
  const actions = h("div", { class: "actions" }, submit);

  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "book-heading" },
    field("Session type", sessionType),
    field("Format", format),
    price,
    field("Date", date),
    times.element,
    field("Full name", name),
    field("Email for this booking", email),
    field("Phone (optional)", phone, "With + and the country code, such as +91 98765 43210."),
    options.guest
      ? ""
      : h("label", { class: "check" }, smsReminders, "Text me reminders about this session too"),
    consent,
    actions,
  );

  const selectedService = () =>
    services.find((service) => service.slug === sessionType.value) ?? services[0];

  const showService = () => {
    const service = selectedService();
    const offer = service?.prices.find((candidate) => candidate.format === format.value);
    const free = !offer || offer.amount === 0;
    price.textContent = offer ? `Price: ${free ? "free" : offer.display}` : "";
    submit.textContent = free ? "Book" : "Book and pay";
    const version = options.consentVersions[0];
    if (service?.requiresConsent && version) {
      show(
        consent,
        h("legend", {}, "Consent"),
        h("p", { class: "hint" }, `${version.title} (version ${version.version})`),
        ...version.requiredItems.map((item) =>
          h(
            "label",
            { class: "check" },
            h("input", { type: "checkbox", name: "acknowledgments", value: item }),
            CONSENT_ITEM_TEXT[item] ?? item,
          ),
        ),
      );
      consent.hidden = false;
    } else {
      show(consent);
      consent.hidden = true;
    }
  };

  const loadTimes = () => times.load(date.value, sessionType.value);
  /** Opens on the first day with a free time, so the form starts with something to book. */
  let chosenByHand = false;
  const openOnFirstFreeDay = async () => {
    for (let day = 1; day <= FIRST_FREE_DAY_SEARCH && !chosenByHand; day++) {
      date.value = isoDateFromToday(day);
      if ((await loadTimes()) || chosenByHand) return;
    }
    if (chosenByHand) return;
    date.value = isoDateFromToday(1);
    await loadTimes();
  };

  sessionType.addEventListener("change", () => {
    chosenByHand = true;
    showService();
    void loadTimes();
  });
  format.addEventListener("change", showService);
  date.addEventListener("change", () => {
    chosenByHand = true;
    void loadTimes();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const place: ProblemPlace = { action: "book", at: actions, form };
    clearProblem(place);
    const numberProblem = smsReminders.checked ? textableNumberProblem(phone.value) : undefined;
    if (numberProblem) {
      showProblem(numberProblem, place);
      return;
    }
    void busy(
      submit,
      async () => {
        let created: Schemas["BookingCreated"];
        try {
          created = await book(client, form, selectedService(), options);
        } catch (error) {
          // The day's times as they are now, so the person picks from what is really free.
          if (error instanceof ApiProblem && error.code === "slot_unavailable") {
            await times.reload();
          }
          showProblem(error, place);
          return;
        }
        const booking = created.booking;
        if (smsReminders.checked) {
          try {
            await setSmsReminders(client, booking.id, true);
          } catch (error) {
            await options.onHeld(booking);
            showProblem(error, {
              action: "sms",
              at: actions,
              form,
              note: booking.expiresAt
                ? `Your time is held for you until ${clockTime(booking.expiresAt)}: pay for it under My bookings.`
                : "Your booking is made; it is under My bookings.",
            });
            return;
          }
        }
        try {
          await options.onBooked(booking, created);
        } catch (error) {
          showProblem(error, { ...place, action: "pay" });
        }
      },
      "Booking…",
    );
  });

  showService();
  void openOnFirstFreeDay();
  return h(
    "section",
    { class: "card" },
    h("h2", { id: "book-heading", tabindex: -1 }, "Book a session"),
    form,
  );
}

/** Texts need a number in international form; said before anything is booked. */
function textableNumberProblem(typed: string): ApiProblem | undefined {
  const number = typed.trim();
  const message = !number
    ? "Add a phone number to get text reminders, or untick “Text me reminders”."
    : number.startsWith("+")
      ? undefined
      : "For texts, start the number with + and the country code.";
  if (!message) return undefined;
  return new ApiProblem(
    {
      type: "about:blank",
      title: "Please check this field",
      status: 400,
      detail: "",
      code: "validation_failed",
      requestId: "",
      errors: { "customer.phone": [message] },
    },
    400,
  );
}

/** Consent first when the session type needs it (the booking rests on that record), then the hold. */
async function book(
  client: BastionClient,
  form: HTMLFormElement,
  service: Schemas["Service"] | undefined,
  options: BookingFormOptions,
): Promise<Schemas["BookingCreated"]> {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "");
  const customer = {
    name: text("customer.name"),
    email: text("customer.email"),
    phone: text("customer.phone").trim() || null,
  };
  const version = options.consentVersions[0];
  let consentId: string | undefined;
  if (service?.requiresConsent && version) {
    const receipt = await client.api.POST("/api/consent", {
      body: {
        sessionType: service.slug,
        email: customer.email,
        consentVersion: version.version,
        acknowledgments: data.getAll("acknowledgments").map(String),
      },
    });
    try {
      consentId = unwrap(receipt).consentId;
    } catch (error) {
      throw asBookingFields(error);
    }
  }
  return unwrap(
    await client.api.POST("/api/bookings", {
      body: {
        sessionType: text("sessionType"),
        format: text("format") as Booking["format"],
        date: text("date"),
        time: text("time"),
        customer,
        ...(consentId && { consentAccepted: true, consentId }),
      },
    }),
  );
}

/** The consent record's `email` is the booking's `customer.email` field on this form. */
function asBookingFields(error: unknown): unknown {
  if (!(error instanceof ApiProblem) || !error.problem.errors?.email) return error;
  const { email, ...others } = error.problem.errors;
  return new ApiProblem(
    { ...error.problem, errors: { ...others, "customer.email": email } },
    error.status,
  );
}
