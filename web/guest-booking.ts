// Booking without an account, and the guest's own booking page.
// - On the signed-out front page, "Book without an account": the same booking form, whose answer
//   carries the booking's manage token once (`manageToken`, and `confirmationUrl`, the link
//   /bookings/:id#token=…). The app goes to that page and pays for the hold at once, as a
//   signed-in customer's booking does. The token is never stored by the server, so the
//   confirmation email's link (/bookings/:id) cannot carry it: the guest keeps this page's link.
// - /bookings/:id#token=…: the guest sees the booking, pays for a hold, moves it to another free
//   time or cancels it, presenting the token as X-Booking-Token. The token stays in the
//   fragment, which browsers never send to a server, and in this tab's sessionStorage, so the
//   page finds it again when a checkout sends the browser back without the fragment.
import { ApiProblem } from "../client/api-problem.js";
import type { BastionClient, Schemas } from "../client/bastion-client.js";
import { formatMoney } from "../lib/catalogue/money.js";
import { cancelBooking, rescheduleBooking } from "./booking-actions.js";
import { bookingForm, HORIZON_DAYS } from "./booking-form.js";
import { type GuestAccess, payForHold, readBooking, resumeCheckout } from "./checkout.js";
import { busy, field, h, show } from "./dom.js";
import { clockTime, FORMAT_NAMES, isoDateFromToday, when } from "./format.js";
import { clearProblem, type ProblemPlace, showProblem } from "./problems.js";
import { timePicker } from "./times.js";

type Booking = Schemas["Booking"];

/** The guest's booking page: /bookings/<uuid>. */
export const GUEST_BOOKING_PATH = /^\/bookings\/([0-9a-f-]{36})$/;

const storageKey = (id: string) => `bastion.booking-token.${id}`;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The manage token for the booking: from the link's fragment, or kept from it in this tab. */
export function guestAccess(id: string): GuestAccess | undefined {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink && TOKEN.test(fromLink)) {
    sessionStorage.setItem(storageKey(id), fromLink);
    return { token: fromLink };
  }
  const kept = sessionStorage.getItem(storageKey(id));
  return kept && TOKEN.test(kept) ? { token: kept } : undefined;
}

export interface GuestBookingOptions {
  client: BastionClient;
  services: Schemas["Service"][];
  consentVersions: Schemas["ConsentVersion"][];
  /** Show the booking's page (the app's router draws it). */
  open(path: string): void;
}

/** "Book without an account": the booking form, then the booking's own page to pay on. */
export function guestBookingSection(options: GuestBookingOptions): HTMLElement {
  const form = bookingForm({
    client: options.client,
    services: options.services,
    consentVersions: options.consentVersions,
    account: { email: "", fullName: null },
    guest: true,
    async onBooked(booking, created) {
      const link = new URL(created.confirmationUrl);
      if (created.manageToken) sessionStorage.setItem(storageKey(booking.id), created.manageToken);
      // The page of the booking, with its token in the fragment: the guest's link to keep.
      options.open(`/bookings/${booking.id}${link.hash}`);
      if (booking.status === "held" && created.manageToken) {
        await payForHold(options.client, booking, { token: created.manageToken });
      }
    },
    onHeld: async () => undefined,
  });
  const heading = form.querySelector("h2");
  if (heading) {
    heading.textContent = "Book without an account";
    heading.after(
      h(
        "p",
        { class: "hint" },
        "No account needed: you get a private link to see, pay for, move or cancel your booking.",
      ),
    );
  }
  return form;
}

/** The guest's page for one booking. */
export function guestBookingPage(
  client: BastionClient,
  id: string,
  services: Schemas["Service"][],
): HTMLElement {
  const section = h("section", { class: "card guest-booking", "aria-labelledby": "guest-heading" });
  const guest = guestAccess(id);
  const serviceName = (slug: string) =>
    services.find((service) => service.slug === slug)?.name ?? slug;
  const heading = () => h("h2", { id: "guest-heading", tabindex: -1 }, "Your booking");

  if (!guest) {
    show(
      section,
      heading(),
      h(
        "p",
        {},
        "This page needs your booking's private link, the one that ends with #token=…, shown when you booked. Without it, please contact the practice to change or cancel the booking.",
      ),
    );
    return section;
  }

  const draw = (booking: Booking, notice?: string) => {
    const live =
      booking.status === "held" &&
      (!booking.expiresAt || Date.parse(booking.expiresAt) > Date.now());
    const actions = h("div", { class: "actions" });
    const editor = h("div", {});
    const place = (action: ProblemPlace["action"]): ProblemPlace => ({ action, at: actions });

    const pay = h(
      "button",
      { type: "button" },
      `Pay ${formatMoney(booking.price.amountMinor, booking.price.currency)}`,
    );
    pay.addEventListener("click", () => {
      clearProblem(place("pay"));
      void busy(
        pay,
        async () => {
          try {
            draw(await payForHold(client, booking, guest), "Your booking is confirmed.");
          } catch (error) {
            showProblem(error, place("pay"));
          }
        },
        "Opening the checkout…",
      );
    });

    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel booking");
    cancel.addEventListener("click", () => {
      clearProblem(place("cancel"));
      void busy(
        cancel,
        async () => {
          try {
            draw(await cancelBooking(client, booking, guest), "Your booking is cancelled.");
          } catch (error) {
            showProblem(error, place("cancel"));
          }
        },
        "Cancelling…",
      );
    });

    const move = h("button", { type: "button", class: "secondary" }, "Reschedule");
    move.addEventListener("click", () => {
      const date = h("input", {
        id: "guest-move-date",
        name: "date",
        type: "date",
        min: isoDateFromToday(0),
        max: isoDateFromToday(HORIZON_DAYS),
        value: booking.date,
      });
      const times = timePicker(client, "guest-move-times");
      const save = h("button", { type: "submit" }, "Move booking");
      const buttons = h("div", { class: "actions" }, save);
      const form = h(
        "form",
        { class: "reschedule", novalidate: true, "aria-label": "Move this booking" },
        field("New date", date),
        times.element,
        buttons,
      );
      const movePlace: ProblemPlace = { action: "reschedule", at: buttons, form };
      date.addEventListener("change", () => void times.load(date.value, booking.sessionType));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearProblem(movePlace);
        const time = new FormData(form).get("time");
        if (typeof time !== "string") {
          showProblem(new Error("Choose one of the available times."), movePlace);
          return;
        }
        void busy(
          save,
          async () => {
            try {
              const moved = await rescheduleBooking(client, booking.id, date.value, time, guest);
              draw(moved, `Your booking was moved to ${when(moved)}.`);
            } catch (error) {
              if (error instanceof ApiProblem && error.code === "slot_unavailable") {
                await times.reload();
              }
              showProblem(error, movePlace);
            }
          },
          "Moving…",
        );
      });
      show(editor, form);
      void times.load(booking.date, booking.sessionType);
      date.focus();
    });

    const upcoming = Date.parse(booking.start) > Date.now();
    show(
      actions,
      live ? pay : undefined,
      (live || booking.status === "confirmed") && upcoming ? move : undefined,
      (live || booking.status === "confirmed") && upcoming ? cancel : undefined,
    );
    show(
      section,
      heading(),
      notice ? h("p", { class: "notice", role: "status" }, notice) : undefined,
      h(
        "dl",
        {},
        h("dt", {}, "Session"),
        h("dd", {}, serviceName(booking.sessionType)),
        h("dt", {}, "When"),
        h("dd", {}, when(booking)),
        h("dt", {}, "Format"),
        h("dd", {}, FORMAT_NAMES[booking.format]),
        h("dt", {}, "Price"),
        h("dd", {}, formatMoney(booking.price.amountMinor, booking.price.currency)),
        h("dt", {}, "Status"),
        h("dd", { class: "status" }, booking.status),
      ),
      live && booking.expiresAt
        ? h("p", { class: "hint" }, `Held for you until ${clockTime(booking.expiresAt)}.`)
        : undefined,
      h(
        "p",
        { class: "hint" },
        "Keep this page's link: it is the only way to manage this booking without an account.",
      ),
      actions,
      editor,
    );
    section.querySelector<HTMLElement>("h2")?.focus();
  };

  show(section, heading(), h("p", { class: "hint", "aria-live": "polite" }, "Loading…"));
  void (async () => {
    const params = new URLSearchParams(location.search);
    try {
      if (params.has("booking")) {
        // Back from a checkout: finish it once, and leave the link as the guest keeps it.
        history.replaceState(null, "", `/bookings/${id}#token=${guest.token}`);
        const paid = await resumeCheckout(client, params, guest);
        if (paid) {
          draw(paid, paid.status === "confirmed" ? "Your booking is confirmed." : undefined);
          return;
        }
      }
      draw(await readBooking(client, id, guest));
    } catch (error) {
      show(section, heading());
      showProblem(error, { action: "pay", at: section, inside: true });
      try {
        draw(await readBooking(client, id, guest));
      } catch {
        // The problem above says why.
      }
    }
  })();
  return section;
}
