// The staff page (/staff): a signed-in staff member's day — the bookings of the practitioner
// their account acts for (an admin's: every practitioner's), one day at a time in this
// browser's time zone, with each customer's name, email, phone and notes (every such read is
// recorded in the API's personal-data read log). A hold can be confirmed (paid at the practice),
// a booking cancelled. One column of cards, so it reads on a phone.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { formatMoney } from "../lib/catalogue/money.js";
import { busy, field, h, show } from "./dom.js";
import { FORMAT_NAMES, isoDateFromToday } from "./format.js";
import { clearProblem, focusInView, type ProblemPlace, showProblem } from "./problems.js";

export const STAFF_PATH = "/staff";

type StaffBooking = Schemas["StaffBooking"];

const STATUS_NAMES: Record<StaffBooking["status"], string> = {
  held: "Held, not paid",
  confirmed: "Confirmed",
  completed: "Completed",
  expired: "Lapsed",
  cancelled: "Cancelled",
};

/** The browser's IANA zone, which the day is read in. */
const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const shiftDate = (date: string, days: number) => {
  const shifted = new Date(`${date}T12:00:00Z`);
  shifted.setUTCDate(shifted.getUTCDate() + days);
  return shifted.toISOString().slice(0, 10);
};

const localTime = (instant: string) =>
  new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(
    new Date(instant),
  );

export function staffDayPage(client: BastionClient): HTMLElement {
  const heading = h("h2", { tabindex: -1 }, "Bookings of the day");
  const date = h("input", { type: "date", name: "date", value: isoDateFromToday(0) });
  const previous = h("button", { type: "button", class: "secondary" }, "Previous day");
  const next = h("button", { type: "button", class: "secondary" }, "Next day");
  const status = h("p", { class: "hint", role: "status", tabindex: -1 });
  const list = h("ul", { class: "bookings staff-bookings", "aria-label": "Bookings" });
  const page = h(
    "section",
    { class: "card staff-day" },
    heading,
    h("p", { class: "hint" }, `Times in ${timeZone()}.`),
    field("Day", date),
    h("div", { class: "actions" }, previous, next),
    status,
    list,
  );

  const load = async () => {
    clearProblem({ at: status });
    status.textContent = "Loading…";
    try {
      const { bookings } = unwrap(
        await client.api.GET("/api/staff/bookings", {
          params: { query: { from: date.value, timeZone: timeZone() } },
        }),
      );
      show(list, ...bookings.map(card));
      status.textContent = bookings.length
        ? `${bookings.length} booking${bookings.length === 1 ? "" : "s"}.`
        : "No bookings on this day.";
    } catch (error) {
      show(list);
      status.textContent = "";
      showProblem(error, { action: "load", at: status });
    }
  };

  const card = (booking: StaffBooking): HTMLElement => {
    const actions = h("div", { class: "actions" });
    const place: ProblemPlace = { action: "cancel", at: actions };
    const act = (button: HTMLButtonElement, label: string, call: () => Promise<unknown>) => {
      button.addEventListener("click", () => {
        clearProblem(place);
        void busy(
          button,
          async () => {
            try {
              await call();
              await load();
              focusInView(status);
            } catch (error) {
              showProblem(error, place);
            }
          },
          label,
        );
      });
      return button;
    };
    const params = { path: { id: booking.id } };
    const buttons: HTMLButtonElement[] = [];
    if (booking.status === "held") {
      buttons.push(
        act(h("button", { type: "button" }, "Confirm"), "Confirming…", async () =>
          unwrap(await client.api.POST("/api/bookings/{id}/confirm", { params })),
        ),
      );
    }
    if (booking.status === "held" || booking.status === "confirmed") {
      buttons.push(
        act(
          h("button", { type: "button", class: "secondary" }, "Cancel"),
          "Cancelling…",
          async () =>
            unwrap(
              await client.api.POST("/api/bookings/{id}/cancel", {
                params,
                body: { reason: "Cancelled by the practice" },
              }),
            ),
        ),
      );
    }
    show(actions, ...buttons);
    const customer = booking.customer;
    return h(
      "li",
      { class: "booking", "data-booking-id": booking.id },
      h("h3", {}, `${localTime(booking.start)}–${localTime(booking.end)} · ${booking.sessionType}`),
      h(
        "p",
        {},
        `${STATUS_NAMES[booking.status]} · ${FORMAT_NAMES[booking.format]} · ${formatMoney(
          booking.price.amountMinor,
          booking.price.currency,
        )}`,
      ),
      customer
        ? h(
            "p",
            { class: "customer" },
            h("strong", {}, customer.name),
            " · ",
            h("a", { href: `mailto:${customer.email}` }, customer.email),
            customer.phone && " · ",
            customer.phone && h("a", { href: `tel:${customer.phone}` }, customer.phone),
          )
        : h("p", { class: "hint" }, "The customer's details are no longer kept."),
      booking.notes && h("p", { class: "notes" }, booking.notes),
      actions,
    );
  };

  date.addEventListener("change", () => void load());
  previous.addEventListener("click", () => {
    date.value = shiftDate(date.value, -1);
    void load();
  });
  next.addEventListener("click", () => {
    date.value = shiftDate(date.value, 1);
    void load();
  });
  void load();
  return page;
}
