// Settings and device sync through the dev server against the local stack: versioned writes by
// compare-and-swap (public.write_settings), 409 with the server's copy on a stale write, 304 for
// a device that is up to date, the 64 KB limit on both sides of the API, the bounded history, and
// row-level security keeping every user to their own settings, through the API and around it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS_DOCUMENT_MAX_BYTES } from "../../lib/settings/document.js";
import { TIER_FEATURES } from "../../lib/subscriptions/features.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { grantTier } from "../helpers/tier.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

type User = { id: string; accessToken: string };

/**
 * A user on the premium tier: these tests are about versions, conflicts and the 64 KB cap, not
 * the smaller documents and fewer devices of the lower tiers (tests/api/subscriptions.test.ts).
 */
async function premiumUser(): Promise<User> {
  const user = await api.signUp();
  await grantTier(api, user.id, "premium");
  return user;
}
type Body = Record<string, unknown>;

const call = (
  token: string | undefined,
  path: string,
  init: { method?: string; body?: unknown } = {},
) => send(api, init.method ?? "GET", path, { token, body: init.body });

const putSettings = (user: User, body: unknown) =>
  call(user.accessToken, "/api/users/me/settings", { method: "PUT", body });
const push = (user: User, body: unknown) =>
  call(user.accessToken, "/api/sync/push", { method: "POST", body });

/** The user's row and history as the database holds them (raw SQL, no RLS). */
async function stored(userId: string) {
  const settings = await api.supabase.db.query<{
    version: number;
    schema_version: number;
    document: unknown;
    updated_by_device: string | null;
  }>(
    `select version::int, schema_version, document, updated_by_device
       from public.user_settings where user_id = $1`,
    [userId],
  );
  const history = await api.supabase.db.query<{
    version: number;
    document: unknown;
    device: string | null;
  }>(
    `select version::int, document, device from public.settings_history
      where user_id = $1 order by version`,
    [userId],
  );
  return { row: settings.rows[0], history: history.rows };
}

/** A user whose settings are at version `count`, written through the API. */
async function userWithVersions(count: number): Promise<User> {
  const user = await premiumUser();
  for (let version = 0; version < count; version++) {
    await expectJson<Body>(
      await putSettings(user, {
        baseVersion: version,
        schemaVersion: 1,
        data: { theme: "dark", step: version + 1 },
      }),
      200,
    );
  }
  return user;
}

describe("GET /api/users/me/settings", () => {
  it("answers version 0 and an empty document before the first write", async () => {
    const user = await premiumUser();
    const body = await expectJson<Body>(
      await call(user.accessToken, "/api/users/me/settings"),
      200,
    );
    expect(body).toEqual({ version: 0, schemaVersion: 0, data: {}, updatedAt: null });
  });
});

describe("PUT /api/users/me/settings", () => {
  it("writes version 1, then version 2 from it, and reads back what was written", async () => {
    const user = await premiumUser();
    const first = await expectJson<Body>(
      await putSettings(user, { baseVersion: 0, schemaVersion: 3, data: { theme: "dark" } }),
      200,
    );
    expect(first).toMatchObject({ version: 1, schemaVersion: 3, data: { theme: "dark" } });
    const data = { theme: "light", shortcuts: { save: "mod+s" }, recent: [1, 2.5, null, true] };
    const second = await expectJson<Body>(
      await putSettings(user, { baseVersion: 1, schemaVersion: 4, data }),
      200,
    );
    expect(second).toEqual({
      version: 2,
      schemaVersion: 4,
      data,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(
      await expectJson<Body>(await call(user.accessToken, "/api/users/me/settings"), 200),
    ).toEqual(second);
    const { row, history } = await stored(user.id);
    expect(row).toEqual({ version: 2, schema_version: 4, document: data, updated_by_device: null });
    expect(history.map((entry) => entry.version)).toEqual([1, 2]);
  });

  it("refuses a write from a stale version with 409 and the server's copy, changing nothing", async () => {
    const user = await userWithVersions(2);
    const server = await expectJson<Body>(
      await call(user.accessToken, "/api/users/me/settings"),
      200,
    );
    const before = await stored(user.id);

    const problem = await expectProblem(
      await putSettings(user, { baseVersion: 1, schemaVersion: 1, data: { theme: "stale" } }),
      409,
      "version_conflict",
    );
    expect(problem.current).toEqual(server);
    expect(await stored(user.id)).toEqual(before);
  });

  it("refuses a first write (base 0) once settings exist, and a base from the future", async () => {
    const user = await userWithVersions(1);
    const before = await stored(user.id);
    for (const baseVersion of [0, 7]) {
      const problem = await expectProblem(
        await putSettings(user, { baseVersion, schemaVersion: 1, data: { theme: "other" } }),
        409,
        "version_conflict",
      );
      expect(problem.current).toMatchObject({ version: 1, data: { theme: "dark", step: 1 } });
    }
    expect(await stored(user.id)).toEqual(before);
  });

  it("answers a write from a version when there are no settings with the empty copy", async () => {
    const user = await premiumUser();
    const problem = await expectProblem(
      await putSettings(user, { baseVersion: 3, schemaVersion: 1, data: {} }),
      409,
      "version_conflict",
    );
    expect(problem.current).toEqual({ version: 0, schemaVersion: 0, data: {}, updatedAt: null });
    expect((await stored(user.id)).row).toBeUndefined();
  });
});

describe("sync for devices", () => {
  // Base 0 races on the first insert (the primary key), base 1 on the update of the row.
  it.each([0, 1])(
    "settles 20 concurrent pushes from two devices on base %i: one lands, 19 get 409",
    async (base) => {
      const user = await userWithVersions(base);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          push(user, {
            baseVersion: base,
            schemaVersion: 1,
            device: i % 2 === 0 ? "laptop" : "phone",
            data: { attempt: i },
          }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);

      const winner = await expectJson<Body>(responses[statuses.indexOf(200)] as Response, 200);
      expect(winner).toMatchObject({ version: base + 1, schemaVersion: 1 });
      for (const response of responses.filter((r) => r.status === 409)) {
        const problem = await expectProblem(response, 409, "version_conflict");
        // Every loser is told about the winner, not about a copy it could overwrite.
        expect(problem.current).toEqual(winner);
      }
      const { row, history } = await stored(user.id);
      expect(row).toMatchObject({
        version: base + 1,
        document: winner.data,
        updated_by_device: winner.device,
      });
      expect(history.map((entry) => entry.version)).toEqual(
        Array.from({ length: base + 1 }, (_, i) => i + 1),
      );
      expect(history.at(-1)).toEqual({
        version: base + 1,
        document: winner.data,
        device: winner.device,
      });
    },
  );

  it("PUT /api/sync/settings writes with the device's name, which GET shows", async () => {
    const user = await userWithVersions(1);
    const written = await expectJson<Body>(
      await call(user.accessToken, "/api/sync/settings", {
        method: "PUT",
        body: { baseVersion: 1, schemaVersion: 2, device: "  Firefox on laptop ", data: { a: 1 } },
      }),
      200,
    );
    expect(written).toMatchObject({ version: 2, schemaVersion: 2, device: "Firefox on laptop" });
    expect(await expectJson<Body>(await call(user.accessToken, "/api/sync/settings"), 200)).toEqual(
      written,
    );
    // The web app's view leaves the device out.
    expect(
      await expectJson<Body>(await call(user.accessToken, "/api/users/me/settings"), 200),
    ).not.toHaveProperty("device");
    const stale = await expectJson<Body>(
      await call(user.accessToken, "/api/sync/settings", {
        method: "PUT",
        body: { baseVersion: 1, schemaVersion: 2, device: "phone", data: { a: 2 } },
      }),
      409,
    );
    expect(stale.current).toEqual(written);
  });

  it("pull answers 304 with no body when the device is current, and the copy when behind", async () => {
    const user = await userWithVersions(3);
    for (const since of [3, 4]) {
      const response = await call(user.accessToken, `/api/sync/pull?since=${since}`);
      expect(response.status).toBe(304);
      expect(await response.text()).toBe("");
    }
    const current = await expectJson<Body>(await call(user.accessToken, "/api/sync/settings"), 200);
    for (const since of [0, 2]) {
      const body = await expectJson<Body>(
        await call(user.accessToken, `/api/sync/pull?since=${since}`),
        200,
      );
      expect(body).toEqual(current);
    }
  });

  it("pull answers 304 to a device of a user who has no settings yet", async () => {
    const user = await premiumUser();
    expect((await call(user.accessToken, "/api/sync/pull?since=0")).status).toBe(304);
  });

  it("pull without since answers the whole current copy, also before the first write", async () => {
    const fresh = await premiumUser();
    expect(await expectJson<Body>(await call(fresh.accessToken, "/api/sync/pull"), 200)).toEqual({
      version: 0,
      schemaVersion: 0,
      data: {},
      updatedAt: null,
      device: null,
    });
    const user = await userWithVersions(2);
    const current = await expectJson<Body>(await call(user.accessToken, "/api/sync/settings"), 200);
    expect(await expectJson<Body>(await call(user.accessToken, "/api/sync/pull"), 200)).toEqual(
      current,
    );
  });

  it.each(["?since=", "?since=-1", "?since=abc", "?since=1.5", "?since=1&extra=1"])(
    "pull refuses the query %j with 400",
    async (query) => {
      const user = await premiumUser();
      await expectProblem(
        await call(user.accessToken, `/api/sync/pull${query}`),
        400,
        "validation_failed",
      );
    },
  );
});

describe("the 64 KB document limit", () => {
  // {"x": "…"} as jsonb text is the string plus 9 bytes.
  const documentOf = (bytes: number) => ({ x: "y".repeat(bytes - 9) });

  it("stores a document of exactly 64 KB as the database measures it", async () => {
    const user = await premiumUser();
    const data = documentOf(SETTINGS_DOCUMENT_MAX_BYTES);
    await expectJson<Body>(
      await putSettings(user, { baseVersion: 0, schemaVersion: 1, data }),
      200,
    );
    const { rows } = await api.supabase.db.query<{ bytes: number }>(
      "select octet_length(document::text) as bytes from public.user_settings where user_id = $1",
      [user.id],
    );
    expect(rows[0]?.bytes).toBe(SETTINGS_DOCUMENT_MAX_BYTES);
  });

  it.each([
    ["one byte over, in a body within the limit", documentOf(SETTINGS_DOCUMENT_MAX_BYTES + 1)],
    // 44 KB as JSON.stringify writes it, 66 KB with the spaces jsonb puts after commas.
    ["small as compact JSON but over as jsonb", { list: Array(22_000).fill(0) }],
    ["small as JSON but over once numbers are written out", { n: Array(300).fill(1e300) }],
  ])("answers 413 for a document %s, and writes nothing", async (_, data) => {
    const user = await userWithVersions(1);
    const before = await stored(user.id);
    await expectProblem(
      await push(user, { baseVersion: 1, schemaVersion: 1, device: "d", data }),
      413,
      "payload_too_large",
    );
    expect(await stored(user.id)).toEqual(before);
  });

  it("answers 413 for a body over its limit before reading it", async () => {
    const user = await premiumUser();
    const data = documentOf(SETTINGS_DOCUMENT_MAX_BYTES + 8 * 1024);
    await expectProblem(
      await putSettings(user, { baseVersion: 0, schemaVersion: 1, data }),
      413,
      "payload_too_large",
    );
    expect((await stored(user.id)).row).toBeUndefined();
  });

  it("is enforced by the table too, for a write that goes around the API", async () => {
    const user = await premiumUser();
    const { error } = await api.supabase.client(user.accessToken).rpc("write_settings", {
      p_base_version: 0,
      p_document: documentOf(SETTINGS_DOCUMENT_MAX_BYTES + 1),
      p_schema_version: 1,
      p_device: null,
    });
    expect(error?.code).toBe("23514");
    expect((await stored(user.id)).row).toBeUndefined();
  });

  it.each([
    ["a NUL character", '{"a": "x\\u0000y"}'],
    ["a NUL character in a key", '{"a\\u0000": 1}'],
    ["a lone surrogate", '{"a": "\\ud800"}'],
    ["a number too large for JSON", '{"a": 1e400}'],
    ["a __proto__ key", '{"__proto__": {"admin": true}}'],
    ["nesting deeper than 32", `${'{"a":'.repeat(40)}1${"}".repeat(40)}`],
    ["an array", "[1, 2]"],
  ])("answers 400 for a document with %s", async (_, data) => {
    const user = await premiumUser();
    const body = `{"baseVersion": 0, "schemaVersion": 1, "data": ${data}}`;
    const problem = await expectProblem(
      await call(user.accessToken, "/api/users/me/settings", { method: "PUT", body }),
      400,
      "validation_failed",
    );
    // Named at the document, or deeper where the validator can point at the bad value.
    const fields = Object.keys((problem as { errors: Record<string, string[]> }).errors);
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((field) => field === "data" || field.startsWith("data."))).toBe(true);
    expect((await stored(user.id)).row).toBeUndefined();
  });
});

describe("history", () => {
  it("keeps the newest 50 versions with their documents and devices", async () => {
    const user = await userWithVersions(1);
    const db = api.supabase.client(user.accessToken);
    for (let base = 1; base <= 54; base++) {
      const { data, error } = await db
        .rpc("write_settings", {
          p_base_version: base,
          p_document: { step: base + 1 },
          p_schema_version: 1,
          p_device: base % 2 ? "laptop" : "phone",
        })
        .single<{ applied: boolean; version: number }>();
      expect(error).toBeNull();
      expect(data).toMatchObject({ applied: true, version: base + 1 });
    }
    const { history } = await stored(user.id);
    expect(history.map((entry) => entry.version)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 6),
    );
    expect(history.at(-1)).toEqual({ version: 55, document: { step: 55 }, device: "phone" });
    const { data } = await db.from("settings_history").select("version");
    expect(data).toHaveLength(50);
  });
});

describe("users are kept to their own settings", () => {
  let ann: User;
  let ben: User;
  let annBefore: Awaited<ReturnType<typeof stored>>;
  beforeAll(async () => {
    ann = await userWithVersions(3);
    ben = await premiumUser();
    annBefore = await stored(ann.id);
  });

  it("through the API, each user reads and writes only their own", async () => {
    expect(
      await expectJson<Body>(await call(ben.accessToken, "/api/sync/settings"), 200),
    ).toMatchObject({
      version: 0,
      data: {},
    });
    // Ann's version as the base: Ben has no settings at that version, so he is told his own.
    const problem = await expectProblem(
      await putSettings(ben, { baseVersion: 3, schemaVersion: 1, data: { took: "over" } }),
      409,
      "version_conflict",
    );
    expect(problem.current).toMatchObject({ version: 0, data: {} });
    expect(await stored(ann.id)).toEqual(annBefore);
  });

  it("with supabase-js and their own token, a user sees no one else's rows", async () => {
    const db = api.supabase.client(ben.accessToken);
    for (const table of ["user_settings", "settings_history"]) {
      const { data, error } = await db.from(table).select("*").eq("user_id", ann.id);
      expect(error).toBeNull();
      expect(data).toEqual([]);
    }
  });

  it("with supabase-js, no one writes the tables directly, not even their own rows", async () => {
    for (const user of [ben, ann]) {
      const db = api.supabase.client(user.accessToken);
      const row = { version: 1, schema_version: 1, document: {} };
      const inserts = [
        db.from("user_settings").insert({ ...row, user_id: user.id }),
        db.from("user_settings").insert({ ...row, user_id: ann.id }),
        db.from("settings_history").insert({ ...row, user_id: user.id, version: 99 }),
      ];
      for (const { error } of await Promise.all(inserts)) expect(error?.code).toBe("42501");
      // The migration takes the grants away; a table that has them again (the local stack
      // re-grants on every start, as Supabase does once) still has no policy to write through.
      const changes = [
        db.from("user_settings").update({ version: 99 }).eq("user_id", ann.id).select(),
        db.from("user_settings").delete().eq("user_id", ann.id).select(),
        db.from("settings_history").update({ document: {} }).eq("user_id", ann.id).select(),
        db.from("settings_history").delete().eq("user_id", ann.id).select(),
      ];
      for (const { data, error } of await Promise.all(changes)) {
        if (error) expect(error.code).toBe("42501");
        else expect(data).toEqual([]);
      }
    }
    expect(await stored(ann.id)).toEqual(annBefore);
    expect((await stored(ben.id)).row).toBeUndefined();
  });

  it("write_settings called directly only ever touches the caller's own row", async () => {
    const db = api.supabase.client(ben.accessToken);
    const call = (base: number) =>
      db
        .rpc("write_settings", {
          p_base_version: base,
          p_document: { mine: true },
          p_schema_version: 1,
          p_device: "ben's",
        })
        .single<{ applied: boolean; version: number; document: unknown }>();
    const onAnnsVersion = await call(3);
    expect(onAnnsVersion.data).toMatchObject({ applied: false, version: 0, document: null });
    const first = await call(0);
    expect(first.data).toMatchObject({ applied: true, version: 1, document: { mine: true } });
    expect(await stored(ann.id)).toEqual(annBefore);
    expect((await stored(ben.id)).row).toMatchObject({ version: 1, document: { mine: true } });
  });

  it("write_settings is closed to anonymous callers", async () => {
    const { error } = await api.supabase.client().rpc("write_settings", {
      p_base_version: 0,
      p_document: {},
      p_schema_version: 1,
      p_device: null,
    });
    expect(error?.code).toBe("42501");
  });
});

describe("the tiers' limits in the database", () => {
  it("are the numbers of TIER_FEATURES", async () => {
    for (const [tier, features] of Object.entries(TIER_FEATURES)) {
      const { rows } = await api.supabase.db.query<{
        settings_bytes: number;
        synced_devices: number;
      }>("select * from public.tier_settings_limits($1)", [tier]);
      expect(rows[0], tier).toEqual({
        settings_bytes: features.settingsBytes,
        synced_devices: features.syncedDevices,
      });
    }
  });

  it("hold for a free user calling write_settings through the Data API directly", async () => {
    const user = await api.signUp();
    const client = api.supabase.client(user.accessToken);
    const write = (base: number, device: string, bytes: number) =>
      client.rpc("write_settings", {
        p_base_version: base,
        p_document: { x: "y".repeat(bytes - 9) },
        p_schema_version: 1,
        p_device: device,
      });
    const limit = TIER_FEATURES.free.settingsBytes;
    expect((await write(0, "laptop", limit + 1)).error?.code).toBe("PT402");
    expect((await write(0, "laptop", limit)).error).toBeNull();
    expect((await write(1, "phone", 100)).error?.code).toBe("PT402");
    expect((await write(1, "laptop", 100)).error).toBeNull();
  });
});
