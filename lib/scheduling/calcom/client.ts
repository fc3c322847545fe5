// Cal.com API v2, the few calls Bastion makes (issue 17, item 4), over fetch: no SDK to load.
// - GET /v2/slots?eventTypeId&start&end&timeZone (cal-api-version 2024-09-04): the event type's
//   bookable starts, `{status, data: {"YYYY-MM-DD": [{start}]}}`.
// - POST /v2/bookings, POST /v2/bookings/{uid}/cancel, POST /v2/bookings/{uid}/reschedule
//   (cal-api-version 2026-02-25): `{status, data: {id, uid, start, …}}`. A reschedule answers
//   the new booking, with a new uid.
// Every call sends the API key as a Bearer token and the endpoint's cal-api-version (Cal.com
// falls back to an older version of an endpoint without it). The key never leaves this file:
// errors say the endpoint and Cal.com's status, never the key, a body or a customer.
import { env, localStackEnabled } from "../../env.js";
import { log } from "../../log.js";

const CALCOM_API = "https://api.cal.com";
export const SLOTS_API_VERSION = "2024-09-04";
export const BOOKINGS_API_VERSION = "2026-02-25";
/** A hung Cal.com must not hold a request (or the sync) until the platform kills it. */
const TIMEOUT_MS = 8_000;

/** Cal.com refused or failed a call; `status` 0 when it did not answer at all. */
export class CalcomError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
  ) {
    super(`cal.com ${endpoint}: ${status === 0 ? "no answer" : status}`);
    this.name = "CalcomError";
  }
  /** Worth trying again later: no answer, rate limited, or Cal.com's own failure. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface CalcomBooking {
  id: number;
  uid: string;
  start: string;
}

/** CALCOM_API_URL, for tests and local fakes; honoured only on the local stack. */
export function calcomApiAddress(): string {
  const url = env().CALCOM_API_URL;
  if (url === undefined) return CALCOM_API;
  if (!localStackEnabled()) {
    log.warn("calcom_api_url_ignored", { reason: "CALCOM_API_URL is for local use only" });
    return CALCOM_API;
  }
  return url.replace(/\/+$/, "");
}

async function call(
  apiKey: string,
  endpoint: string,
  version: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${calcomApiAddress()}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "cal-api-version": version,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new CalcomError(endpoint, 0);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CalcomError(endpoint, response.status);
  }
  const answer = (await response.json().catch(() => null)) as { data?: unknown } | null;
  if (answer === null || typeof answer !== "object") throw new CalcomError(endpoint, 502);
  return answer.data;
}

/** The event type's bookable starts from `start` to `end` (dates, inclusive), as instants (ms). */
export async function calcomSlots(
  apiKey: string,
  eventTypeId: number,
  start: string,
  end: string,
): Promise<Set<number>> {
  const query = new URLSearchParams({
    eventTypeId: String(eventTypeId),
    start,
    end,
    timeZone: "UTC",
  });
  const data = await call(apiKey, "slots", SLOTS_API_VERSION, `/v2/slots?${query}`);
  const starts = new Set<number>();
  if (data && typeof data === "object") {
    for (const day of Object.values(data as Record<string, unknown>)) {
      if (!Array.isArray(day)) continue;
      for (const slot of day as { start?: unknown }[]) {
        const at = typeof slot?.start === "string" ? Date.parse(slot.start) : Number.NaN;
        if (!Number.isNaN(at)) starts.add(at);
      }
    }
  }
  return starts;
}

function bookingOf(endpoint: string, data: unknown): CalcomBooking {
  const booking = (Array.isArray(data) ? data[0] : data) as Partial<CalcomBooking> | undefined;
  if (typeof booking?.uid !== "string" || typeof booking.id !== "number") {
    throw new CalcomError(endpoint, 502);
  }
  return { id: booking.id, uid: booking.uid, start: String(booking.start ?? "") };
}

export async function calcomCreateBooking(
  apiKey: string,
  request: {
    eventTypeId: number;
    start: string;
    attendee: { name: string; email: string; timeZone: string };
    /** Ours, so a booking seen on Cal.com can be traced back (no personal data). */
    metadata: Record<string, string>;
  },
): Promise<CalcomBooking> {
  return bookingOf(
    "create booking",
    await call(apiKey, "create booking", BOOKINGS_API_VERSION, "/v2/bookings", request),
  );
}

export async function calcomCancelBooking(
  apiKey: string,
  uid: string,
  cancellationReason: string,
): Promise<void> {
  await call(
    apiKey,
    "cancel booking",
    BOOKINGS_API_VERSION,
    `/v2/bookings/${encodeURIComponent(uid)}/cancel`,
    { cancellationReason },
  );
}

export async function calcomRescheduleBooking(
  apiKey: string,
  uid: string,
  start: string,
  reschedulingReason: string,
): Promise<CalcomBooking> {
  return bookingOf(
    "reschedule booking",
    await call(
      apiKey,
      "reschedule booking",
      BOOKINGS_API_VERSION,
      `/v2/bookings/${encodeURIComponent(uid)}/reschedule`,
      { start, reschedulingReason },
    ),
  );
}
