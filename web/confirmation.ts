// What the customer sees once a booking is settled: the session, when, how, and the price.
import type { Schemas } from "../client/bastion-client.js";
import { formatMoney } from "../lib/catalogue/money.js";
import { h } from "./dom.js";
import { FORMAT_NAMES, when } from "./format.js";

export function confirmation(booking: Schemas["Booking"], serviceName: string): HTMLElement {
  const confirmed = booking.status === "confirmed";
  return h(
    "section",
    { class: "card confirmation", "aria-labelledby": "confirmation-heading" },
    h(
      "h2",
      { id: "confirmation-heading", tabindex: -1 },
      confirmed ? "Booking confirmed" : "Booking received",
    ),
    h(
      "dl",
      {},
      h("dt", {}, "Session"),
      h("dd", {}, serviceName),
      h("dt", {}, "When"),
      h("dd", {}, when(booking)),
      h("dt", {}, "Format"),
      h("dd", {}, FORMAT_NAMES[booking.format]),
      h("dt", {}, "Price"),
      h("dd", {}, formatMoney(booking.price.amountMinor, booking.price.currency)),
      h("dt", {}, "Status"),
      h("dd", { class: "status" }, booking.status),
    ),
    confirmed
      ? h("p", {}, "A confirmation email with a calendar invitation is on its way.")
      : h("p", {}, "The payment is being confirmed; this page's list below shows when it is."),
  );
}
