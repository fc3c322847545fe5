// Availability when Cal.com schedules the session type: Bastion still computes the day from its
// own facts (working hours, time off, its bookings and live holds, notice and horizon: what
// create_booking will enforce), and a slot is available only when Cal.com's slots for the event
// type offer that start too. Cal.com is asked once per request, for the whole run, in UTC, at
// the same time as the database is read, so it adds no round trip in sequence. A Cal.com that
// fails or does not answer gives 503 service_unavailable: slots it has not confirmed are never
// shown as free.
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import { CalcomError, calcomSlots } from "./client.js";
import { calcomEventType } from "./config.js";

const DAY_MS = 86_400_000;

/**
 * The starts Cal.com offers around the local dates from `from` (`days` of them; a day either
 * side covers every time zone), or undefined when Cal.com does not schedule the session type.
 */
export async function calcomStarts(
  sessionType: string,
  from: string,
  days: number,
): Promise<Set<number> | undefined> {
  const scheduled = calcomEventType(sessionType);
  if (!scheduled) return undefined;
  const first = Date.parse(`${from}T00:00:00Z`);
  const start = new Date(first - DAY_MS).toISOString().slice(0, 10);
  const end = new Date(first + days * DAY_MS).toISOString().slice(0, 10);
  try {
    return await calcomSlots(scheduled.apiKey, scheduled.eventTypeId, start, end);
  } catch (error) {
    if (!(error instanceof CalcomError)) throw error;
    log.warn("calcom_slots_failed", { status: error.status, sessionType });
    throw new ApiError(
      "service_unavailable",
      "The scheduling calendar (Cal.com) did not answer; try again in a moment.",
    );
  }
}

/** Marks unavailable every slot whose start Cal.com does not offer. */
export function onlyOffered<T extends { start: string; available: boolean }>(
  slots: T[],
  offered: Set<number> | undefined,
): T[] {
  if (!offered) return slots;
  return slots.map((slot) =>
    slot.available && !offered.has(Date.parse(slot.start)) ? { ...slot, available: false } : slot,
  );
}
