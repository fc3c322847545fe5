// A network-level fake of the part of Cal.com's API v2 that Bastion calls, pointed at with
// CALCOM_API_URL: GET /v2/slots (cal-api-version 2024-09-04) and POST /v2/bookings,
// /v2/bookings/{uid}/cancel and /v2/bookings/{uid}/reschedule (cal-api-version 2026-02-25),
// behind `Authorization: Bearer <key>`. A request without the key gets 401; one without the
// endpoint's cal-api-version gets 400 (Cal.com would answer an older version's shape). Answers
// are Cal.com's envelope, `{status: "success", data}`. Tests play the practice's Cal.com through
// offer() (the event type's bookable starts) and failNext() (an outage), read what was sent in
// `requests` and `bookings`, and sign webhook deliveries with calcomWebhook().
import { createHmac, randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export const FAKE_SLOTS_VERSION = "2024-09-04";
export const FAKE_BOOKINGS_VERSION = "2026-02-25";

export interface FakeCalcomBooking {
  id: number;
  uid: string;
  eventTypeId: number;
  start: string;
  status: "accepted" | "cancelled";
  attendee: { name: string; email: string; timeZone: string };
  metadata: Record<string, string>;
  cancellationReason?: string;
  rescheduledFromUid?: string;
  rescheduledToUid?: string;
}

export interface FakeCalcomRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorized: boolean;
  version: string | null;
  /** Every header as sent, to check nothing else carries the key. */
  headers: Record<string, string>;
}

export interface FakeCalcom {
  url: string;
  requests: FakeCalcomRequest[];
  bookings: Map<string, FakeCalcomBooking>;
  /** The event type's bookable starts (UTC ISO instants), replacing what it offered before. */
  offer(eventTypeId: number, starts: readonly string[]): void;
  /** The next `count` requests (any endpoint) answer `status` (an outage: 503). */
  failNext(count: number, status?: number): void;
  /**
   * The next request waits: `arrived` settles when it comes in, and it is answered (as usual)
   * only after release(), so a test can act while Bastion waits on Cal.com.
   */
  holdNext(): { arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

let nextId = 7_000_000;
const newUid = () => randomBytes(11).toString("base64url");

export async function startFakeCalcom(apiKey: string): Promise<FakeCalcom> {
  const offered = new Map<number, string[]>();
  const bookings = new Map<string, FakeCalcomBooking>();
  const requests: FakeCalcomRequest[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let hold: { arrive(): void; released: Promise<void> } | undefined;

  const ok = (status: number, data: unknown) =>
    Response.json({ status: "success", data }, { status });
  const error = (status: number, message: string) =>
    Response.json({ status: "error", error: { code: String(status), message } }, { status });

  function slots(query: Record<string, string>) {
    const eventTypeId = Number(query.eventTypeId);
    if (!query.start || !query.end || !offered.has(eventTypeId)) {
      return error(400, "eventTypeId, start and end are required");
    }
    const from = Date.parse(`${query.start.slice(0, 10)}T00:00:00Z`);
    const to = Date.parse(`${query.end.slice(0, 10)}T00:00:00Z`) + 86_400_000;
    const taken = new Set(
      [...bookings.values()]
        .filter((b) => b.eventTypeId === eventTypeId && b.status === "accepted")
        .map((b) => Date.parse(b.start)),
    );
    const days: Record<string, { start: string }[]> = {};
    for (const start of offered.get(eventTypeId) ?? []) {
      const at = Date.parse(start);
      if (at < from || at >= to || taken.has(at)) continue;
      const day = new Date(at).toISOString().slice(0, 10);
      days[day] = [...(days[day] ?? []), { start: new Date(at).toISOString() }];
    }
    return ok(200, days);
  }

  function create(body: Record<string, unknown>, rescheduledFromUid?: string) {
    const attendee = body.attendee as FakeCalcomBooking["attendee"] | undefined;
    if (
      typeof body.eventTypeId !== "number" ||
      typeof body.start !== "string" ||
      !attendee?.email
    ) {
      return undefined;
    }
    const booking: FakeCalcomBooking = {
      id: nextId++,
      uid: newUid(),
      eventTypeId: body.eventTypeId,
      start: new Date(body.start).toISOString(),
      status: "accepted",
      attendee,
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      ...(rescheduledFromUid && { rescheduledFromUid }),
    };
    bookings.set(booking.uid, booking);
    return booking;
  }

  function route(method: string, path: string, query: Record<string, string>, body: unknown) {
    const parts = path.split("/").filter(Boolean);
    if (method === "GET" && path === "/v2/slots") return slots(query);
    if (method !== "POST" || parts[0] !== "v2" || parts[1] !== "bookings") {
      return error(404, "Not found");
    }
    const input = (body ?? {}) as Record<string, unknown>;
    if (parts.length === 2) {
      const made = create(input);
      return made ? ok(201, made) : error(400, "eventTypeId, start and attendee are required");
    }
    const existing = bookings.get(decodeURIComponent(parts[2] ?? ""));
    if (!existing) return error(404, "Booking not found");
    if (parts[3] === "cancel") {
      if (existing.status === "cancelled") return error(400, "Booking already cancelled");
      existing.status = "cancelled";
      existing.cancellationReason = String(input.cancellationReason ?? "");
      return ok(200, existing);
    }
    if (parts[3] === "reschedule") {
      if (existing.status === "cancelled")
        return error(400, "Cannot reschedule a cancelled booking");
      const moved = create(
        {
          ...input,
          eventTypeId: existing.eventTypeId,
          attendee: existing.attendee,
          metadata: existing.metadata,
        },
        existing.uid,
      );
      if (!moved) return error(400, "start is required");
      existing.status = "cancelled";
      existing.rescheduledToUid = moved.uid;
      return ok(201, moved);
    }
    return error(404, "Not found");
  }

  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const body = text === "" ? undefined : (JSON.parse(text) as unknown);
      const version = request.headers.get("cal-api-version");
      const authorized = request.headers.get("authorization") === `Bearer ${apiKey}`;
      requests.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        authorized,
        version,
        headers: Object.fromEntries(request.headers),
      });
      if (!authorized) return error(401, "Invalid API key");
      const wanted = url.pathname === "/v2/slots" ? FAKE_SLOTS_VERSION : FAKE_BOOKINGS_VERSION;
      if (version !== wanted) return error(400, `cal-api-version must be ${wanted}`);
      const held = hold;
      hold = undefined;
      if (held) {
        held.arrive();
        await held.released;
      }
      if (failures.count > 0) {
        failures.count -= 1;
        return error(failures.status, "Service unavailable");
      }
      return route(request.method, url.pathname, Object.fromEntries(url.searchParams), body);
    },
    { port: 0 },
  );

  return {
    url: server.url,
    requests,
    bookings,
    offer(eventTypeId, starts) {
      offered.set(eventTypeId, [...starts]);
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    holdNext() {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      hold = { arrive, released };
      return { arrived, release };
    },
    close: () => server.close(),
  };
}

/** A webhook delivery as Cal.com sends it: the body, and its X-Cal-Signature-256. */
export function calcomWebhook(
  secret: string,
  triggerEvent: string,
  payload: Record<string, unknown>,
): { raw: string; signature: string } {
  const raw = JSON.stringify({ triggerEvent, createdAt: new Date().toISOString(), payload });
  return { raw, signature: createHmac("sha256", secret).update(raw).digest("hex") };
}
