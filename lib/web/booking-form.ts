// "Book a session": a session type, a format and a date; the free times for that day from
// GET /api/availability (the same computation that later accepts the booking); the client's
// details; consent when the session type needs it; then a hold, paid for at once. Prices shown
// come from the catalogue and the amount charged from the server: nothing here computes money.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { busy, field, h, show } from "./dom.js";
import { FORMAT_NAMES, isoDateFromToday } from "./format.js";
import { clearProblem, showProblem } from "./problems.js";

type Booking = Schemas["Booking"];

/** Readable names for the consent items the seeded version asks for; others are shown as keys. */
const CONSENT_ITEM_TEXT: Record<string, string> = {
  confidentiality: "I understand how my information is kept confidential, and its limits.",
  cancellation_policy: "I accept the cancellation policy (changes up to 24 hours before).",
  emergency_contact: "I know these sessions are not an emergency service.",
  telehealth_risks: "I understand the risks and limits of sessions by video.",
};
/** How far ahead the practice takes bookings (the API refuses later dates). */
const HORIZON_DAYS = 60;
/** On opening, how many days to look ahead for the first one with a free time. */
const FIRST_FREE_DAY_SEARCH = 14;

export interface BookingFormOptions {
  client: BastionClient;
  services: Schemas["Service"][];
  consentVersions: Schemas["ConsentVersion"][];
  /** The signed-in account's email and name, to fill the client's details. */
  account: { email: string; fullName: string | null };
  /** A hold was made (pay for it) or a free session was confirmed. */
  onBooked(booking: Booking): Promise<void>;
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
  const times = h("fieldset", { class: "times", "data-field": "time" });
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
  const consent = h("fieldset", { class: "consent", "data-field": "acknowledgments" });
  const submit = h("button", { type: "submit" }, "Book and pay");

  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "book-heading" },
    field("Session type", sessionType),
    field("Format", format),
    price,
    field("Date", date),
    times,
    field("Full name", name),
    field("Email for this booking", email),
    field("Phone (optional)", phone, "With the country code, such as +91 98765 43210."),
    consent,
    h("div", { class: "actions" }, submit),
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

  let timesRequest = 0;
  /** Shows the free times of the chosen day; true when there is at least one. */
  const loadTimes = async (): Promise<boolean> => {
    const request = ++timesRequest;
    show(times, h("legend", {}, "Available times"), h("p", { class: "hint" }, "Looking…"));
    try {
      const availability = unwrap(
        await client.api.GET("/api/availability", {
          params: { query: { date: date.value, sessionType: sessionType.value } },
        }),
      );
      if (request !== timesRequest) return true; // a newer choice of date or type is loading
      const free = availability.slots.filter((slot) => slot.available);
      show(
        times,
        h("legend", {}, "Available times"),
        h("p", { class: "hint" }, `Times in ${availability.timezone}.`),
        free.length
          ? h(
              "div",
              { class: "slots" },
              ...free.map((slot) =>
                h(
                  "label",
                  { class: "slot" },
                  h("input", { type: "radio", name: "time", value: slot.time }),
                  slot.time,
                ),
              ),
            )
          : h("p", {}, "No free times on this day."),
      );
      return free.length > 0;
    } catch (error) {
      if (request === timesRequest) {
        show(times, h("legend", {}, "Available times"));
        showProblem(error, form);
      }
      return true;
    }
  };
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
    clearProblem(form);
    void busy(submit, async () => {
      try {
        await options.onBooked(await book(client, form, selectedService(), options));
      } catch (error) {
        showProblem(error, form);
      }
    });
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

/** Consent first when the session type needs it (the booking rests on that record), then the hold. */
async function book(
  client: BastionClient,
  form: HTMLFormElement,
  service: Schemas["Service"] | undefined,
  options: BookingFormOptions,
): Promise<Booking> {
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
    const receipt = unwrap(
      await client.api.POST("/api/consent", {
        body: {
          sessionType: service.slug,
          email: customer.email,
          consentVersion: version.version,
          acknowledgments: data.getAll("acknowledgments").map(String),
        },
      }),
    );
    consentId = receipt.consentId;
  }
  const created = unwrap(
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
  return created.booking;
}
