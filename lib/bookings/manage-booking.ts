// Reading and changing one booking, by its owner, a guest with its manage token, or staff. Who
// may do what, and every rule (the change window, the slot grid, notice and horizon), is decided
// by the database functions, which read the rules from public.booking_rules and take none as an
// argument, so calling them directly through the Data API gains nothing; here each operation
// only shapes its arguments and its answer.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { sealPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import type { BookingAccess } from "./booking-access.js";
import { callBookingFunction } from "./booking-rpc.js";
import { type BookingDocument, type BookingView, bookingView } from "./booking-view.js";
import { BookingNotes } from "./create-booking.js";
import { BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";
import { minutesOf, TIME_LABEL } from "./slot-choice.js";
import { requireTextableNumber, setSmsReminders } from "./sms-reminders.js";

export const BookingParams = z.strictObject({ id: z.uuid() });

export const BookingChange = z
  .strictObject({
    /** Move to this slot: a local date and a time label from GET /api/availability. */
    date: z.iso.date().optional(),
    time: z.string().regex(TIME_LABEL, "Choose a time, such as 10:00 AM or 14:30").optional(),
    /** Replace the notes; null clears them. */
    notes: BookingNotes.nullable().optional(),
    /** Texts about the booking too (reminders included), to its phone number; false stops them. */
    smsReminders: z.boolean().optional(),
  })
  .refine((change) => (change.date === undefined) === (change.time === undefined), {
    message: "Send date and time together to move the booking",
    path: ["time"],
  })
  .refine(
    (change) =>
      change.date !== undefined || change.notes !== undefined || change.smsReminders !== undefined,
    {
      message: "Send a new date and time, notes, smsReminders, or several",
      path: ["date"],
    },
  );
export type BookingChange = z.infer<typeof BookingChange>;

export const BookingCancellation = z
  .strictObject({ reason: z.string().trim().min(1).max(500).optional() })
  .optional();
export type BookingCancellation = z.infer<typeof BookingCancellation>;

export async function readBooking(access: BookingAccess, id: string): Promise<BookingView> {
  const document = await callBookingFunction(access.client, {
    fn: "read_booking",
    action: "reading a booking",
    args: { p_id: id, p_manage_token_hash: access.manageTokenHash },
  });
  return bookingView(document);
}

/**
 * Reschedules within the policy, replaces the notes and/or turns texts on or off: one
 * transaction (change_booking). A change of the SMS opt-in alone has no time window
 * (set_booking_sms_opt_in): declining texts must always be possible.
 */
export async function changeBooking(
  access: BookingAccess,
  id: string,
  change: BookingChange,
): Promise<BookingView> {
  const move =
    change.date !== undefined && change.time !== undefined
      ? { date: change.date, time: change.time }
      : undefined;
  if (!move && change.notes === undefined && change.smsReminders !== undefined) {
    return bookingView(await setSmsReminders(access, id, change.smsReminders));
  }
  if (change.smsReminders) await requireTextableNumber(access, id);
  const notes = {
    p_change_notes: change.notes !== undefined,
    p_notes_sealed: change.notes
      ? sealPersonalData(change.notes, BOOKING_SEALED_COLUMNS.notes_sealed)
      : null,
    p_sms_opt_in: change.smsReminders ?? null,
  };
  const who = { p_id: id, p_user_id: access.userId, p_manage_token_hash: access.manageTokenHash };
  let document: BookingDocument;
  if (move) {
    const minutes = minutesOf(move.time);
    if (minutes === undefined) {
      throw new ApiError(
        "slot_unavailable",
        `No session starts at ${move.time} on ${move.date}; pick a time from GET /api/availability.`,
      );
    }
    // One round trip: change_booking_at finds the instant the practitioner's clock reads `time`
    // on `date` and moves the booking there with every rule change_booking checks.
    document = await callBookingFunction(access.server, {
      fn: "change_booking_at",
      action: "changing a booking",
      args: { ...who, p_date: move.date, p_minutes: minutes, ...notes },
    });
  } else {
    document = await callBookingFunction(access.server, {
      fn: "change_booking",
      action: "changing a booking",
      args: { ...who, p_start: null, ...notes },
    });
  }
  return bookingView(document);
}

/**
 * Cancels any live booking within the customer's window, or any at all for staff. The refund
 * owed is on the booking.
 */
export function cancelBooking(
  access: BookingAccess,
  id: string,
  cancellation: BookingCancellation,
): Promise<BookingView> {
  return cancel(access, id, { reason: cancellation?.reason ?? null, holdsOnly: false });
}

/** Withdraws an unpaid hold, freeing its slot at once; a confirmed booking is 409. */
export function withdrawHold(access: BookingAccess, id: string): Promise<BookingView> {
  return cancel(access, id, { reason: null, holdsOnly: true });
}

async function cancel(
  access: BookingAccess,
  id: string,
  how: { reason: string | null; holdsOnly: boolean },
): Promise<BookingView> {
  const document = await callBookingFunction(access.client, {
    fn: "cancel_booking",
    action: "cancelling a booking",
    args: {
      p_id: id,
      p_manage_token_hash: access.manageTokenHash,
      p_reason: how.reason,
      p_holds_only: how.holdsOnly,
    },
  });
  return bookingView(document);
}

/** Staff confirm a hold (paid outside the system): the caller must be staff of its practitioner. */
export async function confirmBooking(db: SupabaseClient, id: string): Promise<BookingView> {
  const document = await callBookingFunction(db, {
    fn: "confirm_booking",
    action: "confirming a booking",
    args: { p_id: id },
  });
  return bookingView(document);
}
