// The flight operations' examples for the OpenAPI document (lib/openapi/examples.ts spreads them
// in): one story — a return-less London → Barcelona flight a month ahead, booked and paid — with
// dates counted from when the document is built.
import type * as z from "zod";
import type { FlightBookingView } from "./booking-row.js";
import type { FlightBookingList, FlightBookingRequest } from "./bookings.js";
import type { FlightOffer } from "./offer.js";
import type { ConfirmedFlightOffer } from "./offer-details.js";
import type { FlightPaymentStarted } from "./payment.js";
import type { FlightSearchResult } from "./search.js";
import type { FlightSearchRequest } from "./search-request.js";

const BOOKING_ID = "4b1d7e93-2c8a-4f5e-9d6b-0a3c5e7f9b21";
const PAYMENT_ID = "8e2a4c6f-0b1d-4e3a-9c5b-7d9f1a3c5e02";
/** What a sealed token looks like (opaque to clients; this one opens nowhere). */
const OFFER_TOKEN =
  "v1.k2025.W0wbzVb3hW3u8Tj-.Fz3pQ1x7Yk9aR2mC5nL8vB0dG4hJ6kS1tU3wX5yZ7qE9rT2uI4oP6aD8fG0hJ2k.Qm4n6B8v0C2x4Z6a8S0d2F";

function day(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export function flightExamples(now: Date) {
  const date = day(now, 30);
  const departs = `${date}T07:25:00.000Z`;
  const arrives = `${date}T10:40:00.000Z`;
  const search = {
    origin: "LHR",
    destination: "BCN",
    departureDate: date,
    adults: 1,
    currency: "EUR",
  } satisfies z.input<typeof FlightSearchRequest>;
  const offer: z.output<typeof FlightOffer> = {
    offerToken: OFFER_TOKEN,
    provider: "kiwi",
    origin: "LHR",
    destination: "BCN",
    departureAirport: "LHR",
    arrivalAirport: "BCN",
    departureTime: departs,
    arrivalTime: arrives,
    durationMinutes: 135,
    stops: 0,
    price: 89.5,
    priceMinor: 8950,
    currency: "EUR",
    airline: "VY",
    airlines: ["VY"],
    deepLink: "https://www.kiwi.com/deep?booking_token=…",
    segments: [
      {
        direction: "outbound",
        origin: "LHR",
        destination: "BCN",
        departureTime: departs,
        arrivalTime: arrives,
        carrier: "VY",
        flightNumber: "VY7821",
        durationMinutes: 135,
      },
    ],
    baggage: { cabinBags: 1, checkedBags: 0 },
    conditions: null,
    documentsRequired: true,
    expiresAt: null,
  };
  const result: z.output<typeof FlightSearchResult> = {
    query: {
      origin: "LHR",
      destination: "BCN",
      departureDate: date,
      returnDate: null,
      adults: 1,
      children: 0,
      infants: 0,
      currency: "EUR",
      cabin: "economy",
      maxStops: null,
      sort: "price",
      limit: 20,
    },
    searchedAt: now.toISOString(),
    cache: "miss",
    offers: [offer],
  };
  const confirmed: z.output<typeof ConfirmedFlightOffer> = {
    offer,
    priceChanged: false,
    previousPriceMinor: 8950,
    confirmedAt: now.toISOString(),
  };
  const request: z.input<typeof FlightBookingRequest> = {
    offerToken: OFFER_TOKEN,
    travelers: [
      {
        type: "adult",
        givenName: "Priya",
        familyName: "Sharma",
        gender: "f",
        dateOfBirth: "1991-04-12",
        nationality: "GB",
        document: { number: "123456789", expiresOn: day(now, 2000) },
      },
    ],
    contact: { email: "priya@example.com", phone: "+447700900123" },
  };
  const booking: z.output<typeof FlightBookingView> = {
    id: BOOKING_ID,
    reference: "K7QM2XPA",
    status: "pending_payment",
    paymentStatus: "unpaid",
    amountMinor: 8950,
    price: 89.5,
    currency: "EUR",
    provider: "kiwi",
    origin: "LHR",
    destination: "BCN",
    departureTime: departs,
    arrivalTime: arrives,
    airline: "VY",
    stops: 0,
    segments: offer.segments,
    travelers: [{ type: "adult", givenName: "Priya", familyName: "Sharma" }],
    providerBookingReference: null,
    refundMinor: null,
    cancellable: true,
    createdAt: now.toISOString(),
    confirmedAt: null,
    cancelledAt: null,
  };
  const confirmedBooking = {
    ...booking,
    status: "confirmed" as const,
    paymentStatus: "paid" as const,
    cancellable: false,
    confirmedAt: now.toISOString(),
  };
  const list: z.output<typeof FlightBookingList> = { bookings: [confirmedBooking] };
  const payment: z.output<typeof FlightPaymentStarted> = {
    paymentId: PAYMENT_ID,
    provider: "stripe",
    amount: 8950,
    currency: "EUR",
    clientSecret: "pi_3QfL2x7Yk9aR2mC5_secret_nL8vB0dG4hJ6kS1tU3wX",
    paymentIntentId: "pi_3QfL2x7Yk9aR2mC5",
  };
  return {
    "GET /api/flights/search": { parameters: search, response: result },
    "POST /api/flights/search": { request: search, response: result },
    "GET /api/flights/{offerToken}": {
      parameters: { offerToken: OFFER_TOKEN },
      response: confirmed,
    },
    "GET /api/flights/bookings": { response: list },
    "POST /api/flights/bookings": { request, response: booking },
    "GET /api/flights/bookings/{id}": {
      parameters: { id: BOOKING_ID },
      response: confirmedBooking,
    },
    "POST /api/flights/bookings/{id}/pay": { parameters: { id: BOOKING_ID }, response: payment },
    "POST /api/flights/bookings/{id}/cancel": {
      parameters: { id: BOOKING_ID },
      response: {
        ...booking,
        status: "cancelled" as const,
        cancellable: false,
        cancelledAt: now.toISOString(),
      },
    },
  } satisfies Record<
    string,
    { parameters?: Record<string, string | number>; request?: unknown; response?: unknown }
  >;
}
