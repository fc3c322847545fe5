// Admins manage the practice through /api/admin (issue 17, item 6): session types and prices,
// practitioners and their hours, time off, staff roles. Each write is one database function
// that checks the admin role itself and records the change in public.staff_actions; customers
// and staff are refused with 403 and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

type User = { id: string; accessToken: string };
type Body = Record<string, unknown>;

let api: TestApi;
let admin: User;
let staff: User;
let customer: User;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
  [admin, staff, customer] = await Promise.all([
    api.signUp({ role: "admin" }),
    api.signUp({ role: "staff" }),
    api.signUp(),
  ]);
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, user: User, body?: unknown) =>
  send(api, method, path, { token: user.accessToken, body });

const run = () => crypto.randomUUID().slice(0, 8);

async function actions(table: string, id: string) {
  const { rows } = await api.supabase.db.query<{ actor: string; action: string; detail: Body }>(
    `select actor::text, action, detail from public.staff_actions
     where subject_table = $1 and subject_id = $2 order by id`,
    [table, id],
  );
  return rows;
}

const HOURS = [{ weekdays: [1, 2, 3], start: "09:00", end: "12:00" }];

describe("admin routes refuse everyone but admins", () => {
  it.each([
    ["PUT", "/api/admin/session-types/refused", { name: "x", durationMinutes: 50, prices: [] }],
    ["POST", "/api/admin/practitioners", { displayName: "x", timeZone: "UTC" }],
    ["PATCH", `/api/admin/practitioners/${crypto.randomUUID()}`, { active: false }],
    [
      "POST",
      `/api/admin/practitioners/${crypto.randomUUID()}/time-off`,
      { from: "2027-01-01T00:00:00Z", to: "2027-01-02T00:00:00Z" },
    ],
    ["DELETE", `/api/admin/time-off/${crypto.randomUUID()}`, undefined],
    ["PUT", "/api/admin/staff", { email: "someone@example.test", role: "staff" }],
    ["GET", "/api/admin/settings", undefined],
    ["GET", "/api/admin/practitioners", undefined],
    ["GET", "/api/admin/session-types", undefined],
    ["PUT", "/api/admin/settings", { bookingRetentionDays: 1 }],
  ])("%s %s: customers and staff get 403", async (method, path, body) => {
    for (const user of [customer, staff]) {
      await expectProblem(await call(method, path, user, body), 403, "forbidden");
    }
  });

  it("the database functions refuse a non-admin token called through the Data API too", async () => {
    const direct = await fetch(`${api.supabase.url}/rest/v1/rpc/admin_put_practitioner`, {
      method: "POST",
      headers: {
        apikey: api.supabase.anonKey,
        authorization: `Bearer ${staff.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ p_id: null, p_practitioner: { displayName: "x", timeZone: "UTC" } }),
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as Body).code).toBe("42501");
  });
});

describe("PUT /api/admin/session-types/:slug", () => {
  it("creates a type with its prices, then replaces them; logged", async () => {
    const slug = `test-${run()}`;
    const path = `/api/admin/session-types/${slug}`;
    const created = await expectJson<{ id: string; slug: string }>(
      await call("PUT", path, admin, {
        name: "Test session",
        durationMinutes: 45,
        prices: [
          { currency: "INR", format: "video", amountMinor: 100000 },
          { currency: "INR", format: "in_person", amountMinor: 120000 },
        ],
      }),
      200,
    );
    expect(created.slug).toBe(slug);
    await expectJson(
      await call("PUT", path, admin, {
        name: "Test session, longer",
        durationMinutes: 60,
        bufferMinutes: 10,
        prices: [{ currency: "INR", format: "video", amountMinor: 150000 }],
      }),
      200,
    );
    const { rows } = await api.supabase.db.query<{ format: string; amount: string; on: boolean }>(
      `select p.format, p.amount_minor::text as amount, p.active as on
       from public.session_type_prices as p where p.session_type_id = $1 order by p.format`,
      [created.id],
    );
    expect(rows).toEqual([
      { format: "in_person", amount: "120000", on: false },
      { format: "video", amount: "150000", on: true },
    ]);
    const { sessionTypes } = await expectJson<{ sessionTypes: Body[] }>(
      await call("GET", "/api/admin/session-types", admin),
      200,
    );
    expect(sessionTypes.find((type) => type.slug === slug)).toEqual({
      id: created.id,
      slug,
      name: "Test session, longer",
      description: "",
      durationMinutes: 60,
      bufferMinutes: 10,
      requiresConsent: true,
      sortOrder: 0,
      active: true,
      prices: [
        { currency: "INR", format: "in_person", amountMinor: 120000, active: false },
        { currency: "INR", format: "video", amountMinor: 150000, active: true },
      ],
    });
    const services = await expectJson<{ services: { id: string; duration: number }[] } | Body>(
      await fetch(`${api.url}/api/services`),
      200,
    );
    expect(JSON.stringify(services)).toContain("Test session, longer");
    expect((await actions("session_types", created.id)).map((a) => [a.actor, a.action])).toEqual([
      [admin.id, "session_type.put"],
      [admin.id, "session_type.put"],
    ]);
  });

  it("refuses a price listed twice and an unknown format (400)", async () => {
    const path = `/api/admin/session-types/test-${run()}`;
    const price = { currency: "INR", format: "video", amountMinor: 1 };
    await expectProblem(
      await call("PUT", path, admin, { name: "x", durationMinutes: 30, prices: [price, price] }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("PUT", path, admin, {
        name: "x",
        durationMinutes: 30,
        prices: [{ ...price, format: "phone" }],
      }),
      400,
      "validation_failed",
    );
  });
});

describe("practitioners, working hours and time off", () => {
  it("adds a practitioner with hours, changes them, adds and removes time off; all logged", async () => {
    const added = await expectJson<{ id: string }>(
      await call("POST", "/api/admin/practitioners", admin, {
        displayName: `Test admin-made ${run()}`,
        timeZone: "Asia/Kolkata",
        hours: HOURS,
      }),
      201,
    );
    const hours = async () =>
      (
        await api.supabase.db.query<{ weekday: number; start: string; end: string }>(
          `select weekday, start_time::text as start, end_time::text as end
           from public.working_hours where practitioner_id = $1 order by weekday, start_time`,
          [added.id],
        )
      ).rows;
    expect(await hours()).toHaveLength(3);
    await expectJson(
      await call("PATCH", `/api/admin/practitioners/${added.id}`, admin, {
        hours: [
          { weekdays: [6], start: "10:00", end: "13:00" },
          { weekdays: [6], start: "14:00", end: "24:00" },
        ],
      }),
      200,
    );
    expect(await hours()).toEqual([
      { weekday: 6, start: "10:00:00", end: "13:00:00" },
      { weekday: 6, start: "14:00:00", end: "24:00:00" },
    ]);
    await expectProblem(
      await call("PATCH", `/api/admin/practitioners/${added.id}`, admin, {
        hours: [
          { weekdays: [1], start: "10:00", end: "13:00" },
          { weekdays: [1], start: "12:00", end: "14:00" },
        ],
      }),
      409,
      "conflict",
    );
    expect(await hours()).toHaveLength(2);

    const off = await expectJson<{ id: string }>(
      await call("POST", `/api/admin/practitioners/${added.id}/time-off`, admin, {
        from: "2027-03-01T00:00:00Z",
        to: "2027-03-08T00:00:00Z",
        reason: "Holiday",
      }),
      201,
    );
    const { rows } = await api.supabase.db.query(
      "select reason from public.schedule_exceptions where id = $1",
      [off.id],
    );
    expect(rows).toEqual([{ reason: "Holiday" }]);
    const { practitioners } = await expectJson<{ practitioners: Body[] }>(
      await call("GET", "/api/admin/practitioners", admin),
      200,
    );
    expect(practitioners.find((p) => p.id === added.id)).toEqual({
      id: added.id,
      displayName: expect.stringContaining("Test admin-made"),
      timeZone: "Asia/Kolkata",
      active: true,
      staff: null,
      hours: [
        { weekday: 6, start: "10:00", end: "13:00" },
        { weekday: 6, start: "14:00", end: "24:00" },
      ],
      timeOff: [
        {
          id: off.id,
          from: "2027-03-01T00:00:00.000Z",
          to: "2027-03-08T00:00:00.000Z",
          reason: "Holiday",
        },
      ],
    });
    expect((await call("DELETE", `/api/admin/time-off/${off.id}`, admin)).status).toBe(204);
    expect(
      (
        await api.supabase.db.query("select 1 from public.schedule_exceptions where id = $1", [
          off.id,
        ])
      ).rows,
    ).toEqual([]);
    await expectProblem(
      await call("DELETE", `/api/admin/time-off/${off.id}`, admin),
      404,
      "not_found",
    );

    await expectJson(
      await call("PATCH", `/api/admin/practitioners/${added.id}`, admin, { active: false }),
      200,
    );
    expect((await actions("practitioners", added.id)).map((a) => a.action)).toEqual([
      "practitioner.create",
      "practitioner.update",
      "practitioner.update",
    ]);
    expect((await actions("schedule_exceptions", off.id)).map((a) => a.action)).toEqual([
      "time_off.add",
      "time_off.remove",
    ]);
  });

  it("is 404 for an unknown practitioner", async () => {
    const unknown = crypto.randomUUID();
    await expectProblem(
      await call("PATCH", `/api/admin/practitioners/${unknown}`, admin, { active: false }),
      404,
      "not_found",
    );
    await expectProblem(
      await call("POST", `/api/admin/practitioners/${unknown}/time-off`, admin, {
        from: "2027-03-01T00:00:00Z",
        to: "2027-03-02T00:00:00Z",
      }),
      404,
      "not_found",
    );
  });
});

describe("PUT /api/admin/staff", () => {
  it("gives an account a role and a practitioner, then takes them away; logged", async () => {
    const email = `staff-${run()}@example.test`;
    const password = "correct horse battery staple";
    const signUp = await fetch(`${api.supabase.url}/auth/v1/signup`, {
      method: "POST",
      headers: { apikey: api.supabase.anonKey, "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    expect(signUp.status).toBeLessThan(300);
    const practitioner = await expectJson<{ id: string }>(
      await call("POST", "/api/admin/practitioners", admin, {
        displayName: `Test staffed ${run()}`,
        timeZone: "UTC",
      }),
      201,
    );
    const granted = await expectJson<{ userId: string }>(
      await call("PUT", "/api/admin/staff", admin, {
        email: email.toUpperCase(),
        role: "staff",
        practitionerId: practitioner.id,
      }),
      200,
    );
    const state = async () =>
      (
        await api.supabase.db.query<{ role: string | null; practitioner: string | null }>(
          `select u.raw_app_meta_data ->> 'role' as role,
             (select p.id::text from public.practitioners as p where p.user_id = u.id) as practitioner
           from auth.users as u where u.id = $1`,
          [granted.userId],
        )
      ).rows[0];
    expect(await state()).toEqual({ role: "staff", practitioner: practitioner.id });
    await expectJson(await call("PUT", "/api/admin/staff", admin, { email, role: null }), 200);
    expect(await state()).toEqual({ role: null, practitioner: null });
    expect((await actions("users", granted.userId)).map((a) => a.detail)).toEqual([
      { role: "staff", practitioner_id: practitioner.id },
      { role: null, practitioner_id: null },
    ]);
    await expectProblem(
      await call("PUT", "/api/admin/staff", admin, {
        email: `nobody-${run()}@example.test`,
        role: "staff",
      }),
      404,
      "not_found",
    );
  });
});
