// The practice's booking rules, in one place. The database enforces them (the functions in
// supabase/migrations/20261121000800_booking_management.sql take the window as an argument);
// the numbers live here so the API documents and sends the same ones.
import { env } from "../env.js";

/** A hold keeps its slot this long for the customer to pay; then it lapses by itself. */
export const HOLD_MINUTES = 10;

/**
 * Customers may reschedule or cancel a confirmed booking, with a full refund, up to this long
 * before it starts (24 hours is the common practice for therapy sessions); after that only staff
 * can. An unpaid hold may always be withdrawn.
 */
export const CHANGE_WINDOW_HOURS = 24;

/** The window as a Postgres interval, for the database functions. */
export const CHANGE_WINDOW_INTERVAL = `${CHANGE_WINDOW_HOURS} hours`;

/** The currency a booking is priced in when the request names none. */
export const defaultCurrency = () => env().BOOKING_CURRENCY ?? "INR";
