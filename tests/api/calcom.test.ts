// Cal.com as the scheduling source (issue 17, item 4), through the dev server against the local
// stack, with a network-level fake of Cal.com's API v2 (tests/helpers/fake-calcom.ts,
// CALCOM_API_URL) that checks the Bearer key and each endpoint's cal-api-version:
// - availability is Bastion's day intersected with the event type's Cal.com slots;
// - a booking confirmed here is created on Cal.com after the response (its uid and id stored),
//   and its cancellation and move are forwarded; a Cal.com outage is retried by the sweep and
//   never touches the booking;
// - Cal.com's signed webhooks (X-Cal-Signature-256) cancel or move ours, once; forgeries are
//   refused and stored nowhere;
// - the key appears in no response and no log line.
//
// Every booking is with a practitioner of this file's own; the sync only ever touches bookings
// linked to Cal.com, which only this file's API (the one with Cal.com configured) makes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday } from "../helpers/booking-hold.js";
import {
  calcomWebhook,
  FAKE_BOOKINGS_VERSION,
  FAKE_SLOTS_VERSION,
  type FakeCalcom,
  startFakeCalcom,
} from "../helpers/fake-calcom.js";
import { captureLogs, type LogLine } from "../helpers/log-capture.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { sandboxOrder, verifySandboxPayment } from "../helpers/sandbox-payment.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const API_KEY = `cal_live_fake_${randomUUID().replaceAll("-", "")}`;
const WEBHOOK_SECRET = "fake-calcom-webhook-secret-0123456789";
const EVENT_TYPE = 4242;
const IST_MS = 330 * 60_000;

let fake: FakeCalcom;
let api: TestApi;
let logs: LogLine[];
/** Every answer this file got, to look for the key in. */
const answers: string[] = [];

beforeAll(async () => {
  fake = await startFakeCalcom(API_KEY);
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    databaseWebhooks: false,
    env: {
      CALCOM_API_KEY: API_KEY,
      CALCOM_EVENT_TYPE_IDS: JSON.stringify({ individual: EVENT_TYPE }),
      CALCOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CALCOM_API_URL: fake.url,
    },
  });
  logs = captureLogs();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.close();
  await fake?.close();
});

/** The UTC instant of a local time in Asia/Kolkata (the test practitioners' zone). */
const ist = (date: string, time: string) =>
  new Date(Date.parse(`${date}T${time}:00Z`) - IST_MS).toISOString();

async function kept(response: Response): Promise<Response> {
  answers.push(JSON.stringify([...response.headers]), await response.clone().text());
  return response;
}

interface Slot {
  time: string;
  start: string;
  available: boolean;
}

async function day(date: string, practitionerId: string) {
  const query = new URLSearchParams({ date, sessionType: "individual", practitionerId });
  return kept(await send(api, "GET", `/api/availability?${query}`));
}

/** A signed-in customer's hold with the practitioner at 10:00 AM, paid in the sandbox. */
/** A signed-in customer's paid session held in the slot at 10:00 AM, not yet paid. */
async function heldBooking(practitionerId: string, date: string) {
  const user = await api.signUp();
  const email = `calcom-${randomUUID().slice(0, 12)}@example.test`;
  await consentFor(api, email);
  const created = await expectJson<{ bookingId: string; status: string }>(
    await kept(
      await post(
        api,
        "/api/bookings",
        {
          sessionType: "individual",
          format: "video",
          date,
          time: "10:00 AM",
          practitionerId,
          customer: { name: "Asha Rao", email },
          consentAccepted: true,
        },
        { token: user.accessToken },
      ),
    ),
    201,
  );
  expect(created.status).toBe("held");
  return { user, email, bookingId: created.bookingId };
}

/** The held session paid through the sandbox, and the work after the response done. */
async function confirmedBooking(practitionerId: string, date: string) {
  const held = await heldBooking(practitionerId, date);
  const { order, providerPaymentId } = await sandboxOrder(
    api,
    held.user.accessToken,
    held.bookingId,
  );
  await verifySandboxPayment(api, held.user.accessToken, order, providerPaymentId);
  await api.settle();
  return held;
}

async function link(bookingId: string) {
  const { rows } = await api.supabase.db.query<{
    calcom_uid: string | null;
    calcom_id: string | null;
    dirty: boolean;
    attempts: number;
    last_error: string | null;
    calcom_cancelled: boolean;
  }>("select * from public.calcom_bookings where booking_id = $1", [bookingId]);
  return rows[0];
}

async function booking(bookingId: string) {
  const { rows } = await api.supabase.db.query<{
    status: string;
    starts_at: string;
    cancellation_reason: string | null;
  }>(
    `select status, lower(during) as starts_at, cancellation_reason
       from public.bookings where id = $1`,
    [bookingId],
  );
  const row = rows[0];
  return row && { ...row, starts_at: new Date(row.starts_at).toISOString() };
}

function deliverWebhook(raw: string, signature: string | null) {
  return fetch(`${api.url}/api/webhooks/calcom`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature !== null && { "x-cal-signature-256": signature }),
    },
    body: raw,
  }).then(kept);
}

describe("availability from Cal.com", () => {
  it("offers only the starts Cal.com's event type offers, asked with the key and the version", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(0);
    fake.offer(EVENT_TYPE, [ist(date, "10:00"), ist(date, "11:00"), ist(date, "20:00")]);
    const before = fake.requests.length;
    const answer = await expectJson<{ slots: Slot[] }>(await day(date, practitionerId), 200);
    expect(answer.slots.filter((slot) => slot.available).map((slot) => slot.time)).toEqual([
      "10:00 AM",
      "11:00 AM",
    ]);
    // Every other slot of the working day is listed, as taken.
    expect(answer.slots.length).toBeGreaterThan(2);
    const asked = fake.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      method: "GET",
      path: "/v2/slots",
      authorized: true,
      version: FAKE_SLOTS_VERSION,
      query: { eventTypeId: String(EVENT_TYPE), timeZone: "UTC" },
    });
    const calendar = await expectJson<{ dates: { date: string; availableSlots: number }[] }>(
      await kept(
        await send(
          api,
          "GET",
          `/api/availability/calendar?from=${date}&days=3&sessionType=individual&practitionerId=${practitionerId}`,
        ),
      ),
      200,
    );
    expect(calendar.dates[0]).toEqual(expect.objectContaining({ date, availableSlots: 2 }));
    expect(calendar.dates[1]?.availableSlots).toBe(0);
  });

  it("answers 503 when Cal.com does not answer, never slots it has not offered", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    fake.failNext(1, 502);
    await expectProblem(await day(futureWeekday(0), practitionerId), 503, "service_unavailable");
  });
});

describe("bookings made, cancelled and moved on Cal.com", () => {
  it("creates the confirmed booking on Cal.com after the response and keeps its uid and id", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(1);
    fake.offer(EVENT_TYPE, [ist(date, "10:00"), ist(date, "11:00")]);
    const { bookingId, email } = await confirmedBooking(practitionerId, date);
    const stored = await link(bookingId);
    expect(stored).toMatchObject({ dirty: false, last_error: null });
    const made = fake.bookings.get(stored?.calcom_uid ?? "none");
    expect(made).toMatchObject({
      eventTypeId: EVENT_TYPE,
      start: ist(date, "10:00"),
      status: "accepted",
      attendee: { name: "Asha Rao", email, timeZone: "Asia/Kolkata" },
      metadata: { bastionBookingId: bookingId },
    });
    expect(Number(stored?.calcom_id)).toBe(made?.id);
    const create = fake.requests.find((r) => r.path === "/v2/bookings");
    expect(create).toMatchObject({ authorized: true, version: FAKE_BOOKINGS_VERSION });
    // Taken on Cal.com now, so no longer offered.
    const after = await expectJson<{ slots: Slot[] }>(await day(date, practitionerId), 200);
    expect(after.slots.find((slot) => slot.time === "10:00 AM")?.available).toBe(false);
  });

  it("forwards a move and a cancellation made here", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(2);
    fake.offer(EVENT_TYPE, [ist(date, "10:00"), ist(date, "11:00")]);
    const { bookingId, user } = await confirmedBooking(practitionerId, date);
    const first = (await link(bookingId))?.calcom_uid ?? "none";

    await expectJson(
      await kept(
        await send(api, "PUT", `/api/bookings/${bookingId}`, {
          token: user.accessToken,
          body: { date, time: "11:00 AM" },
        }),
      ),
      200,
    );
    await api.settle();
    const moved = await link(bookingId);
    expect(moved?.calcom_uid).not.toBe(first);
    expect(fake.bookings.get(first)).toMatchObject({ status: "cancelled" });
    expect(fake.bookings.get(moved?.calcom_uid ?? "none")).toMatchObject({
      status: "accepted",
      start: ist(date, "11:00"),
      rescheduledFromUid: first,
    });
    const reschedule = fake.requests.find((r) => r.path === `/v2/bookings/${first}/reschedule`);
    expect(reschedule).toMatchObject({ authorized: true, version: FAKE_BOOKINGS_VERSION });

    await expectJson(
      await kept(
        await post(
          api,
          `/api/bookings/${bookingId}/cancel`,
          { reason: "Feeling better" },
          { token: user.accessToken },
        ),
      ),
      200,
    );
    await api.settle();
    expect(fake.bookings.get(moved?.calcom_uid ?? "none")).toMatchObject({
      status: "cancelled",
      cancellationReason: "Feeling better",
    });
    expect(await link(bookingId)).toMatchObject({ calcom_cancelled: true, dirty: false });
  });

  it("keeps the paid booking through a Cal.com outage and retries it from the sweep", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(3);
    fake.offer(EVENT_TYPE, [ist(date, "10:00")]);
    const { user, bookingId } = await heldBooking(practitionerId, date);
    const { order, providerPaymentId } = await sandboxOrder(api, user.accessToken, bookingId);
    fake.failNext(1, 503);
    await verifySandboxPayment(api, user.accessToken, order, providerPaymentId);
    await api.settle();
    expect(await booking(bookingId)).toMatchObject({ status: "confirmed" });
    const failed = await link(bookingId);
    expect(failed).toMatchObject({ calcom_uid: null, dirty: true, attempts: 1 });
    expect(failed?.last_error).toBe("create: cal.com create booking: 503");

    // The backoff has passed: the next sweep makes it.
    await api.supabase.db.query(
      "update public.calcom_bookings set next_attempt_at = now() where booking_id = $1",
      [bookingId],
    );
    await expectJson(
      await send(api, "GET", "/api/cron/deliver-notifications", { token: TEST_CRON_SECRET }),
      200,
    );
    const synced = await link(bookingId);
    expect(synced).toMatchObject({ dirty: false, last_error: null });
    expect(fake.bookings.get(synced?.calcom_uid ?? "none")).toMatchObject({
      start: ist(date, "10:00"),
      metadata: { bastionBookingId: bookingId },
    });
  });
});

describe("a booking that changes while Cal.com is still answering", () => {
  it("is cancelled on Cal.com once the create it was waiting for has answered", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(7);
    fake.offer(EVENT_TYPE, [ist(date, "10:00")]);
    const { user, bookingId } = await heldBooking(practitionerId, date);
    await api.settle();
    const { order, providerPaymentId } = await sandboxOrder(api, user.accessToken, bookingId);
    const slow = fake.holdNext();
    await verifySandboxPayment(api, user.accessToken, order, providerPaymentId);
    // The create is on its way to Cal.com (after the response) when the customer cancels.
    await slow.arrived;
    await expectJson(
      await post(
        api,
        `/api/bookings/${bookingId}/cancel`,
        { reason: "Changed my mind" },
        { token: user.accessToken },
      ),
      200,
    );
    slow.release();
    await api.settle();
    const stored = await link(bookingId);
    expect(stored).toMatchObject({ dirty: false, calcom_cancelled: true, last_error: null });
    expect(fake.bookings.get(stored?.calcom_uid ?? "none")).toMatchObject({
      status: "cancelled",
      cancellationReason: "Changed my mind",
    });
  });
});

describe("Cal.com's webhook", () => {
  it("refuses a forged or unsigned delivery and stores nothing", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(4);
    fake.offer(EVENT_TYPE, [ist(date, "10:00")]);
    const { bookingId } = await confirmedBooking(practitionerId, date);
    const uid = (await link(bookingId))?.calcom_uid ?? "none";
    const { raw, signature } = calcomWebhook("not-the-secret-at-all-0123", "BOOKING_CANCELLED", {
      uid,
    });
    for (const forged of [signature, null, "00"]) {
      await expectProblem(await deliverWebhook(raw, forged), 400, "webhook_signature_invalid");
    }
    // Signed right over other bytes.
    const real = calcomWebhook(WEBHOOK_SECRET, "BOOKING_CANCELLED", { uid });
    await expectProblem(
      await deliverWebhook(`${real.raw} `, real.signature),
      400,
      "webhook_signature_invalid",
    );
    expect(await booking(bookingId)).toMatchObject({ status: "confirmed" });
    const { rows } = await api.supabase.db.query(
      "select 1 from public.webhook_events where provider = 'calcom' and payload ->> 'uid' = $1",
      [uid],
    );
    expect(rows).toHaveLength(0);
  });

  it("cancels ours for BOOKING_CANCELLED, once, and sends nothing back", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(5);
    fake.offer(EVENT_TYPE, [ist(date, "10:00")]);
    const { bookingId } = await confirmedBooking(practitionerId, date);
    const uid = (await link(bookingId))?.calcom_uid ?? "none";
    const { raw, signature } = calcomWebhook(WEBHOOK_SECRET, "BOOKING_CANCELLED", {
      uid,
      bookingId: fake.bookings.get(uid)?.id,
      cancellationReason: "Host unavailable",
      attendees: [{ name: "Asha Rao", email: "asha@example.test" }],
    });
    const before = fake.requests.length;
    expect(await expectJson(await deliverWebhook(raw, signature), 200)).toEqual({
      received: true,
      duplicate: false,
    });
    await api.settle();
    expect(await booking(bookingId)).toMatchObject({
      status: "cancelled",
      cancellation_reason: "Cancelled on Cal.com: Host unavailable",
    });
    expect(await expectJson(await deliverWebhook(raw, signature), 200)).toEqual({
      received: true,
      duplicate: true,
    });
    await api.settle();
    // Nothing was sent back to Cal.com about it.
    expect(fake.requests.slice(before).filter((r) => r.path.includes(uid))).toEqual([]);
    const { rows } = await api.supabase.db.query<{ outcome: string; payload: unknown }>(
      "select outcome, payload from public.webhook_events where provider = 'calcom' and payload ->> 'uid' = $1",
      [uid],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcome).toBe("cancelled");
    // The attendees' names and emails were not kept.
    expect(JSON.stringify(rows[0]?.payload)).not.toContain("asha@example.test");
  });

  it("leaves a booking within the change window to staff when Cal.com cancels it", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(7);
    fake.offer(EVENT_TYPE, [ist(date, "10:00")]);
    const { bookingId } = await confirmedBooking(practitionerId, date);
    const uid = (await link(bookingId))?.calcom_uid ?? "none";
    // The session is now an hour away: inside the change window, where a customer cannot cancel.
    await api.supabase.db.query(
      `update public.bookings set
         during = tstzrange(now() + interval '1 hour', now() + interval '2 hours', '[)'),
         blocked = tstzrange(now() + interval '1 hour', now() + interval '2 hours', '[)')
       where id = $1`,
      [bookingId],
    );
    const { raw, signature } = calcomWebhook(WEBHOOK_SECRET, "BOOKING_CANCELLED", {
      uid,
      bookingId: fake.bookings.get(uid)?.id,
      cancellationReason: "Changed my mind",
    });
    await expectJson(await deliverWebhook(raw, signature), 200);
    await api.settle();
    expect(await booking(bookingId)).toMatchObject({ status: "confirmed" });
    const { rows } = await api.supabase.db.query<{ outcome: string; refund: string | null }>(
      `select e.outcome, b.refund_due_minor::text as refund from public.webhook_events as e,
         public.bookings as b
       where e.provider = 'calcom' and e.payload ->> 'uid' = $1 and b.id = $2`,
      [uid, bookingId],
    );
    expect(rows).toEqual([
      { outcome: "ignored: within the change window or started; staff decide", refund: null },
    ]);
  });

  it("moves ours for BOOKING_RESCHEDULED and follows the new uid", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(6);
    fake.offer(EVENT_TYPE, [ist(date, "10:00"), ist(date, "14:00")]);
    const { bookingId } = await confirmedBooking(practitionerId, date);
    const uid = (await link(bookingId))?.calcom_uid ?? "none";
    const newUid = `resched${randomUUID().slice(0, 8)}`;
    const { raw, signature } = calcomWebhook(WEBHOOK_SECRET, "BOOKING_RESCHEDULED", {
      uid: newUid,
      rescheduleUid: uid,
      bookingId: 9_999_001,
      startTime: ist(date, "14:00"),
      endTime: ist(date, "14:50"),
    });
    expect(await expectJson(await deliverWebhook(raw, signature), 200)).toEqual({
      received: true,
      duplicate: false,
    });
    await api.settle();
    expect(await booking(bookingId)).toMatchObject({
      status: "confirmed",
      starts_at: ist(date, "14:00"),
    });
    expect(await link(bookingId)).toMatchObject({ calcom_uid: newUid, dirty: false });
    // An event type or booking not ours is stored and answered 200.
    const other = calcomWebhook(WEBHOOK_SECRET, "BOOKING_CANCELLED", { uid: "not-ours" });
    expect(await expectJson(await deliverWebhook(other.raw, other.signature), 200)).toEqual({
      received: true,
      duplicate: false,
    });
  });
});

describe("the Cal.com key", () => {
  it("never reaches a response or a log line, and goes to Cal.com only as the Bearer token", () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) expect(answer).not.toContain(API_KEY);
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(JSON.stringify(line)).not.toContain(API_KEY);
    for (const request of fake.requests) {
      expect(request.authorized).toBe(true);
      const elsewhere = { ...request.headers, authorization: undefined };
      expect(JSON.stringify([request.path, request.query, request.body, elsewhere])).not.toContain(
        API_KEY,
      );
    }
  });
});
