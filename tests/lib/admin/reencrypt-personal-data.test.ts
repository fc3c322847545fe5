// Key rotation end to end (lib/admin/reencrypt-personal-data.ts): rows sealed under k1, the
// configuration rotated to "k2,k1", then the re-encryption through the service client against
// the local stack. lib/crypto reads its keys once per process, so each configuration is a fresh
// copy of lib/ (vi.resetModules) reading the environment as stubbed at that moment.
//
// With DATABASE_URL the database is shared with other files' rows, sealed under other keys (or
// not sealed at all): the runs report those as undecryptable and leave them alone, and every
// assertion here is about this file's own rows, except that a run moves nothing it cannot open.
import { randomBytes, randomUUID } from "node:crypto";
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PROFILE_SEALED_COLUMNS } from "../../../lib/accounts/sealed-columns.js";
import { BOOKING_SEALED_COLUMNS } from "../../../lib/bookings/sealed-columns.js";
import { CONSENT_SEALED_COLUMNS } from "../../../lib/consent/sealed-columns.js";
import { serverClientOptions } from "../../../lib/db/client-options.js";
import { captureLogs } from "../../helpers/log-capture.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../../helpers/supabase.js";

type PersonalData = typeof import("../../../lib/crypto/personal-data.js");
type Reencryption = typeof import("../../../lib/admin/reencrypt-personal-data.js");
type ReencryptionReport = Awaited<ReturnType<Reencryption["reencryptPersonalData"]>>;
type BookingColumn = keyof typeof BOOKING_SEALED_COLUMNS;

const key = () => randomBytes(32).toString("base64");
const [K0, K1, K2, HMAC] = [key(), key(), key(), key()];
/** In every plaintext of this file and nowhere else: a dump containing it leaks. */
const run = randomUUID().slice(0, 8);
const BOOKING_COLUMNS = Object.keys(BOOKING_SEALED_COLUMNS) as BookingColumn[];

let stack: TestSupabase;
let practitionerId: string;
let sessionTypeId: string;
let consentVersion: string;
let slots = 0;

/**
 * A fresh lib/ whose personal-data keys are `keys`, pointed at the test stack. The keys are read
 * here, not on first use, so the copy keeps them whatever the environment says later.
 */
async function configure(keys: string): Promise<{ pd: PersonalData; admin: Reencryption }> {
  vi.resetModules();
  vi.stubEnv("VERCEL_ENV", "production");
  vi.stubEnv("PERSONAL_DATA_KEYS", keys);
  vi.stubEnv("PERSONAL_DATA_HMAC_KEY", HMAC);
  vi.stubEnv("SUPABASE_URL", stack.url);
  vi.stubEnv("SUPABASE_SERVICE_ROLE_KEY", stack.serviceRoleKey);
  const pd = await import("../../../lib/crypto/personal-data.js");
  pd.currentPersonalDataKeyId();
  return { pd, admin: await import("../../../lib/admin/reencrypt-personal-data.js") };
}

/** What a customer typed into each sealed column of booking `n`. */
function plaintexts(n: number): Record<BookingColumn, string> {
  return Object.fromEntries(
    BOOKING_COLUMNS.map((column) => [column, `${column} of customer ${run}-${n}`]),
  ) as Record<BookingColumn, string>;
}

function sealAll(pd: PersonalData, values: Partial<Record<BookingColumn, string>>) {
  return Object.fromEntries(
    Object.entries(values).map(([column, value]) => [
      column,
      pd.sealPersonalData(value, BOOKING_SEALED_COLUMNS[column as BookingColumn]),
    ]),
  ) as Partial<Record<BookingColumn, string>>;
}

/** Inserts a booking as the table owner, in an hour of its own; unlisted columns stay null. */
async function insertBooking(sealed: Partial<Record<BookingColumn, string>>): Promise<string> {
  const start = new Date(Date.UTC(2031, 0, 1) + slots++ * 3_600_000).toISOString();
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.bookings (practitioner_id, session_type_id, format, during, blocked,
       status, amount_minor, currency, customer_email_hash, ${BOOKING_COLUMNS.join(", ")})
     values ($1, $2, 'video',
       tstzrange($3::timestamptz, $3::timestamptz + interval '50 minutes', '[)'),
       tstzrange($3::timestamptz, $3::timestamptz + interval '60 minutes', '[)'),
       'confirmed', 250000, 'INR', 'test-email-hash',
       ${BOOKING_COLUMNS.map((_, i) => `$${i + 4}`).join(", ")})
     returning id`,
    [practitionerId, sessionTypeId, start, ...BOOKING_COLUMNS.map((c) => sealed[c] ?? null)],
  );
  return rows[0]?.id as string;
}

async function insertConsent(ipSealed: string): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.consent_records (consent_version, session_type_id, email_hash,
       acknowledgments, ip_sealed, user_agent, expires_at)
     values ($1, $2, $3, array['confidentiality'], $4, 'vitest', now() + interval '30 days')
     returning id`,
    [consentVersion, sessionTypeId, randomBytes(32).toString("hex"), ipSealed],
  );
  return rows[0]?.id as string;
}

async function bookingRow(id: string): Promise<Record<BookingColumn, string | null>> {
  const { rows } = await stack.db.query<Record<BookingColumn, string | null>>(
    `select ${BOOKING_COLUMNS.join(", ")} from public.bookings where id = $1`,
    [id],
  );
  return rows[0] as Record<BookingColumn, string | null>;
}

/** A new account's profile (made by the sign-up trigger), with these columns set by SQL. */
async function insertProfile(columns: Record<string, string>): Promise<string> {
  const created = await stack.client(stack.serviceRoleKey).auth.admin.createUser({
    email: `reencrypt-${randomUUID().slice(0, 8)}@example.test`,
    password: "correct horse battery",
    email_confirm: true,
  });
  if (created.error) throw created.error;
  const id = created.data.user.id;
  const names = Object.keys(columns);
  await stack.db.query(
    `update public.profiles set ${names.map((name, i) => `${name} = $${i + 2}`).join(", ")}
     where id = $1`,
    [id, ...Object.values(columns)],
  );
  return id;
}

interface ProfileColumns {
  full_name_sealed: string | null;
  phone_sealed: string | null;
  full_name_unsealed: string | null;
  phone_unsealed: string | null;
}

async function profileRow(id: string): Promise<ProfileColumns> {
  const { rows } = await stack.db.query<ProfileColumns>(
    `select full_name_sealed, phone_sealed, full_name_unsealed, phone_unsealed
     from public.profiles where id = $1`,
    [id],
  );
  return rows[0] as ProfileColumns;
}

async function consentIp(id: string): Promise<string | null> {
  const { rows } = await stack.db.query<{ ip_sealed: string | null }>(
    "select ip_sealed from public.consent_records where id = $1",
    [id],
  );
  return rows[0]?.ip_sealed ?? null;
}

function table(report: ReencryptionReport, name: string) {
  const found = report.tables.find((entry) => entry.table === name);
  if (!found) throw new Error(`no report for ${name}`);
  return found;
}

/** `sealed` with the first byte of its ciphertext flipped. */
function tampered(sealed: string): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[3] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[3] = bytes.toString("base64url");
  return parts.join(".");
}

let k1: { pd: PersonalData; admin: Reencryption };
let rotated: { pd: PersonalData; admin: Reencryption };
let fullBooking: string;
let partialBooking: string;
/** A booking without the optional columns (phone, notes): they stay null. */
const { customer_name_sealed, customer_email_sealed } = plaintexts(2);
const partialPlaintexts: Partial<Record<BookingColumn, string>> = {
  customer_name_sealed,
  customer_email_sealed,
};
let consent: string;
const IP = "198.51.100.23";
/** A profile sealed under k1; one stored before profiles were sealed; one with both. */
let sealedProfile: string;
let clearProfile: string;
let resavedProfile: string;
const PHONE = "+14155550142";
let firstRun: ReencryptionReport;

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  const practitioner = await stack.db.query<{ id: string }>(
    "insert into public.practitioners (display_name, time_zone) values ('Re-encryption test', 'UTC') returning id",
  );
  practitionerId = practitioner.rows[0]?.id as string;
  const sessionType = await stack.db.query<{ id: string }>(
    "select id from public.session_types where slug = 'individual'",
  );
  sessionTypeId = sessionType.rows[0]?.id as string;
  consentVersion = `reencrypt-${randomUUID().slice(0, 8)}`;
  await stack.db.query(
    `insert into public.consent_versions (version, title, required_items, retention_days)
     values ($1, 'Re-encryption test', array['confidentiality'], 30)`,
    [consentVersion],
  );

  k1 = await configure(`k1:${K1}`);
  fullBooking = await insertBooking(sealAll(k1.pd, plaintexts(1)));
  partialBooking = await insertBooking(sealAll(k1.pd, partialPlaintexts));
  consent = await insertConsent(k1.pd.sealPersonalData(IP, CONSENT_SEALED_COLUMNS.ip_sealed));
  sealedProfile = await insertProfile({
    full_name_sealed: k1.pd.sealPersonalData(`Profile ${run}`, "profiles.full_name"),
    phone_sealed: k1.pd.sealPersonalData(PHONE, "profiles.phone"),
  });
  clearProfile = await insertProfile({
    full_name_unsealed: `Before sealing ${run}`,
    phone_unsealed: PHONE,
  });
  resavedProfile = await insertProfile({
    full_name_unsealed: `Old name ${run}`,
    full_name_sealed: k1.pd.sealPersonalData(`New name ${run}`, "profiles.full_name"),
  });

  rotated = await configure(`k2:${K2},k1:${K1}`);
  firstRun = await rotated.admin.reencryptPersonalData(stack.client(stack.serviceRoleKey), {
    batchSize: 2,
  });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.close();
});

describe("after the keys are rotated to k2,k1", () => {
  it("moves every sealed value of the bookings to k2, each opening to what was sealed", async () => {
    for (const [id, expected] of [
      [fullBooking, plaintexts(1)],
      [partialBooking, partialPlaintexts],
    ] as const) {
      const row = await bookingRow(id);
      for (const column of BOOKING_COLUMNS) {
        const value = row[column];
        if (expected[column] === undefined) {
          expect(value).toBeNull();
          continue;
        }
        expect(value).toMatch(/^v1\.k2\./);
        expect(rotated.pd.openPersonalData(value ?? "", BOOKING_SEALED_COLUMNS[column])).toBe(
          expected[column],
        );
      }
    }
    const bookings = table(firstRun, "bookings");
    expect(firstRun.keyId).toBe("k2");
    expect(bookings.error).toBeUndefined();
    expect(bookings.reencrypted).toBeGreaterThanOrEqual(2);
    const reported = bookings.undecryptable.map((value) => value.id);
    expect(reported).not.toContain(fullBooking);
    expect(reported).not.toContain(partialBooking);
  });

  it("moves the consent records' sealed IP to k2", async () => {
    expect(table(firstRun, "consent_records").error).toBeUndefined();
    const ip = await consentIp(consent);
    expect(ip).toMatch(/^v1\.k2\./);
    expect(rotated.pd.openPersonalData(ip ?? "", CONSENT_SEALED_COLUMNS.ip_sealed)).toBe(IP);
  });

  it("moves the profiles' sealed name and phone to k2", async () => {
    expect(table(firstRun, "profiles").error).toBeUndefined();
    const row = await profileRow(sealedProfile);
    expect(row.full_name_sealed).toMatch(/^v1\.k2\./);
    expect(row.phone_sealed).toMatch(/^v1\.k2\./);
    const open = (value: string | null, column: keyof typeof PROFILE_SEALED_COLUMNS) =>
      rotated.pd.openPersonalData(value ?? "", PROFILE_SEALED_COLUMNS[column]);
    expect(open(row.full_name_sealed, "full_name_sealed")).toBe(`Profile ${run}`);
    expect(open(row.phone_sealed, "phone_sealed")).toBe(PHONE);
  });

  it("seals the profile values stored in the clear before profiles were sealed, and erases them", async () => {
    const open = (value: string | null, column: keyof typeof PROFILE_SEALED_COLUMNS) =>
      rotated.pd.openPersonalData(value ?? "", PROFILE_SEALED_COLUMNS[column]);
    const cleared = await profileRow(clearProfile);
    expect(cleared).toMatchObject({ full_name_unsealed: null, phone_unsealed: null });
    expect(cleared.full_name_sealed).toMatch(/^v1\.k2\./);
    expect(open(cleared.full_name_sealed, "full_name_sealed")).toBe(`Before sealing ${run}`);
    expect(open(cleared.phone_sealed, "phone_sealed")).toBe(PHONE);
    // A name saved since (sealed) is newer than the one kept in the clear: it stays.
    const resaved = await profileRow(resavedProfile);
    expect(resaved.full_name_unsealed).toBeNull();
    expect(open(resaved.full_name_sealed, "full_name_sealed")).toBe(`New name ${run}`);
    expect(resaved.phone_sealed).toBeNull();
    const report = table(firstRun, "profiles (values kept in the clear)");
    expect(report.error).toBeUndefined();
    expect(report.reencrypted).toBeGreaterThanOrEqual(2);
  });

  it("re-encrypts nothing when run again", async () => {
    const before = await bookingRow(fullBooking);
    const again = await rotated.admin.reencryptPersonalData(stack.client(stack.serviceRoleKey));
    for (const entry of again.tables) {
      expect(entry).toMatchObject({ reencrypted: 0, conflicts: 0 });
      expect(entry.error).toBeUndefined();
    }
    expect(await bookingRow(fullBooking)).toEqual(before);
  });

  it("leaves only ciphertext in the database: a direct SQL dump of the rows", async () => {
    const { rows } = await stack.db.query<{ dump: string }>(
      `select row_to_json(b)::text as dump from public.bookings as b where b.id in ($1, $2)
       union all
       select row_to_json(c)::text from public.consent_records as c where c.id = $3
       union all
       select row_to_json(p)::text from public.profiles as p where p.id in ($4, $5)`,
      [fullBooking, partialBooking, consent, sealedProfile, clearProfile],
    );
    expect(rows).toHaveLength(5);
    for (const { dump } of rows) {
      expect(dump).not.toContain(run);
      expect(dump).not.toContain(IP);
      expect(dump).not.toContain(PHONE);
      expect(dump).toMatch(/"v1\.k2\.[\w-]+\.[\w-]+\.[\w-]+"/);
      expect(dump).not.toMatch(/"v1\.k1\./);
    }
  });
});

describe("values that do not open", () => {
  it("are reported by id and column, left as they are, and the rest of the row still moves", async () => {
    const { pd: k0 } = await configure(`k0:${K0}`);
    rotated = await configure(`k2:${K2},k1:${K1}`);
    const values = plaintexts(3);
    const stored = {
      customer_name_sealed: tampered(
        k1.pd.sealPersonalData(values.customer_name_sealed, "bookings.customer_name"),
      ),
      customer_email_sealed: k1.pd.sealPersonalData(
        values.customer_email_sealed,
        "bookings.customer_email",
      ),
      customer_phone_sealed: k0.sealPersonalData(
        values.customer_phone_sealed,
        "bookings.customer_phone",
      ),
      // Copied from another column: the sealed columns' check constraints take only the sealed
      // format, so a value that is not one at all cannot be stored any more.
      notes_sealed: k1.pd.sealPersonalData(values.notes_sealed, "bookings.customer_name"),
    };
    const id = await insertBooking(stored);
    const logs = captureLogs();

    const report = await rotated.admin.reencryptPersonalData(stack.client(stack.serviceRoleKey));
    vi.restoreAllMocks();

    const mine = table(report, "bookings").undecryptable.filter((value) => value.id === id);
    expect(mine).toEqual(
      expect.arrayContaining([
        { id, column: "customer_name_sealed", reason: "authentication_failed" },
        { id, column: "customer_phone_sealed", reason: "unknown_key" },
        { id, column: "notes_sealed", reason: "authentication_failed" },
      ]),
    );
    expect(mine).toHaveLength(3);
    const row = await bookingRow(id);
    expect(row).toMatchObject({
      customer_name_sealed: stored.customer_name_sealed,
      customer_phone_sealed: stored.customer_phone_sealed,
      notes_sealed: stored.notes_sealed,
    });
    expect(row.customer_email_sealed).toMatch(/^v1\.k2\./);
    expect(
      rotated.pd.openPersonalData(row.customer_email_sealed ?? "", "bookings.customer_email"),
    ).toBe(values.customer_email_sealed);
    // Nothing of the values, sealed or not, in the report or the logs.
    const said = JSON.stringify([report, logs]);
    expect(said).not.toContain(run);
    for (const value of Object.values(stored)) expect(said).not.toContain(value);
  });
});

describe("a row changed during the run", () => {
  it("is left as the other writer left it, counted as a conflict, and moved by the next run", async () => {
    const id = await insertBooking(sealAll(k1.pd, plaintexts(4)));
    const meanwhile = k1.pd.sealPersonalData(`renamed ${run}`, "bookings.customer_name");
    // The service client, with the API's write slipped in just before the run's update of this
    // row reaches the database.
    let interfered = false;
    const options = serverClientOptions(stack.serviceRoleKey);
    const db = createClient(stack.url, stack.serviceRoleKey, {
      ...options,
      global: {
        ...options.global,
        fetch: async (input, init) => {
          const url = input instanceof Request ? input.url : String(input);
          if (!interfered && init?.method === "PATCH" && url.includes(`id=eq.${id}`)) {
            interfered = true;
            await stack.db.query(
              "update public.bookings set customer_name_sealed = $2 where id = $1",
              [id, meanwhile],
            );
          }
          return fetch(input, init);
        },
      },
    });

    const report = await rotated.admin.reencryptPersonalData(db);
    expect(interfered).toBe(true);
    expect(table(report, "bookings").conflicts).toBeGreaterThanOrEqual(1);
    const left = await bookingRow(id);
    expect(left.customer_name_sealed).toBe(meanwhile);
    expect(left.customer_email_sealed).toMatch(/^v1\.k1\./);

    const next = await rotated.admin.reencryptPersonalData(stack.client(stack.serviceRoleKey));
    expect(table(next, "bookings").conflicts).toBe(0);
    const moved = await bookingRow(id);
    expect(moved.customer_name_sealed).toMatch(/^v1\.k2\./);
    expect(moved.customer_email_sealed).toMatch(/^v1\.k2\./);
    expect(
      rotated.pd.openPersonalData(moved.customer_name_sealed ?? "", "bookings.customer_name"),
    ).toBe(`renamed ${run}`);
  });
});
