// The sealed columns of public.bookings and the context each is sealed under (lib/crypto binds
// the context into the ciphertext, so a value copied into another column does not open).
export const BOOKING_SEALED_COLUMNS = {
  customer_name_sealed: "bookings.customer_name",
  customer_email_sealed: "bookings.customer_email",
  customer_phone_sealed: "bookings.customer_phone",
  notes_sealed: "bookings.notes",
} as const;
