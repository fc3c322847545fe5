// "My bookings": the signed-in customer's bookings, newest first, with what can still be done —
// and only that, as the booking itself says (`expiresAt`, `changeableUntil`):
// - a live hold shows until when it is held, counting down, with "Pay now" and "Cancel";
// - a confirmed booking can be moved to another free time or cancelled until its
//   changeableUntil (the practice's 24 hours); after that the page says to contact the practice;
// - texts about a live booking with a phone number are on or off (`smsReminders`), and one button
//   turns them the other way.
// Every refusal is shown on the booking it concerns; a change refreshes the list.
import { ApiProblem } from "../client/api-problem.js";
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { formatMoney } from "../lib/catalogue/money.js";
import { cancelBooking, rescheduleBooking, setSmsReminders } from "./booking-actions.js";
import { HORIZON_DAYS } from "./booking-form.js";
import { busy, field, h, show } from "./dom.js";
import { clockTime, countdown, dayAndTime, isoDateFromToday, when } from "./format.js";
import { clearProblem, focusInView, type ProblemPlace, showProblem } from "./problems.js";
import { timePicker } from "./times.js";

type Booking = Schemas["Booking"];

export interface MyBookingsOptions {
  client: BastionClient;
  services: Schemas["Service"][];
  /** Sends the browser to the checkout (or confirms); throws when it cannot. */
  onPay(booking: Booking): Promise<void>;
}

export function myBookings(options: MyBookingsOptions): {
  element: HTMLElement;
  /** Shows the bookings as they are now; answers them (none when they could not be read). */
  refresh(): Promise<Booking[]>;
} {
  const { client } = options;
  const list = h("ul", { class: "bookings", "aria-labelledby": "bookings-heading" });
  const status = h("p", { class: "hint", role: "status", tabindex: -1 });
  const heading = h("h2", { id: "bookings-heading", tabindex: -1 }, "My bookings");
  const element = h("section", { class: "card" }, heading, status, list);
  const serviceName = (slug: string) =>
    options.services.find((service) => service.slug === slug)?.name ?? slug;

  /** Updates every hold's countdown once a second while there are any on the page. */
  let ticker: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    const clocks = list.querySelectorAll<HTMLElement>("[data-expires]");
    if (clocks.length === 0 || !list.isConnected) {
      clearInterval(ticker);
      ticker = undefined;
      return;
    }
    let lapsed = false;
    for (const clock of clocks) {
      const left = Date.parse(clock.dataset.expires ?? "") - Date.now();
      clock.textContent = left > 0 ? `${countdown(left)} left to pay` : "The hold has lapsed";
      if (left <= 0) lapsed = true;
    }
    if (lapsed) void refresh();
  };

  const refresh = async (): Promise<Booking[]> => {
    try {
      const { bookings } = unwrap(await client.api.GET("/api/bookings", { params: { query: {} } }));
      show(list, ...bookings.map((booking) => item(booking)));
      if (!bookings.length) status.textContent = "No bookings yet.";
      else if (status.textContent === "No bookings yet.") status.textContent = "";
      if (list.querySelector("[data-expires]") && !ticker) ticker = setInterval(tick, 1000);
      return bookings;
    } catch (error) {
      showProblem(error, { action: "load", at: status });
      return [];
    }
  };

  /** Says what happened in the list's status line and puts focus there. */
  const announce = (text: string) => {
    status.textContent = text;
    focusInView(status);
  };

  const item = (booking: Booking): HTMLElement => {
    const now = Date.now();
    const live = liveHold(booking);
    const upcoming = Date.parse(booking.start) > now;
    const changeable = upcoming && Date.parse(booking.changeableUntil) > now;
    const actions = h("div", { class: "actions" });
    const editor = h("div", { class: "editor" });
    const place = (action: ProblemPlace["action"]): ProblemPlace => ({ action, at: actions });

    const offerActions = () => {
      const buttons: HTMLButtonElement[] = [];
      if (live) {
        const pay = h("button", { type: "button" }, "Pay now");
        pay.addEventListener("click", () => {
          clearProblem(place("pay"));
          void busy(
            pay,
            async () => {
              try {
                await options.onPay(booking);
              } catch (error) {
                showProblem(error, place("pay"));
                await refresh();
              }
            },
            "Opening checkout…",
          );
        });
        buttons.push(pay);
      }
      if (booking.status === "confirmed" && changeable) {
        const move = h("button", { type: "button", class: "secondary" }, "Change time");
        move.addEventListener("click", openReschedule);
        buttons.push(move);
      }
      // An unpaid hold may always be withdrawn; a confirmed booking only inside the window.
      if (live || (booking.status === "confirmed" && changeable)) {
        const cancel = h("button", { type: "button", class: "secondary" }, "Cancel booking");
        cancel.addEventListener("click", confirmCancel);
        buttons.push(cancel);
      }
      show(actions, ...buttons);
    };

    // Two steps instead of window.confirm: a real button to focus, read and press.
    const confirmCancel = () => {
      const yes = h("button", { type: "button", class: "danger" }, "Yes, cancel");
      const keep = h("button", { type: "button", class: "secondary" }, "Keep it");
      yes.addEventListener("click", () => {
        clearProblem(place("cancel"));
        void busy(
          yes,
          async () => {
            try {
              await cancelBooking(client, booking);
            } catch (error) {
              showProblem(error, place("cancel"));
              return;
            }
            await refresh();
            announce(
              booking.status === "held"
                ? "The hold was withdrawn; nothing was charged."
                : "The booking was cancelled.",
            );
          },
          "Cancelling…",
        );
      });
      keep.addEventListener("click", () => {
        clearProblem(place("cancel"));
        offerActions();
        actions.querySelector("button")?.focus();
      });
      show(actions, h("span", {}, "Cancel this booking?"), yes, keep);
      yes.focus();
    };

    const openReschedule = () => {
      const idPrefix = `move-${booking.id}`;
      const date = h("input", {
        id: `${idPrefix}-date`,
        name: "date",
        type: "date",
        min: isoDateFromToday(0),
        max: isoDateFromToday(HORIZON_DAYS),
        value: booking.date,
      });
      const times = timePicker(client, `${idPrefix}-times`);
      const save = h("button", { type: "submit" }, "Move booking");
      const keep = h("button", { type: "button", class: "secondary" }, "Keep current time");
      const buttons = h("div", { class: "actions" }, save, keep);
      const form = h(
        "form",
        { class: "reschedule", novalidate: true, "aria-label": "Move this booking" },
        field("New date", date),
        times.element,
        buttons,
      );
      const movePlace: ProblemPlace = { action: "reschedule", at: buttons, form };
      date.addEventListener("change", () => void times.load(date.value, booking.sessionType));
      keep.addEventListener("click", () => {
        show(editor);
        offerActions();
        actions.querySelector("button")?.focus();
      });
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        clearProblem(movePlace);
        const time = new FormData(form).get("time");
        if (typeof time !== "string") {
          showProblem(chooseATime(), movePlace);
          return;
        }
        void busy(
          save,
          async () => {
            try {
              const moved = await rescheduleBooking(client, booking.id, date.value, time);
              await refresh();
              announce(`The booking was moved to ${when(moved)}.`);
            } catch (error) {
              if (error instanceof ApiProblem && error.code === "slot_unavailable") {
                await times.reload();
              }
              showProblem(error, movePlace);
              if (error instanceof ApiProblem && error.code === "cancellation_window_closed") {
                await refresh();
              }
            }
          },
          "Moving…",
        );
      });
      show(actions);
      show(editor, form);
      void times.load(booking.date, booking.sessionType);
      date.focus();
    };

    offerActions();
    return h(
      "li",
      { class: `booking status-${booking.status}` },
      h("p", { class: "what" }, h("strong", {}, serviceName(booking.sessionType))),
      h("p", {}, when(booking)),
      h(
        "p",
        {},
        h("span", { class: "status" }, booking.status),
        " · ",
        formatMoney(booking.price.amountMinor, booking.price.currency),
      ),
      live && booking.expiresAt ? holdClock(booking.expiresAt) : undefined,
      booking.status === "confirmed" && upcoming ? changeNote(booking, changeable) : undefined,
      actions,
      editor,
      (live || booking.status === "confirmed") && upcoming && booking.customer?.phone
        ? smsControl(booking, booking.customer.phone)
        : undefined,
    );
  };

  /** Texts about the booking: whether they are on, as the API says, and one button to switch. */
  const smsControl = (booking: Booking, phone: string): HTMLElement => {
    const row = h("div", { class: "sms" });
    const render = (on: boolean) => {
      const button = h(
        "button",
        { type: "button", class: "secondary" },
        on ? "Stop text reminders" : "Text me reminders",
      );
      button.addEventListener("click", () => {
        const smsPlace: ProblemPlace = { action: "sms", at: row };
        clearProblem(smsPlace);
        void busy(
          button,
          async () => {
            let changed: Booking;
            try {
              changed = await setSmsReminders(client, booking.id, !on);
            } catch (error) {
              showProblem(error, smsPlace);
              return;
            }
            render(changed.smsReminders);
            row.querySelector("button")?.focus();
          },
          "Saving…",
        );
      });
      show(
        row,
        h(
          "p",
          { class: "hint", role: "status" },
          on ? `Text reminders to ${phone} are on.` : `No text reminders to ${phone}.`,
        ),
        h("div", { class: "actions" }, button),
      );
    };
    render(booking.smsReminders);
    return row;
  };

  return { element, refresh };
}

/** A hold that still keeps its time. */
export function liveHold(booking: Booking): boolean {
  return (
    booking.status === "held" && (!booking.expiresAt || Date.parse(booking.expiresAt) > Date.now())
  );
}

/** "Held for you until 10:42 · 9:31 left to pay", the second part counting down. */
function holdClock(expiresAt: string): HTMLElement {
  return h(
    "p",
    { class: "expiry" },
    `Held for you until ${clockTime(expiresAt)} · `,
    h(
      "span",
      { role: "timer", "data-expires": expiresAt },
      `${countdown(Date.parse(expiresAt) - Date.now())} left to pay`,
    ),
  );
}

/** Until when the customer may change or cancel it online, or that it is too late to. */
function changeNote(booking: Booking, changeable: boolean): HTMLElement {
  return h(
    "p",
    { class: "hint" },
    changeable
      ? `You can change or cancel it online until ${dayAndTime(booking.changeableUntil, booking.timezone)}.`
      : `It starts within ${changeWindow(booking)}, so it can no longer be changed or cancelled online: please contact the practice.`,
  );
}

/** The practice's change window, as the booking carries it (its start minus changeableUntil). */
function changeWindow(booking: Booking): string {
  const hours = Math.round(
    (Date.parse(booking.start) - Date.parse(booking.changeableUntil)) / 3_600_000,
  );
  if (hours > 48 && hours % 24 === 0) return `${hours / 24} days`;
  return hours === 1 ? "an hour" : `${hours} hours`;
}

function chooseATime(): ApiProblem {
  return new ApiProblem(
    {
      type: "about:blank",
      title: "Please check this field",
      status: 400,
      detail: "",
      code: "validation_failed",
      requestId: "",
      errors: { time: ["Choose one of the available times."] },
    },
    400,
  );
}
