// User-facing paths (bookings) may not reach the service client, which delivery needs, so they
// ask the delivery cron endpoint of this same deployment to run, after their response: one
// internal request, authorized with CRON_SECRET, which never appears in a response or a log.
// Without CRON_SECRET there is nothing to kick; the scheduled sweep delivers instead.
import { env } from "../env.js";
import { log } from "../log.js";
import { afterResponse } from "./after-response.js";

const DELIVERY_PATH = "/api/cron/deliver-notifications";

/** The statuses a booking write leaves when it may have announced something. */
const ANNOUNCING = new Set(["confirmed", "cancelled"]);

/**
 * Awaits a booking write; when it left the booking confirmed or cancelled (the triggers may have
 * enqueued a confirmation, a cancellation or a reschedule), kicks delivery after the response.
 */
export async function thenKickDelivery<T extends { status: string }>(
  request: Request,
  write: Promise<T>,
): Promise<T> {
  const result = await write;
  if (ANNOUNCING.has(result.status)) kickDelivery(request);
  return result;
}

/** Awaits a staff request that queued notifications, then kicks their delivery. */
export async function thenKickQueued<T extends { notificationIds: string[] }>(
  request: Request,
  queued: Promise<T>,
): Promise<T> {
  const result = await queued;
  if (result.notificationIds.length > 0) kickDelivery(request);
  return result;
}

/** Starts delivery of what the request's write enqueued; `request`: whose origin to call. */
function kickDelivery(request: Request): void {
  const secret = env().CRON_SECRET;
  if (secret === undefined) return;
  afterResponse(
    fetch(new URL(DELIVERY_PATH, request.url), {
      headers: { authorization: `Bearer ${secret}` },
    }).then(async (response) => {
      await response.body?.cancel();
      if (!response.ok) log.warn("notification_kick_refused", { status: response.status });
    }),
  );
}
