// How notifications name and link the practice: from configuration, with defaults that make the
// local stack's messages readable. Links point at the app (APP_URL), never at this API.
import { appUrl, env, localStackEnabled, requireConfig } from "../env.js";

const DEFAULT_PRACTICE_NAME = "Bastion Practice";
/** The local stand-in organizer of calendar events; a deployment must name a real address. */
const LOCAL_PRACTICE_EMAIL = "practice@example.com";
/** The address inside `Name <address>`, or the whole value when it is a bare address. */
const ADDRESS = /<([^<>\s]+@[^<>\s]+)>\s*$|^([^<>\s]+@[^<>\s]+)$/;

export const practiceName = () => env().PRACTICE_NAME ?? DEFAULT_PRACTICE_NAME;

/**
 * The booking's page in the app, where the customer signs in (or opens the link from their
 * booking confirmation page) to manage it. Deliberately without a guest manage token: that token
 * is shown once, at booking, and must never sit in a stored or forwarded email or SMS.
 */
export const manageUrl = (bookingId: string) => `${appUrl()}/bookings/${bookingId}`;

/** PRACTICE_EMAIL, else EMAIL_FROM's address; 503 provider_not_configured outside the local stack. */
export function practiceEmail(): string {
  const { PRACTICE_EMAIL, EMAIL_FROM } = env();
  const fromAddress = EMAIL_FROM === undefined ? undefined : ADDRESS.exec(EMAIL_FROM.trim());
  const address = PRACTICE_EMAIL ?? fromAddress?.[1] ?? fromAddress?.[2];
  if (address !== undefined) return address;
  if (localStackEnabled()) return LOCAL_PRACTICE_EMAIL;
  return requireConfig("Notification email", "PRACTICE_EMAIL").PRACTICE_EMAIL;
}
