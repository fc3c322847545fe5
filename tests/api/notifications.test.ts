// POST /api/notifications/email, /sms and /batch, GET /api/notifications/templates: staff only,
// templates about the business's own bookings only, the SMS abuse controls (E.164, the country
// allowlist, the per-number limit) before anything is enqueued, and one set of rows per
// Idempotency-Key. Bookings are written with SQL at chosen instants (tests/helpers), each test
// with its own phone numbers, so a shared database and the limiter's counters stay apart.
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const HOUR = 3_600_000;

let api: TestApi;
let staff: { id: string; accessToken: string };
let practitionerId: string;
let sessions = 0;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, env: { SMS_ALLOWED_COUNTRIES: "IN,US,GB" } });
  staff = await api.signUp({ role: "staff" });
  practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
});
afterAll(async () => {
  await api?.close();
});

/** An Indian mobile number nobody else in this run texts, typed the way people type it. */
const indianMobile = () => `+91 98${randomInt(100, 999)} ${randomInt(10_000, 99_999)}`;

/** A confirmed session of the staff member's practitioner, starting within the next day. */
function booking(options: { phone?: string; smsOptIn?: boolean; start?: Date } = {}) {
  sessions += 1;
  return insertBooking(api.supabase.db, {
    practitionerId,
    start: options.start ?? new Date(Date.now() + (2 + sessions) * HOUR),
    ...options,
  });
}

function notify(path: string, token: string, body: unknown, key: string = crypto.randomUUID()) {
  return post(api, `/api/notifications/${path}`, body, { token, key });
}

/**
 * Every SMS request counts against its sender's 5 an hour, refused ones too (the limit comes
 * before the body is read), so tests that text use a sender of their own: an admin, who may
 * write about any booking.
 */
const smsSender = () => api.signUp({ role: "admin" });

async function accepted(response: Response): Promise<string[]> {
  return (await expectJson<{ notificationIds: string[] }>(response, 202)).notificationIds;
}

interface Row {
  id: string;
  channel: string;
  template: string;
  booking_id: string;
  status: string;
  locale: string;
}

async function requested(bookingId: string): Promise<Row[]> {
  const { rows } = await api.supabase.db.query<Row>(
    `select id, channel, template, booking_id, status, locale from public.notifications
     where booking_id = $1 and idempotency_key like 'staff_request:%' order by created_at, id`,
    [bookingId],
  );
  return rows;
}

describe("who may send", () => {
  it("lists the templates with their variables for staff only", async () => {
    const get = (token?: string) =>
      fetch(`${api.url}/api/notifications/templates`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    const response = await get(staff.accessToken);
    expect(response.status).toBe(200);
    const { templates } = (await response.json()) as {
      templates: { name: string; requestable: boolean; variables: { name: string }[] }[];
    };
    expect(templates.map((template) => template.name)).toContain("booking_reminder");
    expect(templates.find((template) => template.name === "welcome")?.requestable).toBe(false);
    const reminder = templates.find((template) => template.name === "booking_reminder");
    expect(reminder?.requestable).toBe(true);
    expect(reminder?.variables.map((variable) => variable.name)).toContain("kind");

    await expectProblem(await get(), 401, "unauthorized");
    const customer = await api.signUp();
    await expectProblem(await get(customer.accessToken), 403, "forbidden");
  });

  it("refuses customers and bookings of other practitioners", async () => {
    const bookingId = await booking();
    const customer = await api.signUp();
    for (const path of ["email", "sms"]) {
      const response = await notify(path, customer.accessToken, {
        template: "booking_confirmation",
        bookingId,
      });
      await expectProblem(response, 403, "forbidden");
    }
    const otherStaff = await api.signUp({ role: "staff" });
    const response = await notify("email", otherStaff.accessToken, {
      template: "booking_confirmation",
      bookingId,
    });
    await expectProblem(response, 404, "not_found");
    expect(await requested(bookingId)).toEqual([]);

    const admin = await api.signUp({ role: "admin" });
    const ids = await accepted(
      await notify("email", admin.accessToken, { template: "booking_confirmation", bookingId }),
    );
    expect((await requested(bookingId)).map((row) => row.id)).toEqual(ids);
  });

  it("takes templates about a booking only, never text or an address of the caller's", async () => {
    const bookingId = await booking({ phone: indianMobile(), smsOptIn: true });
    const bodies = [
      { template: "welcome", bookingId },
      { template: "no_such_template", bookingId },
      { template: "booking_rescheduled", bookingId },
      { template: "booking_confirmation", bookingId, to: "someone@example.test" },
      { template: "booking_confirmation", bookingId, html: "<p>Hello</p>" },
    ];
    for (const body of bodies) {
      await expectProblem(await notify("email", staff.accessToken, body), 400, "validation_failed");
    }
    const sms = await notify("sms", staff.accessToken, {
      template: "booking_confirmation",
      bookingId,
      to: "+91 90000 00000",
    });
    await expectProblem(sms, 400, "validation_failed");
    expect(await requested(bookingId)).toEqual([]);
  });

  it("needs an Idempotency-Key and a template that fits the booking's state", async () => {
    const bookingId = await booking();
    const withoutKey = await post(
      api,
      "/api/notifications/email",
      {
        template: "booking_confirmation",
        bookingId,
      },
      { token: staff.accessToken },
    );
    await expectProblem(withoutKey, 400, "idempotency_key_missing");
    const cancellation = await notify("email", staff.accessToken, {
      template: "booking_cancellation",
      bookingId,
    });
    await expectProblem(cancellation, 409, "conflict");
    const nextWeek = await booking({ start: new Date(Date.now() + 7 * 24 * HOUR) });
    const early = await notify("email", staff.accessToken, {
      template: "booking_reminder",
      bookingId: nextWeek,
    });
    await expectProblem(early, 409, "conflict");
  });
});

describe("email", () => {
  it("answers 202 with the queued notification's id, and the same id for a retry", async () => {
    const bookingId = await booking();
    const key = crypto.randomUUID();
    const body = { template: "booking_reminder", bookingId, locale: "en-GB" };
    const ids = await accepted(await notify("email", staff.accessToken, body, key));
    expect(ids).toHaveLength(1);
    expect(await requested(bookingId)).toEqual([
      {
        id: ids[0],
        channel: "email",
        template: "booking_reminder",
        booking_id: bookingId,
        status: expect.stringMatching(/^(queued|sending|sent)$/),
        locale: "en-GB",
      },
    ]);
    expect(await accepted(await notify("email", staff.accessToken, body, key))).toEqual(ids);
    expect(await requested(bookingId)).toHaveLength(1);
  });

  it("is idempotent in the database too, when the API's idempotency record is gone", async () => {
    const bookingId = await booking();
    const client = api.supabase.client(staff.accessToken);
    const call = () =>
      client.rpc("request_notifications", {
        p_requests: [{ channel: "email", template: "booking_confirmation", booking_id: bookingId }],
        p_request_key: "a".repeat(64),
      });
    const [first, second] = [await call(), await call()];
    expect(first.error).toBeNull();
    expect(second.data).toEqual(first.data);
    expect(await requested(bookingId)).toHaveLength(1);
  });
});

describe("SMS", () => {
  it("texts the booking's own number when the customer agreed", async () => {
    const bookingId = await booking({ phone: indianMobile(), smsOptIn: true });
    const ids = await accepted(
      await notify("sms", staff.accessToken, { template: "booking_confirmation", bookingId }),
    );
    expect((await requested(bookingId)).map((row) => [row.id, row.channel])).toEqual([
      [ids[0], "sms"],
    ]);

    const declined = await booking({ phone: indianMobile() });
    const response = await notify("sms", staff.accessToken, {
      template: "booking_confirmation",
      bookingId: declined,
    });
    await expectProblem(response, 409, "conflict");
    expect(await requested(declined)).toEqual([]);
  });

  it.each([
    ["a country not on the allowlist", "+33 6 12 34 56 78"],
    ["a Caribbean number behind +1", "+1 876 555 0123"],
    ["a number without its country code", "098765 43210"],
    ["a number too short for E.164", "+91 1234"],
  ])("refuses %s with 400 before anything is enqueued", async (_, phone) => {
    const bookingId = await booking({ phone, smsOptIn: true });
    const response = await notify("sms", (await smsSender()).accessToken, {
      template: "booking_confirmation",
      bookingId,
    });
    await expectProblem(response, 400, "bad_request");
    expect(await requested(bookingId)).toEqual([]);
  });

  it("allows 3 texts an hour to one number, whoever sends them", async () => {
    const phone = indianMobile();
    const bookings = await Promise.all([1, 2].map(() => booking({ phone, smsOptIn: true })));
    const [first, second] = bookings as [string, string];
    const [alice, bob] = [await smsSender(), await smsSender()];
    const send = (sender: { accessToken: string }, bookingId: string) =>
      notify("sms", sender.accessToken, { template: "booking_confirmation", bookingId });
    await accepted(await send(alice, first));
    await accepted(await send(bob, first));
    await accepted(await send(bob, second));

    const fourth = await send(alice, second);
    expect(fourth.headers.get("retry-after")).toMatch(/^\d+$/);
    await expectProblem(fourth, 429, "rate_limited");
    expect((await requested(first)).length + (await requested(second)).length).toBe(3);
  });
});

describe("batch", () => {
  it("queues email and SMS for several bookings, once per Idempotency-Key", async () => {
    const [texted, emailed] = [
      await booking({ phone: `+44 7700 ${randomInt(100_000, 999_999)}`, smsOptIn: true }),
      await booking(),
    ];
    const { accessToken } = await smsSender();
    const key = crypto.randomUUID();
    const body = {
      notifications: [
        { channel: "email", template: "booking_confirmation", bookingId: texted },
        { channel: "sms", template: "booking_reminder", bookingId: texted },
        { channel: "email", template: "booking_reminder", bookingId: emailed },
      ],
    };
    const ids = await accepted(await notify("batch", accessToken, body, key));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(await accepted(await notify("batch", accessToken, body, key))).toEqual(ids);
    expect((await requested(texted)).map((row) => row.channel).sort()).toEqual(["email", "sms"]);
    expect(await requested(emailed)).toHaveLength(1);
  });

  it("queues nothing when one SMS in it may not be sent", async () => {
    const [fine, foreign] = [
      await booking(),
      await booking({ phone: "+49 151 23456789", smsOptIn: true }),
    ];
    const response = await notify("batch", staff.accessToken, {
      notifications: [
        { channel: "email", template: "booking_confirmation", bookingId: fine },
        { channel: "sms", template: "booking_confirmation", bookingId: foreign },
      ],
    });
    const body = await expectProblem(response, 400, "bad_request");
    expect(Object.keys(body.errors ?? {})).toEqual(["notifications.1.bookingId"]);
    expect(await requested(fine)).toEqual([]);
    expect(await requested(foreign)).toEqual([]);
  });

  it("takes at most 50", async () => {
    const bookingId = await booking();
    const notifications = Array.from({ length: 51 }, () => ({
      channel: "email",
      template: "booking_confirmation",
      bookingId,
    }));
    const response = await notify("batch", staff.accessToken, { notifications });
    await expectProblem(response, 400, "validation_failed");
  });
});

describe("SMS consent on a booking (PUT /api/bookings/:id smsReminders)", () => {
  const put = (bookingId: string, body: object) =>
    fetch(`${api.url}/api/bookings/${bookingId}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${staff.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
  const optedIn = async (bookingId: string) => {
    const { rows } = await api.supabase.db.query<{ sms_opt_in: boolean }>(
      "select sms_opt_in from public.bookings where id = $1",
      [bookingId],
    );
    return rows[0]?.sms_opt_in;
  };

  it("turns texts on for a number we may text, and off again", async () => {
    const bookingId = await booking({ phone: indianMobile() });
    expect((await put(bookingId, { smsReminders: true })).status).toBe(200);
    expect(await optedIn(bookingId)).toBe(true);
    expect((await put(bookingId, { smsReminders: false })).status).toBe(200);
    expect(await optedIn(bookingId)).toBe(false);
  });

  it("refuses a number in a country we do not text, or no number at all", async () => {
    const foreign = await booking({ phone: "+33 6 12 34 56 78" });
    await expectProblem(await put(foreign, { smsReminders: true }), 400, "bad_request");
    const none = await booking();
    await expectProblem(await put(none, { smsReminders: true }), 409, "conflict");
    expect([await optedIn(foreign), await optedIn(none)]).toEqual([false, false]);
  });
});
