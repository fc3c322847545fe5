// Consent in the database (supabase/migrations/20261121000300_consent.sql): record_consent over
// the real supabase-js client — the server's alone (service role), naming the acting user —
// records that no role can change or delete before they expire (through the Data API with each
// key, and through SQL as each role and as the table owner), the staff read and its log, the
// purge, and the versions' own rules.
//
// With DATABASE_URL the database is shared between files and runs, so every test makes its own
// email hashes and versions and looks only at rows it made.
import { randomBytes, randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSealed } from "../helpers/sealed.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
const run = randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery";

interface User {
  id: string;
  client: SupabaseClient;
}

let alice: User;
let staff: User;
let anon: SupabaseClient;
let service: SupabaseClient;

/** The seeded version (supabase/seed.sql) and one made here with a short retention. */
const VERSION = "2026-11";
const ITEMS = ["cancellation_policy", "confidentiality", "emergency_contact", "telehealth_risks"];
const SHORT = `short-${run}`;
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

const emailHash = () => randomBytes(32).toString("hex");
/** The request's IP as the server seals it (the evidence record_consent stores). */
const IP_SEALED = fakeSealed("203.0.113.7");

async function signUp(name: string, role?: string): Promise<User> {
  const email = `${name}-${run}@example.test`;
  const { data, error } = await stack.client().auth.signUp({ email, password: PASSWORD });
  if (error || !data.user) throw error ?? new Error("no user");
  if (role) {
    await stack.db.query(
      `update auth.users set raw_app_meta_data = raw_app_meta_data || jsonb_build_object('role', $2::text)
       where id = $1`,
      [data.user.id, role],
    );
  }
  // Signed in again, so that the token carries the role.
  const session = await stack.client().auth.signInWithPassword({ email, password: PASSWORD });
  if (session.error || !session.data.session) throw session.error ?? new Error("no session");
  return { id: data.user.id, client: stack.client(session.data.session.access_token) };
}

interface Consent {
  version?: string;
  slug?: string;
  hash?: string;
  acknowledgments?: (string | null)[];
}

/**
 * record_consent as the API calls it: the server (service role) for a signed-in user, or for a
 * guest when `user` is null.
 */
function recordConsent(user: User | null, consent: Consent = {}) {
  return service
    .rpc("record_consent", {
      p_user_id: user?.id ?? null,
      p_session_type_slug: consent.slug ?? "individual",
      p_consent_version: consent.version ?? VERSION,
      p_email_hash: consent.hash ?? emailHash(),
      p_acknowledgments: consent.acknowledgments ?? ITEMS,
      p_ip_sealed: IP_SEALED,
      p_user_agent: "ConsentTest/1.0",
    })
    .single<{ id: string; expires_at: string }>();
}

async function recordOk(user: User | null, consent?: Consent) {
  const { data, error } = await recordConsent(user, consent);
  expect(error).toBeNull();
  return data as { id: string; expires_at: string };
}

interface RecordRow {
  user_id: string | null;
  user_agent: string;
  acknowledgments: string[];
  expired: boolean;
}

async function recordRow(id: string): Promise<RecordRow | undefined> {
  const { rows } = await stack.db.query<RecordRow>(
    `select user_id::text, user_agent, acknowledgments, expires_at <= now() as expired
     from public.consent_records where id = $1`,
    [id],
  );
  return rows[0];
}

/** A record that expired yesterday, inserted as the table owner. */
async function expiredRecord(): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.consent_records
       (consent_version, session_type_id, email_hash, acknowledgments, created_at, expires_at)
     values ($1, $2, $3, $4, now() - interval '31 days', now() - interval '1 day')
     returning id::text`,
    [VERSION, INDIVIDUAL, emailHash(), `{${ITEMS.join(",")}}`],
  );
  return rows[0]?.id as string;
}

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  anon = stack.client();
  service = stack.client(stack.serviceRoleKey);
  [alice, staff] = await Promise.all([signUp("alice"), signUp("staff", "staff")]);
  await stack.db.query(
    `insert into public.consent_versions (version, title, required_items, retention_days)
     values ($1, 'Short retention', '{confidentiality}', 30)`,
    [SHORT],
  );
});

afterAll(async () => {
  // Records keep their version, so it cannot go; retired, it is offered to nobody.
  await stack?.db.query("update public.consent_versions set active = false where version = $1", [
    SHORT,
  ]);
  await stack?.close();
});

describe("record_consent", () => {
  it("records a guest's consent without a user, and a signed-in caller's with theirs", async () => {
    const guest = await recordOk(null);
    expect((await recordRow(guest.id))?.user_id).toBeNull();
    const signedIn = await recordOk(alice);
    expect((await recordRow(signedIn.id))?.user_id).toBe(alice.id);
  });

  it("sets expires_at from the version's retention", async () => {
    const consent = await recordOk(null, { version: SHORT, acknowledgments: ["confidentiality"] });
    const { rows } = await stack.db.query<{ retention: string; returned: boolean }>(
      `select (expires_at - created_at)::text as retention, expires_at = $2::timestamptz as returned
       from public.consent_records where id = $1`,
      [consent.id, consent.expires_at],
    );
    expect(rows).toEqual([{ retention: "30 days", returned: true }]);
    const seeded = await recordOk(null);
    const { rows: seededRows } = await stack.db.query<{ retention: string }>(
      "select (expires_at - created_at)::text as retention from public.consent_records where id = $1",
      [seeded.id],
    );
    expect(seededRows).toEqual([{ retention: "2555 days" }]);
  });

  it("stores the acknowledgments sorted and without repeats", async () => {
    const consent = await recordOk(null, { acknowledgments: [...ITEMS].reverse().concat(ITEMS) });
    expect((await recordRow(consent.id))?.acknowledgments).toEqual(ITEMS);
  });

  const wrong: [string, (string | null)[]][] = [
    ["a required item missing", ITEMS.slice(1)],
    ["an item the version does not have", [...ITEMS, "marketing_emails"]],
    ["no items", []],
    ["a null item", [...ITEMS, null]],
  ];

  it.each(wrong)("refuses %s with VC001 and writes nothing", async (_, acknowledgments) => {
    const hash = emailHash();
    const { error } = await recordConsent(null, { hash, acknowledgments });
    expect(error?.code).toBe("VC001");
    const { rows } = await stack.db.query(
      "select 1 from public.consent_records where email_hash = $1",
      [hash],
    );
    expect(rows).toEqual([]);
  });

  it("refuses an unknown or retired version with VC002, an unknown session type with PT404", async () => {
    const retired = `retired-${run}`;
    await stack.db.query(
      `insert into public.consent_versions (version, title, required_items, retention_days, active)
       values ($1, 'Retired', '{confidentiality}', 30, false)`,
      [retired],
    );
    for (const version of [`unknown-${run}`, retired]) {
      const { error } = await recordConsent(null, {
        version,
        acknowledgments: ["confidentiality"],
      });
      expect(error?.code).toBe("VC002");
    }
    expect((await recordConsent(null, { slug: `nope-${run}` })).error?.code).toBe("PT404");
    await stack.db.query("delete from public.consent_versions where version = $1", [retired]);
  });

  it("takes the user only from the server, and only one who exists", async () => {
    // A client cannot name a user (nor type the evidence): the function is not theirs to call.
    const hash = emailHash();
    for (const db of [anon, alice.client, staff.client]) {
      const forged = await db.rpc("record_consent", {
        p_user_id: alice.id,
        p_session_type_slug: "individual",
        p_consent_version: VERSION,
        p_email_hash: hash,
        p_acknowledgments: ITEMS,
        p_ip_sealed: null,
        p_user_agent: null,
      });
      expect(forged.error?.code).toBe("42501");
    }
    const gone = await recordConsent({ id: randomUUID(), client: anon }, { hash });
    expect(gone.error?.code).toBe("28000");
    const { rows } = await stack.db.query(
      "select 1 from public.consent_records where email_hash = $1",
      [hash],
    );
    expect(rows).toEqual([]);
  });

  it("stores the IP only sealed", async () => {
    const { error } = await service.rpc("record_consent", {
      p_user_id: null,
      p_session_type_slug: "individual",
      p_consent_version: VERSION,
      p_email_hash: emailHash(),
      p_acknowledgments: ITEMS,
      p_ip_sealed: "203.0.113.7",
      p_user_agent: "ConsentTest/1.0",
    });
    expect(error?.code).toBe("23514");
  });
});

describe("consent records are append-only", () => {
  let id: string;

  beforeAll(async () => {
    id = (await recordOk(alice)).id;
  });

  it("lets no API role read, change or delete a record through the Data API", async () => {
    for (const db of [anon, alice.client, staff.client, service]) {
      const update = await db
        .from("consent_records")
        .update({ user_agent: "changed", acknowledgments: ["confidentiality"] })
        .eq("id", id);
      expect(update.error?.code).toBe("42501");
      const remove = await db.from("consent_records").delete().eq("id", id);
      expect(remove.error?.code).toBe("42501");
    }
    for (const db of [anon, alice.client, staff.client]) {
      const read = await db.from("consent_records").select("id").eq("id", id);
      expect(read.error?.code).toBe("42501");
      const insert = await db.from("consent_records").insert({
        consent_version: VERSION,
        session_type_id: INDIVIDUAL,
        email_hash: emailHash(),
        acknowledgments: ITEMS,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(insert.error?.code).toBe("42501");
    }
    expect(await recordRow(id)).toMatchObject({ user_agent: "ConsentTest/1.0", user_id: alice.id });
  });

  it.each(["anon", "authenticated", "service_role"])(
    "refuses update, delete and truncate as %s in SQL",
    async (role) => {
      for (const statement of [
        "update public.consent_records set user_agent = 'changed' where id = $1",
        "delete from public.consent_records where id = $1",
        "truncate public.consent_records",
      ]) {
        await expect(
          stack.db.transaction({}, async (query) => {
            await query(`set local role ${role}`);
            await query(statement, statement.includes("$1") ? [id] : []);
          }),
        ).rejects.toMatchObject({ code: "42501" });
      }
      expect(await recordRow(id)).toMatchObject({ user_agent: "ConsentTest/1.0" });
    },
  );

  it("refuses the table owner too, until the record has expired", async () => {
    await expect(
      stack.db.query("update public.consent_records set user_agent = 'changed' where id = $1", [
        id,
      ]),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(
      stack.db.query("update public.consent_records set expires_at = now() where id = $1", [id]),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(
      stack.db.query("delete from public.consent_records where id = $1", [id]),
    ).rejects.toMatchObject({ code: "42501" });
    // Cascade, or the foreign key from bookings refuses first; in a transaction that is rolled
    // back if the truncate goes through, so a failure here cannot empty a shared database.
    const truncate = stack.db.transaction({}, async (query) => {
      await query("truncate public.consent_records cascade");
      throw new Error("the truncate went through");
    });
    await expect(truncate).rejects.toMatchObject({ code: "42501" });
    expect(await recordRow(id)).toMatchObject({ user_agent: "ConsentTest/1.0", expired: false });
    const expired = await expiredRecord();
    await stack.db.query("delete from public.consent_records where id = $1", [expired]);
    expect(await recordRow(expired)).toBeUndefined();
  });

  it("keeps the record, without the user, when the account is deleted", async () => {
    const carol = await signUp("carol");
    const consent = await recordOk(carol);
    await stack.db.query("delete from auth.users where id = $1", [carol.id]);
    expect(await recordRow(consent.id)).toEqual({
      user_id: null,
      user_agent: "ConsentTest/1.0",
      acknowledgments: ITEMS,
      expired: false,
    });
  });
});

describe("read_consent_record", () => {
  let id: string;

  beforeAll(async () => {
    id = (await recordOk(alice)).id;
    // Staff see the records their practitioner's bookings rest on: staff's practitioner has a
    // booking on this one.
    const { rows } = await stack.db.query<{ id: string }>(
      `insert into public.practitioners (display_name, time_zone, user_id)
       values ($1, 'UTC', $2) returning id`,
      [`Test consent ${run}`, staff.id],
    );
    await stack.db.query(
      `insert into public.bookings (
         practitioner_id, session_type_id, format, during, blocked, status, amount_minor, currency,
         customer_name_sealed, customer_email_sealed, customer_email_hash, consent_id
       )
       values ($1, $2, 'video', tstzrange(now() + interval '10 days', now() + interval '10 days 50 minutes', '[)'),
         tstzrange(now() + interval '10 days', now() + interval '10 days 1 hour', '[)'),
         'confirmed', 0, 'INR', $3, $4, $5, $6)`,
      [rows[0]?.id as string, INDIVIDUAL, fakeSealed("name"), fakeSealed("email"), emailHash(), id],
    );
  });

  async function readsOf(subject: string) {
    const { rows } = await stack.db.query<{ actor: string; fields: string[] }>(
      `select actor::text, fields from public.personal_data_reads
       where subject_table = 'consent_records' and subject_id = $1`,
      [subject],
    );
    return rows;
  }

  it("hands staff the record without the email hash, and logs the read", async () => {
    const { data, error } = await staff.client.rpc("read_consent_record", { p_id: id }).single();
    expect(error).toBeNull();
    expect(data).toEqual({
      id,
      session_type: "individual",
      consent_version: VERSION,
      acknowledgments: ITEMS,
      ip_sealed: IP_SEALED,
      user_agent: "ConsentTest/1.0",
      user_id: alice.id,
      created_at: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(await readsOf(id)).toEqual([{ actor: staff.id, fields: ["ip", "user_agent"] }]);
  });

  it("answers everyone else as if the record did not exist, the client included", async () => {
    const before = await readsOf(id);
    const other = await signUp("other");
    for (const db of [alice.client, other.client]) {
      const { error } = await db.rpc("read_consent_record", { p_id: id });
      expect(error?.code).toBe("PT404");
    }
    const guest = await anon.rpc("read_consent_record", { p_id: id });
    expect(guest.error?.code).toBe("42501");
    const unknown = await staff.client.rpc("read_consent_record", { p_id: randomUUID() });
    expect(unknown.error?.code).toBe("PT404");
    expect(await readsOf(id)).toEqual(before);
  });
});

describe("purge_expired_consent", () => {
  it("runs for the service role only and deletes the expired records alone", async () => {
    const expired = await expiredRecord();
    const kept = (await recordOk(null)).id;
    for (const db of [anon, alice.client, staff.client]) {
      expect((await db.rpc("purge_expired_consent")).error?.code).toBe("42501");
    }
    expect(await recordRow(expired)).toBeDefined();
    const purged = await service.rpc("purge_expired_consent");
    expect(purged.error).toBeNull();
    expect(purged.data).toBeGreaterThanOrEqual(1);
    expect(await recordRow(expired)).toBeUndefined();
    expect(await recordRow(kept)).toBeDefined();
  });
});

describe("consent versions", () => {
  it("shows anyone the active versions only, and lets no API role write them", async () => {
    const retired = `retired-read-${run}`;
    await stack.db.query(
      `insert into public.consent_versions (version, title, required_items, retention_days, active)
       values ($1, 'Retired', '{confidentiality}', 30, false)`,
      [retired],
    );
    for (const db of [anon, alice.client]) {
      const { data, error } = await db
        .from("consent_versions")
        .select("version, required_items")
        .in("version", [VERSION, retired]);
      expect(error).toBeNull();
      expect(data).toEqual([
        {
          version: VERSION,
          required_items: [
            "confidentiality",
            "cancellation_policy",
            "emergency_contact",
            "telehealth_risks",
          ],
        },
      ]);
      const insert = await db.from("consent_versions").insert({
        version: `mine-${run}`,
        title: "Mine",
        required_items: ["nothing"],
        retention_days: 1,
      });
      expect(insert.error?.code).toBe("42501");
      const update = await db
        .from("consent_versions")
        .update({ required_items: ["confidentiality"] })
        .eq("version", VERSION);
      expect(update.error?.code).toBe("42501");
    }
    await stack.db.query("delete from public.consent_versions where version = $1", [retired]);
  });

  const invalidItems = [
    ["no items", "{}"],
    ["an item that is not a key", "{Confidentiality}"],
    ["a repeated item", "{confidentiality,confidentiality}"],
    ["a null item", "{confidentiality,NULL}"],
  ];

  it.each(invalidItems)("refuses a version with %s", async (_, items) => {
    await expect(
      stack.db.query(
        `insert into public.consent_versions (version, title, required_items, retention_days)
         values ($1, 'Invalid', $2, 30)`,
        [`invalid-${run}`, items],
      ),
    ).rejects.toMatchObject({ code: "23514" });
  });

  it("keeps a published version's items and retention; only its active flag changes", async () => {
    for (const change of ["required_items = '{cancellation_policy}'", "retention_days = 1"]) {
      await expect(
        stack.db.query(`update public.consent_versions set ${change} where version = $1`, [SHORT]),
      ).rejects.toMatchObject({ code: "42501" });
    }
    for (const active of ["false", "true"]) {
      const { rows } = await stack.db.query<{ active: boolean }>(
        "update public.consent_versions set active = $2 where version = $1 returning active",
        [SHORT, active],
      );
      expect(rows).toEqual([{ active: active === "true" }]);
    }
  });
});
