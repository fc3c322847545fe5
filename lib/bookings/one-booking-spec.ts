// What the endpoints on one booking share (GET, PUT and DELETE /api/bookings/{id}, POST
// /api/bookings/{id}/cancel): who reaches it, and that a guest's manage token takes the server.
import { BookingView } from "./booking-view.js";
import { BookingParams } from "./manage-booking.js";

export const WHO_REACHES_A_BOOKING =
  "Its customer (signed in), a guest sending the manage token as X-Booking-Token, or staff of its practitioner; anyone else gets 404.";

export const ONE_BOOKING = {
  tags: ["bookings"],
  auth: "optional" as const,
  privileged: {
    ledgerStep:
      "a guest's booking is reached by its manage token, which only the server may present",
  },
  params: BookingParams,
  response: BookingView,
};
