// Making Cal.com match our bookings (issue 17, item 4). Bastion's booking is the record: it is
// made, paid for, cancelled and moved here, in one transaction each, whether Cal.com is up or
// not. public.calcom_bookings links each booking of a Cal.com-scheduled session type to its
// Cal.com booking and is marked dirty by the database whenever the booking is confirmed,
// cancelled or moved (supabase/migrations/20261121001400_calcom.sql). This sync claims dirty
// rows and sends Cal.com what changed:
// - confirmed, not yet on Cal.com → POST /v2/bookings (its uid and id are stored);
// - cancelled or expired, on Cal.com → POST /v2/bookings/{uid}/cancel;
// - confirmed at another start than Cal.com's → POST /v2/bookings/{uid}/reschedule (the new
//   uid is stored);
// - anything else (a hold still waiting for payment) → nothing yet.
// It runs after every response that may have changed a booking, with the notification delivery
// (lib/notify/outbox/deliver.ts), and with each delivery sweep, which retries what failed: a
// Cal.com 5xx, 429 or timeout is tried again with backoff (2^attempts minutes, eight attempts);
// a 4xx is recorded on the row for staff and not retried. Nothing here ever undoes a booking.
// Logged and recorded: the booking id, the step and Cal.com's status; never the API key or a
// customer's name or email (opened here only to send them to Cal.com).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { BOOKING_SEALED_COLUMNS } from "../../bookings/sealed-columns.js";
import { openPersonalData } from "../../crypto/personal-data.js";
import { log } from "../../log.js";
import {
  CalcomError,
  calcomCancelBooking,
  calcomCreateBooking,
  calcomRescheduleBooking,
} from "./client.js";
import { calcomConfig } from "./config.js";

const BATCH = 10;
/**
 * Rounds of claims per run: a booking that changed while its sync was in flight is due again at
 * once, and the next round takes it (a failed one waits for its backoff, so rounds end).
 */
const MAX_ROUNDS = 5;

const ClaimedLink = z.object({
  bookingId: z.uuid(),
  eventTypeId: z.coerce.number().int(),
  calcomUid: z.string().nullable(),
  calcomStart: z.string().nullable(),
  calcomCancelled: z.boolean(),
  attempts: z.coerce.number().int(),
  /** Kept as Postgres wrote it (microseconds): the claim is matched exactly. */
  claimedUntil: z.string(),
  /** How many times the booking had changed at the claim; a later change makes the row due again. */
  changes: z.coerce.number().int(),
  status: z.string(),
  start: z.string(),
  timeZone: z.string(),
  customerNameSealed: z.string().nullable(),
  customerEmailSealed: z.string().nullable(),
  cancellationReason: z.string().nullable(),
});
type ClaimedLink = z.infer<typeof ClaimedLink>;

export interface CalcomSync {
  synced: number;
  failed: number;
}

/** One pass over the due rows; does nothing when Cal.com is not configured. */
export async function syncCalcomBookings(service: SupabaseClient): Promise<CalcomSync> {
  const outcome: CalcomSync = { synced: 0, failed: 0 };
  const config = calcomConfig();
  if (!config) return outcome;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const { data, error } = await service.rpc("calcom_sync_claim", { p_limit: BATCH });
    if (error) throw new Error(`claiming Cal.com syncs failed: ${error.code} ${error.message}`);
    const links = z.array(ClaimedLink).parse(data);
    if (links.length === 0) break;
    const results = await Promise.all(links.map((link) => syncOne(service, config.apiKey, link)));
    for (const ok of results) outcome[ok ? "synced" : "failed"] += 1;
  }
  return outcome;
}

const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

async function syncOne(
  service: SupabaseClient,
  apiKey: string,
  link: ClaimedLink,
): Promise<boolean> {
  const live = link.status === "confirmed" || link.status === "completed";
  const gone = link.status === "cancelled" || link.status === "expired";
  let step = "none";
  try {
    let done: { uid?: string; id?: number; start?: string; cancelled?: boolean } = {};
    if (live && link.calcomUid === null && !link.calcomCancelled) {
      step = "create";
      const made = await calcomCreateBooking(apiKey, {
        eventTypeId: link.eventTypeId,
        start: new Date(link.start).toISOString(),
        attendee: attendeeOf(link),
        metadata: { bastionBookingId: link.bookingId },
      });
      done = { uid: made.uid, id: made.id, start: link.start };
    } else if (gone && link.calcomUid !== null && !link.calcomCancelled) {
      step = "cancel";
      await calcomCancelBooking(
        apiKey,
        link.calcomUid,
        link.cancellationReason ?? "Cancelled in the practice's booking system",
      );
      done = { cancelled: true };
    } else if (
      link.status === "confirmed" &&
      link.calcomUid !== null &&
      !link.calcomCancelled &&
      !sameInstant(link.calcomStart, link.start)
    ) {
      step = "reschedule";
      const moved = await calcomRescheduleBooking(
        apiKey,
        link.calcomUid,
        new Date(link.start).toISOString(),
        "Moved in the practice's booking system",
      );
      done = { uid: moved.uid, id: moved.id, start: link.start };
    }
    const { error } = await service.rpc("calcom_sync_done", {
      p_booking_id: link.bookingId,
      p_claimed_until: link.claimedUntil,
      p_changes: link.changes,
      p_uid: done.uid ?? null,
      p_id: done.id ?? null,
      p_start: done.start ?? null,
      p_cancelled: done.cancelled ?? false,
    });
    if (error) throw new Error(`recording a Cal.com sync failed: ${error.code} ${error.message}`);
    return true;
  } catch (error) {
    const calcom = error instanceof CalcomError ? error : undefined;
    const reason = calcom ? calcom.message : "sync_error";
    log.warn("calcom_sync_failed", {
      bookingId: link.bookingId,
      step,
      attempt: link.attempts,
      status: calcom?.status,
      ...(!calcom && { error }),
    });
    const { error: failed } = await service.rpc("calcom_sync_failed", {
      p_booking_id: link.bookingId,
      p_claimed_until: link.claimedUntil,
      p_error: `${step}: ${reason}`,
      p_final: calcom !== undefined && !calcom.retryable,
    });
    if (failed) log.error("calcom_sync_not_recorded", { bookingId: link.bookingId });
    return false;
  }
}

/** Cal.com needs a name and an email; a booking whose customer data was erased gets neither. */
function attendeeOf(link: ClaimedLink) {
  if (link.customerNameSealed === null || link.customerEmailSealed === null) {
    throw new CalcomError("create booking: no attendee", 422);
  }
  return {
    name: openPersonalData(link.customerNameSealed, BOOKING_SEALED_COLUMNS.customer_name_sealed),
    email: openPersonalData(link.customerEmailSealed, BOOKING_SEALED_COLUMNS.customer_email_sealed),
    timeZone: link.timeZone,
  };
}
