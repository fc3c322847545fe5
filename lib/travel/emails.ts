// The flight emails (issue 23), sent through the outbox like every other message, to the
// booking's contact address (opened from the booking at delivery, never stored in the outbox):
// - flight_booking_confirmed: the itinerary, the travellers and the booking reference, once the
//   booking is paid and confirmed (confirm_flight_booking queues it);
// - flight_booking_cancelled: when the traveller cancels a paid booking (cancel_flight_booking).
// English, as the operations alert and the shop emails are.
import * as z from "zod";
import { renderEmail } from "../notify/templates/email-layout.js";
import { smsBody } from "../notify/templates/sms.js";
import { defineTemplate } from "../notify/templates/template.js";
import { httpLink, line, practiceName } from "../notify/templates/variables.js";

const Flight = z.object({
  flightNumber: line(12).describe("The flight's number, e.g. BA117"),
  origin: line(3).describe("IATA code of the departure airport"),
  destination: line(3).describe("IATA code of the arrival airport"),
  departureTime: line(40).describe("Departure (ISO 8601 instant)"),
  arrivalTime: line(40).describe("Arrival (ISO 8601 instant)"),
});

const Booking = {
  practiceName: practiceName(),
  reference: line(8).describe("Bastion's booking reference"),
  airlineReference: line(50).nullable().describe("The airline's reference (PNR), when ticketed"),
  travelers: z.array(line(130)).min(1).max(9).describe("The travellers' names"),
  flights: z.array(Flight).min(1).max(12).describe("The flights, in order"),
  totalMinor: z.number().int().min(0).describe("The total in minor units"),
  currency: line(3).describe("ISO 4217"),
  bookingUrl: httpLink().describe("Where the traveller opens the booking"),
};

function money(totalMinor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return `${(totalMinor / 10 ** digits).toFixed(digits)} ${currency}`;
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const flightLine = (f: z.infer<typeof Flight>) =>
  `${f.flightNumber} ${f.origin} ${when(f.departureTime)} → ${f.destination} ${when(f.arrivalTime)}`;

export const flightBookingConfirmed = defineTemplate({
  description: "Sent when a flight booking is paid and confirmed: itinerary and reference.",
  variables: z.strictObject(Booking),
  render(v, resolved) {
    const subject = `Your flight booking ${v.reference} is confirmed`;
    const rendered = renderEmail(
      {
        subject,
        preheader: `${v.flights[0]?.origin} → ${v.flights.at(-1)?.destination}, ${money(v.totalMinor, v.currency)}`,
        heading: "Your flight is booked",
        paragraphs: [
          `Booking reference ${v.reference}${v.airlineReference ? ` (airline reference ${v.airlineReference})` : ""}.`,
          ...v.flights.map(flightLine),
        ],
        details: [
          ["Reference", v.reference],
          ["Travellers", v.travelers.join(", ")],
          ["Total paid", money(v.totalMinor, v.currency)],
        ],
        action: {
          label: "View the booking",
          url: v.bookingUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: [],
        footer: `You get this email because you booked these flights with ${v.practiceName}.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(`${v.practiceName}: ${subject}`, v.bookingUrl) };
  },
});

export const flightBookingCancelled = defineTemplate({
  description: "Sent when the traveller cancels a paid flight booking; the refund follows.",
  variables: z.strictObject(Booking),
  render(v, resolved) {
    const subject = `Your flight booking ${v.reference} is cancelled`;
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: "Your flight booking is cancelled",
        paragraphs: [
          `Booking ${v.reference} is cancelled and ${money(v.totalMinor, v.currency)} is being refunded to the card it was paid with.`,
          ...v.flights.map(flightLine),
        ],
        details: [
          ["Reference", v.reference],
          ["Travellers", v.travelers.join(", ")],
        ],
        action: {
          label: "View the booking",
          url: v.bookingUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: [],
        footer: `You get this email because you booked these flights with ${v.practiceName}.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(`${v.practiceName}: ${subject}`, v.bookingUrl) };
  },
});
