// The practice's booking rules as the API documents them. The database keeps and enforces them
// (public.booking_rules, read by the booking functions, which take no rule as an argument); these
// are the values its migration installs, and a test checks they agree.
import { env } from "../env.js";

/** A hold keeps its slot this long for the customer to pay; then it lapses by itself. */
export const HOLD_MINUTES = 10;

/**
 * Customers may reschedule or cancel a confirmed booking, with a full refund, up to this long
 * before it starts (24 hours is the common practice for therapy sessions); after that only staff
 * can. An unpaid hold may always be withdrawn.
 */
export const CHANGE_WINDOW_HOURS = 24;

/** The currency a booking is priced in when the request names none. */
export const defaultCurrency = () => env().BOOKING_CURRENCY ?? "INR";
