// The sealed columns of public.flight_bookings and the context each is sealed under.
export const FLIGHT_BOOKING_SEALED_COLUMNS = {
  travelers_sealed: "flight_bookings.travelers",
  contact_email_sealed: "flight_bookings.contact_email",
  contact_phone_sealed: "flight_bookings.contact_phone",
} as const;
