// Valid variables for every template: each test changes only what it is about.
import type { TemplateName } from "../../../lib/notify/templates/registry.js";
import type { TemplateVariables } from "../../../lib/notify/templates/render.js";

export const BOOKING_ID = "6f1c2b1e-2f57-4d7e-9a4b-0b8f6f0a8c11";
export const MANAGE_URL = `https://app.example.com/bookings/${BOOKING_ID}`;

const booking = {
  customerName: "Asha Rao",
  practiceName: "Calm Minds",
  sessionTypeName: "Initial consultation",
  // 2026-06-01 10:00–10:50 in New York (EDT, UTC−4).
  startsAt: "2026-06-01T14:00:00Z",
  endsAt: "2026-06-01T14:50:00Z",
  timeZone: "America/New_York",
  format: "video",
  bookingId: BOOKING_ID,
  manageUrl: MANAGE_URL,
} as const;

const calendar = {
  practiceEmail: "hello@calm.example",
  updatedAt: "2026-05-20T09:30:00Z",
};

export const VALID_VARIABLES: { [Name in TemplateName]: TemplateVariables<Name> } = {
  welcome: {
    name: "Asha Rao",
    practiceName: "Calm Minds",
    appUrl: "https://app.example.com/",
  },
  account_exists: {
    name: "Asha Rao",
    practiceName: "Calm Minds",
    appUrl: "https://app.example.com/",
  },
  password_reset: {
    practiceName: "Calm Minds",
    resetUrl: "https://app.example.com/reset-password#token=abc",
    expiresInMinutes: 60,
  },
  booking_confirmation: { ...booking, ...calendar },
  booking_reminder: { ...booking, kind: "24h" },
  booking_cancellation: {
    customerName: booking.customerName,
    practiceName: booking.practiceName,
    sessionTypeName: booking.sessionTypeName,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    timeZone: booking.timeZone,
    bookingId: booking.bookingId,
    ...calendar,
    updatedAt: "2026-05-25T12:00:00Z",
    bookAgainUrl: "https://app.example.com/book",
  },
  booking_rescheduled: {
    ...booking,
    ...calendar,
    updatedAt: "2026-05-22T08:00:00Z",
    previousStartsAt: "2026-05-29T14:00:00Z",
  },
  payment_receipt: {
    customerName: "Asha Rao",
    practiceName: "Calm Minds",
    amountMinor: 250000,
    currency: "INR",
    paymentId: "d0c5a3c2-8f53-4d3c-9f0e-2d8f3c1b7a10",
    paidAt: "2026-05-20T09:30:00Z",
    timeZone: "Asia/Kolkata",
    sessionTypeName: "Initial consultation",
  },
  refund_issued: {
    customerName: "Asha Rao",
    practiceName: "Calm Minds",
    amountMinor: 250000,
    currency: "INR",
    refundId: "rfnd_29QQoUBi66xm2f",
    reason: "Cancelled by the practice",
  },
  operations_alert: {
    practiceName: "Calm Minds",
    state: "opened",
    title: "Provider webhook events not processed",
    condition: "webhook_events_failing",
    count: 2,
    oldestAt: "2026-05-20T09:30:00Z",
    ids: ["41", "42"],
    operationsUrl: "https://app.example.com/staff",
  },
  shop_order_received: {
    shopName: "Calm Minds",
    customerName: "Asha Rao",
    orderId: "7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42",
    items: [{ name: "Blue mug", quantity: 2 }],
    totalMinor: 2400,
    currency: "EUR",
    orderUrl:
      "https://app.example.com/shops/3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13/orders/7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42",
  },
  shop_contact_received: {
    shopName: "Calm Minds",
    customerName: "Asha Rao",
    formName: "Ask us",
    submissionsUrl: "https://app.example.com/shops/3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13",
  },
  shop_order_confirmation: {
    shopName: "Calm Minds",
    customerName: "Asha Rao",
    orderId: "7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42",
    items: [{ name: "Blue mug", quantity: 2 }],
    totalMinor: 2400,
    currency: "EUR",
  },
  shop_order_status: {
    shopName: "Calm Minds",
    customerName: "Asha Rao",
    orderId: "7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42",
    status: "processing",
  },
  shop_invitation: {
    name: "Asha Rao",
    shopName: "Calm Minds",
    role: "agent",
    expiresAt: "2026-05-27T09:30:00Z",
    acceptUrl:
      "https://app.example.com/shops/3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13/invitations/c8e2b5d1-7f4a-4c9e-b1d3-6a8f2e5c9b14",
  },
  flight_booking_confirmed: {
    practiceName: "Calm Minds",
    reference: "K7QM2XPA",
    airlineReference: "ABC123",
    travelers: ["Asha Rao"],
    flights: [
      {
        flightNumber: "BA117",
        origin: "LHR",
        destination: "JFK",
        departureTime: "2026-06-01T10:25:00.000Z",
        arrivalTime: "2026-06-01T18:10:00.000Z",
      },
    ],
    totalMinor: 21040,
    currency: "GBP",
    bookingUrl:
      "https://app.example.com/app/#/flights/bookings/4b1d7e93-2c8a-4f5e-9d6b-0a3c5e7f9b21",
  },
  flight_booking_cancelled: {
    practiceName: "Calm Minds",
    reference: "K7QM2XPA",
    airlineReference: null,
    travelers: ["Asha Rao"],
    flights: [
      {
        flightNumber: "BA117",
        origin: "LHR",
        destination: "JFK",
        departureTime: "2026-06-01T10:25:00.000Z",
        arrivalTime: "2026-06-01T18:10:00.000Z",
      },
    ],
    totalMinor: 21040,
    currency: "GBP",
    bookingUrl:
      "https://app.example.com/app/#/flights/bookings/4b1d7e93-2c8a-4f5e-9d6b-0a3c5e7f9b21",
  },
};
