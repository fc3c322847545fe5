// /api/users/me through the dev server against the local stack: the caller's own profile, kept
// to its owner by row-level security, its name and phone sealed and written only by the server,
// and account deletion behind a recent sign-in.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROFILE_SEALED_COLUMNS } from "../../lib/accounts/sealed-columns.js";
import { openPersonalData, sealPersonalData } from "../../lib/crypto/personal-data.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and correct password";
/** In names stored by this file's tests only: a row containing it holds clear text. */
const MARKER = crypto.randomUUID().slice(0, 8);

interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * A confirmed user created through the Auth admin API and signed in, with the name registration
 * would have stored (sealed, as the server stores it) when one is given.
 */
async function newUser(fullName?: string): Promise<TestUser> {
  const email = `profile-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const created = await api.supabase.client(api.supabase.serviceRoleKey).auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
  });
  if (created.error) throw created.error;
  if (fullName !== undefined) {
    await api.supabase.db.query("update public.profiles set full_name_sealed = $2 where id = $1", [
      created.data.user.id,
      sealPersonalData(fullName, PROFILE_SEALED_COLUMNS.full_name_sealed),
    ]);
  }
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
  send(api, init.method ?? "GET", "/api/users/me", { token, body: init.body });
const postJson = (path: string, body: unknown) => post(api, path, body);

const put = (token: string, body: unknown) => call(token, { method: "PUT", body });
const remove = (token: string, body?: unknown) => call(token, { method: "DELETE", body });

interface StoredProfile {
  id: string;
  full_name_sealed: string | null;
  phone_sealed: string | null;
  locale: string | null;
  time_zone: string | null;
}

/** The profile as stored (raw SQL, no RLS), its sealed values opened. */
async function profileRow(id: string) {
  const { rows } = await api.supabase.db.query<StoredProfile>(
    "select id, full_name_sealed, phone_sealed, locale, time_zone from public.profiles where id = $1",
    [id],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const open = (sealed: string | null, column: keyof typeof PROFILE_SEALED_COLUMNS) =>
    sealed === null ? null : openPersonalData(sealed, PROFILE_SEALED_COLUMNS[column]);
  return {
    id: row.id,
    full_name: open(row.full_name_sealed, "full_name_sealed"),
    phone: open(row.phone_sealed, "phone_sealed"),
    locale: row.locale,
    time_zone: row.time_zone,
  };
}

/** The whole row as SQL shows it, every column, for looking for clear text. */
async function rowDump(id: string): Promise<string> {
  const { rows } = await api.supabase.db.query<{ dump: string }>(
    "select row_to_json(p)::text as dump from public.profiles as p where p.id = $1",
    [id],
  );
  return rows[0]?.dump ?? "";
}

async function userExists(id: string): Promise<boolean> {
  const { rows } = await api.supabase.db.query("select 1 from auth.users where id = $1", [id]);
  return rows.length === 1;
}

const fullUpdate = {
  fullName: "Ann Example",
  phone: "+14155550123",
  locale: "en-gb",
  timeZone: "europe/paris",
};

/** Registration as the SPA calls it; answers the new session's user id and access token. */
async function register(fullName: string) {
  const email = `profile-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const response = await fetch(`${api.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, fullName }),
  });
  const body = (await response.json()) as { user: { id: string }; accessToken: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return { id: body.user.id, email, accessToken: body.accessToken };
}

describe("GET /api/users/me", () => {
  it("answers the caller's profile, made at sign-up from the name registration passed", async () => {
    const ann = await register("Ann Example");
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

  it("keeps the registered name sealed: not in the profile row, not in the Auth user", async () => {
    const ann = await register(`Ann Sealed ${MARKER}`);
    const dump = await rowDump(ann.id);
    expect(dump).not.toContain(MARKER);
    expect(dump).toMatch(/"full_name_sealed":"v1\./);
    const { rows } = await api.supabase.db.query<{ dump: string }>(
      "select row_to_json(u)::text as dump from auth.users as u where u.id = $1",
      [ann.id],
    );
    expect(rows[0]?.dump).not.toContain(MARKER);
  });

  it("greets the user by the profile's name in account emails, opened when they are sent", async () => {
    const ann = await newUser(`Ann Mail ${MARKER}`);
    const response = await fetch(`${api.url}/api/auth/forgot-password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ann.email }),
    });
    expect(response.status).toBe(202);
    const reset = async () =>
      (
        await api.supabase.db.query<{ status: string; provider_message_id: string }>(
          `select status, provider_message_id from public.notifications
           where user_id = $1 and template = 'password_reset'`,
          [ann.id],
        )
      ).rows[0];
    await expect.poll(async () => (await reset())?.status).toBe("sent");
    const page = await fetch(`${api.url}/__dev/outbox/${(await reset())?.provider_message_id}`);
    expect(await page.text()).toContain(`Hi Ann Mail ${MARKER},`);
  });

  it("cleans a registered name's control characters instead of failing the sign-up", async () => {
    const odd = await register("  Ann\tExample ");
    expect((await profileRow(odd.id))?.full_name).toBe("Ann Example");
  });

  it("copies no name from user_metadata into the profile: the sign-up trigger cannot seal it", async () => {
    const created = await api.supabase.client(api.supabase.serviceRoleKey).auth.admin.createUser({
      email: `profile-${crypto.randomUUID().slice(0, 8)}@example.test`,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: `Metadata ${MARKER}` },
    });
    if (created.error) throw created.error;
    expect(await profileRow(created.data.user.id)).toMatchObject({ full_name: null });
    expect(await rowDump(created.data.user.id)).not.toContain(MARKER);
  });
});

describe("PUT /api/users/me", () => {
  it("replaces the profile, normalizing the locale and time zone, and answers it", async () => {
    const ann = await newUser("Ann");
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

  it("stores the name and phone as ciphertext, never in the clear", async () => {
    const ann = await newUser("Ann");
    const response = await put(ann.accessToken, {
      ...fullUpdate,
      fullName: `Ann ${MARKER}`,
      phone: "+14155550987",
    });
    expect(await response.json()).toMatchObject({
      fullName: `Ann ${MARKER}`,
      phone: "+14155550987",
    });
    const dump = await rowDump(ann.id);
    expect(dump).not.toContain(MARKER);
    expect(dump).not.toContain("4155550987");
    expect(dump).toMatch(/"full_name_sealed":"v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+"/);
    expect(dump).toMatch(/"phone_sealed":"v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+"/);
  });

  it("clears fields sent as null and bumps updated_at", async () => {
    const ann = await newUser("Ann");
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

  it("changes only the fields sent: one left out keeps its value, null clears it", async () => {
    const ann = await newUser("Ann");
    await expectJson(await put(ann.accessToken, fullUpdate), 200);
    const renamed = await expectJson(await put(ann.accessToken, { fullName: "Ann B" }), 200);
    expect(renamed).toMatchObject({
      fullName: "Ann B",
      phone: "+14155550123",
      locale: "en-GB",
      timeZone: "Europe/Paris",
    });
    await expectJson(await put(ann.accessToken, { phone: null, locale: "fr-fr" }), 200);
    expect(await profileRow(ann.id)).toEqual({
      id: ann.id,
      full_name: "Ann B",
      phone: null,
      locale: "fr-FR",
      time_zone: "Europe/Paris",
    });
  });

  it("answers the profile unchanged to an empty update, writing nothing", async () => {
    const ann = await newUser("Ann");
    await expectJson(await put(ann.accessToken, fullUpdate), 200);
    const before = await rowDump(ann.id);
    expect(await expectJson(await put(ann.accessToken, {}), 200)).toMatchObject({
      fullName: "Ann Example",
      phone: "+14155550123",
    });
    expect(await rowDump(ann.id)).toBe(before);
  });

  it.each([
    ["role", { role: "admin" }],
    ["email", { email: "someone-else@example.test" }],
    ["id", { id: "00000000-0000-4000-8000-000000000001" }],
    ["app_metadata", { app_metadata: { roles: ["admin"] } }],
  ])("refuses a mass-assigned %s with 400 and writes nothing", async (field, extra) => {
    const ann = await newUser("Ann");
    const before = await profileRow(ann.id);
    const { rows: authBefore } = await api.supabase.db.query(
      "select email, raw_app_meta_data from auth.users where id = $1",
      [ann.id],
    );
    const response = await put(ann.accessToken, { ...fullUpdate, ...extra });
    const body = await expectProblem(response, 400, "validation_failed");
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
    const ann = await newUser("Ann");
    const response = await put(ann.accessToken, { ...fullUpdate, [field]: value });
    expect(await expectProblem(response, 400, "validation_failed")).toEqual({
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
    const ann = await newUser("Ann");
    const ben = await newUser("Ben");
    expect(await (await call(ben.accessToken)).json()).toMatchObject({ id: ben.id });
    const response = await put(ben.accessToken, { ...fullUpdate, fullName: "Ben B" });
    expect(await response.json()).toMatchObject({ id: ben.id, fullName: "Ben B" });
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
  });

  it("is out of reach through the Data API with the other user's token too", async () => {
    const ann = await newUser("Ann");
    const ben = await newUser("Ben");
    const asBen = api.supabase.client(ben.accessToken);

    const read = await asBen.from("profiles").select("id, full_name_sealed").eq("id", ann.id);
    expect(read.error).toBeNull();
    expect(read.data).toEqual([]);
    const all = await asBen.from("profiles").select("id");
    expect(all.data).toEqual([{ id: ben.id }]);

    const update = await asBen
      .from("profiles")
      .update({ time_zone: "UTC" })
      .eq("id", ann.id)
      .select("id");
    expect(update.error).toBeNull();
    expect(update.data).toEqual([]);
    const removal = await asBen.from("profiles").delete().eq("id", ann.id).select("id");
    expect(removal.data ?? []).toEqual([]);
    const insert = await asBen.from("profiles").insert({ id: crypto.randomUUID() });
    expect(insert.error?.code).toBe("42501");
    expect(await profileRow(ann.id)).toMatchObject({ full_name: "Ann", time_zone: null });

    const anonymous = await api.supabase.client().from("profiles").select("id");
    expect(anonymous.data ?? []).toEqual([]);
  });

  it("cannot be taken over by rewriting one's own row's id", async () => {
    const ann = await newUser("Ann");
    const ben = await newUser("Ben");
    const moved = await api.supabase
      .client(ben.accessToken)
      .from("profiles")
      .update({ id: ann.id, locale: "en" })
      .eq("id", ben.id);
    expect(moved.error?.code).toBe("42501");
    expect((await profileRow(ann.id))?.full_name).toBe("Ann");
    expect(await profileRow(ben.id)).toBeDefined();
  });

  it("leaves users only their locale and time zone to change through the Data API", async () => {
    const ben = await newUser("Ben");
    const asBen = api.supabase.client(ben.accessToken).from("profiles");
    const backdated = await asBen.update({ created_at: "2000-01-01T00:00:00Z" }).eq("id", ben.id);
    expect(backdated.error?.code).toBe("42501");
    // A sealed column takes only what the server sealed: a client could store clear text, or a
    // value that no longer opens.
    const forged = [
      { full_name_sealed: "Ben in the clear" },
      { full_name_sealed: sealPersonalData("Ben B", PROFILE_SEALED_COLUMNS.full_name_sealed) },
      { phone_sealed: "+14155550123" },
      { full_name_unsealed: "Ben in the clear" },
    ];
    for (const values of forged) {
      expect((await asBen.update(values).eq("id", ben.id)).error?.code).toBe("42501");
    }
    expect(await profileRow(ben.id)).toMatchObject({ full_name: "Ben", phone: null });
    const zone = await asBen
      .update({ locale: "de-DE", time_zone: "Europe/Berlin" })
      .eq("id", ben.id);
    expect(zone.error).toBeNull();
    expect(await profileRow(ben.id)).toMatchObject({ locale: "de-DE", time_zone: "Europe/Berlin" });
    const { rows } = await api.supabase.db.query<{ recent: boolean }>(
      "select created_at > now() - interval '1 hour' as recent from public.profiles where id = $1",
      [ben.id],
    );
    expect(rows[0]?.recent).toBe(true);
  });
});

describe("DELETE /api/users/me", () => {
  it("refuses a stale session without a password with 403, and deletes nothing", async () => {
    const ann = await newUser("Ann");
    const token = await staleToken(ann);
    for (const response of [await remove(token), await remove(token, {})]) {
      await expectProblem(response, 403, "reauthentication_required");
    }
    expect(await userExists(ann.id)).toBe(true);
    expect(await profileRow(ann.id)).toBeDefined();
  });

  it("refuses a wrong password with 403, and the account stays usable", async () => {
    const ann = await newUser("Ann");
    const response = await remove(await staleToken(ann), { password: "not the password" });
    expect(await expectProblem(response, 403, "reauthentication_required")).toMatchObject({
      detail: "The password is not correct.",
    });
    expect(await userExists(ann.id)).toBe(true);
    await expect(signIn(ann.email)).resolves.toBeDefined();
  });

  it("deletes the account with the right password: no sign-in, no profile, no sessions", async () => {
    const ann = await newUser("Ann");
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
    const ann = await newUser("Ann");
    const { accessToken } = await signIn(ann.email);
    const response = await remove(accessToken);
    expect(response.status).toBe(204);
    expect(await userExists(ann.id)).toBe(false);
    expect(await profileRow(ann.id)).toBeUndefined();
  });

  it("deletes only the caller's account", async () => {
    const ann = await newUser("Ann");
    const ben = await newUser("Ben");
    expect((await remove(ben.accessToken)).status).toBe(204);
    expect(await userExists(ben.id)).toBe(false);
    expect(await userExists(ann.id)).toBe(true);
    expect(await profileRow(ann.id)).toBeDefined();
  });

  it("is refused by the database too, for a stale token that goes around the API", async () => {
    const ann = await newUser("Ann");
    const direct = await api.supabase.client(await staleToken(ann)).rpc("delete_my_account");
    expect(direct.error?.code).toBe("PT403");
    expect(await userExists(ann.id)).toBe(true);
    const anonymous = await api.supabase.client().rpc("delete_my_account");
    expect(anonymous.error).not.toBeNull();
  });

  it("counts password guesses against the account: the sixth within the window is 429", async () => {
    const ann = await newUser("Ann");
    const token = await staleToken(ann);
    for (let guess = 1; guess <= 5; guess++) {
      expect((await remove(token, { password: `guess ${guess}` })).status).toBe(403);
    }
    const response = await remove(token, { password: PASSWORD });
    await expectProblem(response, 429, "rate_limited");
    expect(await userExists(ann.id)).toBe(true);
  });

  it("counts only wrong passwords: others asking for the address cannot stop the owner", async () => {
    const ann = await newUser("Ann");
    const token = await staleToken(ann);
    // Five reset mails asked for (anyone may ask, for any address): the most an address gets in
    // 15 minutes, and none of them a password guess.
    const resets = await Promise.all(
      Array.from({ length: 5 }, () => postJson("/api/auth/forgot-password", { email: ann.email })),
    );
    expect(resets.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);
    await api.settle();
    const response = await remove(token, { password: PASSWORD });
    expect(response.status).toBe(204);
    expect(await userExists(ann.id)).toBe(false);
  });

  it("counts a wrong password as a failed sign-in, in the same limits as POST /api/auth/login", async () => {
    const ann = await newUser("Ann");
    const token = await staleToken(ann);
    const failedSignIns = await Promise.all(
      Array.from({ length: 4 }, (_, guess) =>
        postJson("/api/auth/login", { email: ann.email, password: `guess ${guess}` }),
      ),
    );
    expect(failedSignIns.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect((await remove(token, { password: "guess 5" })).status).toBe(403);
    // Five failures from this address: neither door takes a sixth attempt, right or wrong.
    const deletion = await remove(token, { password: PASSWORD });
    await expectProblem(deletion, 429, "rate_limited");
    expect(await userExists(ann.id)).toBe(true);
    const signIn = await postJson("/api/auth/login", { email: ann.email, password: PASSWORD });
    expect(signIn.status).toBe(429);
  });

  it("refuses unknown fields in the body with 400", async () => {
    const ann = await newUser("Ann");
    const response = await remove(ann.accessToken, { password: PASSWORD, force: true });
    expect((await expectProblem(response, 400, "validation_failed")).errors).toEqual({
      body: ["Unknown field: force"],
    });
    expect(await userExists(ann.id)).toBe(true);
  });
});
