// /api/users/me through the dev server against the local stack: the caller's own profile, kept
// to its owner by row-level security, and account deletion behind a recent sign-in.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and correct password";

interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/** A confirmed user created through the Auth admin API, as registration would, and signed in. */
async function newUser(userMetadata: Record<string, unknown> = {}): Promise<TestUser> {
  const email = `profile-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const created = await api.supabase.client(api.supabase.serviceRoleKey).auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: userMetadata,
  });
  if (created.error) throw created.error;
  return { id: created.data.user.id, email, ...(await signIn(email)) };
}

async function signIn(email: string, password = PASSWORD) {
  const { data, error } = await api.supabase.client().auth.signInWithPassword({ email, password });
  if (error || !data.session) throw error ?? new Error("no session");
  return { accessToken: data.session.access_token, refreshToken: data.session.refresh_token };
}

/**
 * An access token of a session signed in an hour ago and refreshed since: the refresh gives a
 * new token, but its amr claim still dates the sign-in.
 */
async function staleToken(user: TestUser): Promise<string> {
  await api.supabase.db.query(
    `update auth.mfa_amr_claims
        set created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'
      where session_id in (select id from auth.sessions where user_id = $1)`,
    [user.id],
  );
  const { data, error } = await api.supabase
    .client()
    .auth.refreshSession({ refresh_token: user.refreshToken });
  if (error || !data.session) throw error ?? new Error("no session");
  const { amr } = decodeJwt(data.session.access_token) as { amr: { timestamp: number }[] };
  expect(Math.max(...amr.map((entry) => entry.timestamp))).toBeLessThan(Date.now() / 1000 - 3000);
  return data.session.access_token;
}

const call = (token: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${api.url}/api/users/me`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined && { "content-type": "application/json" }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });

const put = (token: string, body: unknown) => call(token, { method: "PUT", body });
const remove = (token: string, body?: unknown) => call(token, { method: "DELETE", body });

async function profileRow(id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    "select id, full_name, phone, locale, time_zone from public.profiles where id = $1",
    [id],
  );
  return rows[0];
}

async function userExists(id: string): Promise<boolean> {
  const { rows } = await api.supabase.db.query("select 1 from auth.users where id = $1", [id]);
  return rows.length === 1;
}

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as Record<string, unknown>;
}

const fullUpdate = {
  fullName: "Ann Example",
  phone: "+14155550123",
  locale: "en-gb",
  timeZone: "europe/paris",
};

describe("GET /api/users/me", () => {
  it("answers the caller's profile, made at sign-up from the name registration passed", async () => {
    const ann = await newUser({ full_name: "Ann Example" });
    const response = await call(ann.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: ann.id,
      fullName: "Ann Example",
      phone: null,
      locale: null,
      timeZone: null,
      email: ann.email,
    });
  });

  it("cleans a sign-up name that would not fit, instead of failing the sign-up", async () => {
    const odd = await newUser({ full_name: `  Ann\tExample${"x".repeat(300)}` });
    const name = (await profileRow(odd.id))?.full_name as string;
    expect(name.startsWith("Ann Example")).toBe(true);
    expect(name).toHaveLength(200);
    const nameless = await newUser();
    expect((await profileRow(nameless.id))?.full_name).toBeNull();
  });
});

describe("PUT /api/users/me", () => {
  it("replaces the profile, normalizing the locale and time zone, and answers it", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await put(ann.accessToken, fullUpdate);
    expect(response.status).toBe(200);
    const expected = {
      id: ann.id,
      fullName: "Ann Example",
      phone: "+14155550123",
      locale: "en-GB",
      timeZone: "Europe/Paris",
      email: ann.email,
    };
    expect(await response.json()).toEqual(expected);
    expect(await (await call(ann.accessToken)).json()).toEqual(expected);
    expect(await profileRow(ann.id)).toEqual({
      id: ann.id,
      full_name: "Ann Example",
      phone: "+14155550123",
      locale: "en-GB",
      time_zone: "Europe/Paris",
    });
  });

  it("clears fields sent as null and bumps updated_at", async () => {
    const ann = await newUser({ full_name: "Ann" });
    await put(ann.accessToken, fullUpdate);
    await api.supabase.db.query(
      "update public.profiles set updated_at = now() - interval '1 day' where id = $1",
      [ann.id],
    );
    const response = await put(ann.accessToken, {
      fullName: null,
      phone: null,
      locale: null,
      timeZone: "UTC",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      fullName: null,
      phone: null,
      locale: null,
      timeZone: "UTC",
    });
    const { rows } = await api.supabase.db.query<{ fresh: boolean }>(
      "select updated_at > now() - interval '1 minute' as fresh from public.profiles where id = $1",
      [ann.id],
    );
    expect(rows[0]?.fresh).toBe(true);
  });

  it("requires every field, so that nothing is left out by accident", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await put(ann.accessToken, { fullName: "Ann B" });
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(Object.keys(body.errors as object).sort()).toEqual(["locale", "phone", "timeZone"]);
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
  });

  it.each([
    ["role", { role: "admin" }],
    ["email", { email: "someone-else@example.test" }],
    ["id", { id: "00000000-0000-4000-8000-000000000001" }],
    ["app_metadata", { app_metadata: { roles: ["admin"] } }],
  ])("refuses a mass-assigned %s with 400 and writes nothing", async (field, extra) => {
    const ann = await newUser({ full_name: "Ann" });
    const before = await profileRow(ann.id);
    const { rows: authBefore } = await api.supabase.db.query(
      "select email, raw_app_meta_data from auth.users where id = $1",
      [ann.id],
    );
    const response = await put(ann.accessToken, { ...fullUpdate, ...extra });
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body.code).toBe("validation_failed");
    expect((body.errors as Record<string, string[]>).body).toEqual([`Unknown field: ${field}`]);
    expect(await profileRow(ann.id)).toEqual(before);
    const { rows: authAfter } = await api.supabase.db.query(
      "select email, raw_app_meta_data from auth.users where id = $1",
      [ann.id],
    );
    expect(authAfter).toEqual(authBefore);
  });

  it.each([
    ["phone", "555-0123", "A phone number in E.164 form, such as +14155550123"],
    ["phone", "+0123456", "A phone number in E.164 form, such as +14155550123"],
    ["phone", "+1234567890123456", "A phone number in E.164 form, such as +14155550123"],
    ["timeZone", "Mars/Olympus_Mons", "Not a known time zone"],
    ["timeZone", "+05:30", "An IANA time zone name such as Europe/Paris"],
    [
      "timeZone",
      "Europe/Paris'; drop table profiles",
      "An IANA time zone name such as Europe/Paris",
    ],
    ["locale", "en_US", "A language tag such as en-GB or pt-BR"],
    ["locale", "en-US-abcdefghi", "A language tag such as en-GB or pt-BR"],
    ["fullName", "   ", "Enter a name, or send null to remove it"],
    ["fullName", "x".repeat(201), "At most 200 characters"],
    ["fullName", "Ann\u0007", "Remove control characters such as tabs"],
  ])("answers %s %j with 400 and the field's error", async (field, value, message) => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await put(ann.accessToken, { ...fullUpdate, [field]: value });
    expect(response.status).toBe(400);
    expect(await problem(response)).toEqual({
      type: "/docs/errors#validation_failed",
      title: "Some fields are not valid",
      status: 400,
      detail: "Some fields are missing or not valid.",
      code: "validation_failed",
      requestId: response.headers.get("x-request-id"),
      errors: { [field]: [message] },
    });
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
  });
});

describe("another user's profile", () => {
  it("is out of reach through the API: each caller only ever gets and changes their own", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const ben = await newUser({ full_name: "Ben" });
    expect(await (await call(ben.accessToken)).json()).toMatchObject({ id: ben.id });
    const response = await put(ben.accessToken, { ...fullUpdate, fullName: "Ben B" });
    expect(await response.json()).toMatchObject({ id: ben.id, fullName: "Ben B" });
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
  });

  it("is out of reach through the Data API with the other user's token too", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const ben = await newUser({ full_name: "Ben" });
    const asBen = api.supabase.client(ben.accessToken);

    const read = await asBen.from("profiles").select().eq("id", ann.id);
    expect(read.error).toBeNull();
    expect(read.data).toEqual([]);
    const all = await asBen.from("profiles").select("id");
    expect(all.data).toEqual([{ id: ben.id }]);

    const update = await asBen
      .from("profiles")
      .update({ full_name: "Taken over" })
      .eq("id", ann.id)
      .select();
    expect(update.error).toBeNull();
    expect(update.data).toEqual([]);
    const removal = await asBen.from("profiles").delete().eq("id", ann.id).select();
    expect(removal.data ?? []).toEqual([]);
    const insert = await asBen.from("profiles").insert({ id: crypto.randomUUID() });
    expect(insert.error?.code).toBe("42501");
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");

    const anonymous = await api.supabase.client().from("profiles").select();
    expect(anonymous.data ?? []).toEqual([]);
  });

  it("cannot be taken over by rewriting one's own row's id", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const ben = await newUser({ full_name: "Ben" });
    const moved = await api.supabase
      .client(ben.accessToken)
      .from("profiles")
      .update({ id: ann.id, full_name: "Ben" })
      .eq("id", ben.id);
    expect(moved.error?.code).toBe("42501");
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
    expect(await profileRow(ben.id)).toBeDefined();
  });

  it("leaves users only the four columns that are theirs to change", async () => {
    const ben = await newUser({ full_name: "Ben" });
    const backdated = await api.supabase
      .client(ben.accessToken)
      .from("profiles")
      .update({ created_at: "2000-01-01T00:00:00Z" })
      .eq("id", ben.id);
    expect(backdated.error?.code).toBe("42501");
    const { rows } = await api.supabase.db.query<{ recent: boolean }>(
      "select created_at > now() - interval '1 hour' as recent from public.profiles where id = $1",
      [ben.id],
    );
    expect(rows[0]?.recent).toBe(true);
  });
});

describe("DELETE /api/users/me", () => {
  it("refuses a stale session without a password with 403, and deletes nothing", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const token = await staleToken(ann);
    for (const response of [await remove(token), await remove(token, {})]) {
      expect(response.status).toBe(403);
      expect((await problem(response)).code).toBe("reauthentication_required");
    }
    expect(await userExists(ann.id)).toBe(true);
    expect(await profileRow(ann.id)).toBeDefined();
  });

  it("refuses a wrong password with 403, and the account stays usable", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await remove(await staleToken(ann), { password: "not the password" });
    expect(response.status).toBe(403);
    expect(await problem(response)).toMatchObject({
      code: "reauthentication_required",
      detail: "The password is not correct.",
    });
    expect(await userExists(ann.id)).toBe(true);
    await expect(signIn(ann.email)).resolves.toBeDefined();
  });

  it("deletes the account with the right password: no sign-in, no profile, no sessions", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await remove(await staleToken(ann), { password: PASSWORD });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await userExists(ann.id)).toBe(false);
    expect(await profileRow(ann.id)).toBeUndefined();
    const { rows } = await api.supabase.db.query("select 1 from auth.sessions where user_id = $1", [
      ann.id,
    ]);
    expect(rows).toEqual([]);
    const { error } = await api.supabase
      .client()
      .auth.signInWithPassword({ email: ann.email, password: PASSWORD });
    expect(error?.code).toBe("invalid_credentials");
  });

  it("deletes the account of a session signed in moments ago without a password", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const { accessToken } = await signIn(ann.email);
    const response = await remove(accessToken);
    expect(response.status).toBe(204);
    expect(await userExists(ann.id)).toBe(false);
    expect(await profileRow(ann.id)).toBeUndefined();
  });

  it("deletes only the caller's account", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const ben = await newUser({ full_name: "Ben" });
    expect((await remove(ben.accessToken)).status).toBe(204);
    expect(await userExists(ben.id)).toBe(false);
    expect(await userExists(ann.id)).toBe(true);
    expect(await profileRow(ann.id)).toBeDefined();
  });

  it("is refused by the database too, for a stale token that goes around the API", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const direct = await api.supabase.client(await staleToken(ann)).rpc("delete_my_account");
    expect(direct.error?.code).toBe("PT403");
    expect(await userExists(ann.id)).toBe(true);
    const anonymous = await api.supabase.client().rpc("delete_my_account");
    expect(anonymous.error).not.toBeNull();
  });

  it("counts password guesses against the account: the sixth within the window is 429", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const token = await staleToken(ann);
    for (let guess = 1; guess <= 5; guess++) {
      expect((await remove(token, { password: `guess ${guess}` })).status).toBe(403);
    }
    const response = await remove(token, { password: PASSWORD });
    expect(response.status).toBe(429);
    expect((await problem(response)).code).toBe("rate_limited");
    expect(await userExists(ann.id)).toBe(true);
  });

  it("refuses unknown fields in the body with 400", async () => {
    const ann = await newUser({ full_name: "Ann" });
    const response = await remove(ann.accessToken, { password: PASSWORD, force: true });
    expect(response.status).toBe(400);
    expect((await problem(response)).errors).toEqual({ body: ["Unknown field: force"] });
    expect(await userExists(ann.id)).toBe(true);
  });
});
