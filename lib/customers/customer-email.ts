// One lookup hash for a customer's email wherever it is stored (bookings, consent records), so a
// consent given before booking is found by the booking's email without either holding it in the
// clear. The context is shared on purpose; everything else about a customer is sealed per column.
import { lookupHash, normalizeEmail } from "../crypto/personal-data.js";

const CUSTOMER_EMAIL_HASH_CONTEXT = "customer.email";

/** The keyed HMAC of the normalized email, as bookings and consent_records store it. */
export function customerEmailHash(email: string): string {
  return lookupHash(normalizeEmail(email), CUSTOMER_EMAIL_HASH_CONTEXT);
}
