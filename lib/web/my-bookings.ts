// "My bookings": the signed-in customer's bookings, newest first, with what can still be done:
// pay for a live hold, and cancel (a hold is withdrawn; a confirmed booking is cancelled under
// the practice's policy, which the API enforces — its refusal is shown as it comes).

import { formatMoney } from "../catalogue/money.js";
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { busy, h, show } from "./dom.js";
import { when } from "./format.js";
import { showProblem } from "./problems.js";

type Booking = Schemas["Booking"];

export interface MyBookingsOptions {
  client: BastionClient;
  services: Schemas["Service"][];
  onPay(booking: Booking): Promise<void>;
}

export function myBookings(options: MyBookingsOptions): {
  element: HTMLElement;
  refresh(): Promise<void>;
} {
  const list = h("ul", { class: "bookings", "aria-labelledby": "bookings-heading" });
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { id: "bookings-heading", tabindex: -1 }, "My bookings"),
    status,
    list,
  );
  const serviceName = (slug: string) =>
    options.services.find((service) => service.slug === slug)?.name ?? slug;

  const refresh = async () => {
    try {
      const { bookings } = unwrap(
        await options.client.api.GET("/api/bookings", { params: { query: {} } }),
      );
      status.textContent = bookings.length ? "" : "No bookings yet.";
      show(list, ...bookings.map((booking) => item(booking)));
    } catch (error) {
      showProblem(error);
    }
  };

  const item = (booking: Booking): HTMLElement => {
    const actions = h("div", { class: "actions" });
    const live =
      booking.status === "held" &&
      (!booking.expiresAt || Date.parse(booking.expiresAt) > Date.now());
    const cancellable = live || booking.status === "confirmed";
    const offerActions = () => {
      const buttons: HTMLButtonElement[] = [];
      if (live) {
        const pay = h("button", { type: "button" }, "Pay now");
        pay.addEventListener("click", () => void busy(pay, () => options.onPay(booking)));
        buttons.push(pay);
      }
      if (cancellable) {
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
      yes.addEventListener(
        "click",
        () =>
          void busy(yes, async () => {
            try {
              await cancelBooking(options.client, booking);
              await refresh();
              status.textContent = "The booking was cancelled.";
            } catch (error) {
              showProblem(error);
            }
          }),
      );
      keep.addEventListener("click", () => {
        offerActions();
        actions.querySelector("button")?.focus();
      });
      show(actions, h("span", {}, "Cancel this booking?"), yes, keep);
      yes.focus();
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
      actions,
    );
  };

  return { element, refresh };
}

async function cancelBooking(client: BastionClient, booking: Booking): Promise<void> {
  const params = { path: { id: booking.id } };
  if (booking.status === "held") {
    unwrap(await client.api.DELETE("/api/bookings/{id}", { params }));
  } else {
    unwrap(await client.api.POST("/api/bookings/{id}/cancel", { params, body: {} }));
  }
}
