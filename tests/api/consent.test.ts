// Consent through the dev server against the local stack with supabase/seed.sql (its version
// 2026-11): recording consent as a guest and as a signed-in user with the evidence taken from the
// request, the acknowledgments checked against the version, the staff audit read and its log,
// the public list of versions, and the purge cron.
//
// With DATABASE_URL the database is shared between files and runs: every test uses its own
// email and finds its rows by their hash, and versions made here have names of their own.
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSENT_SEALED_COLUMNS } from "../../lib/consent/sealed-columns.js";
import { openPersonalData } from "../../lib/crypto/personal-data.js";
import { customerEmailHash } from "../../lib/customers/customer-email.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const run = randomUUID().slice(0, 8);
let emails = 0;
/** An address no other test, file or run uses. */
const newEmail = () => `client${++emails}-${run}@example.test`;

/** The seeded version (supabase/seed.sql) and the session type it is given for. */
const VERSION = "2026-11";
const ITEMS = ["cancellation_policy", "confidentiality", "emergency_contact", "telehealth_risks"];
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

function consentBody(email: string, overrides: Record<string, unknown> = {}) {
  return {
    sessionType: "individual",
    email,
    consentVersion: VERSION,
    acknowledgments: ITEMS,
    ...overrides,
  };
}

function postConsent(
  body: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
) {
  return post(api, "/api/consent", body, options);
}

async function consentIdOf(response: Response): Promise<string> {
  const body = await expectJson<{ success: boolean; consentId: string }>(response, 201);
  expect(body).toEqual({ success: true, consentId: expect.any(String) });
  return body.consentId;
}

interface RecordRow {
  id: string;
  consent_version: string;
  session_type_id: string;
  email_hash: string;
  user_id: string | null;
  acknowledgments: string[];
  ip_sealed: string | null;
  user_agent: string | null;
  retained_days: number;
}

/** Every record made for the email, read as the table owner. */
async function recordsFor(email: string): Promise<RecordRow[]> {
  const { rows } = await api.supabase.db.query<RecordRow>(
    `select id::text, consent_version, session_type_id::text, email_hash, user_id::text,
       acknowledgments, ip_sealed, user_agent,
       extract(epoch from expires_at - created_at)::int / 86400 as retained_days
     from public.consent_records where email_hash = $1`,
    [customerEmailHash(email)],
  );
  return rows;
}

async function expectInvalid(response: Response, field: string): Promise<void> {
  const problem = await expectProblem(response, 400, "validation_failed");
  // The field itself, or a part of it ("acknowledgments.0" for a malformed item key).
  const fields = Object.keys(problem.errors ?? {}).map((path) => path.split(".")[0]);
  expect(fields).toEqual([field]);
}

describe("POST /api/consent", () => {
  it("records a guest's consent with the email as a keyed hash and the evidence from the request", async () => {
    const email = newEmail();
    const id = await consentIdOf(
      await postConsent(consentBody(email), {
        headers: {
          "user-agent": "ConsentTest/1.0 (Guest)",
          // The platform sets these itself; the dev server, like Vercel, drops the client's.
          "x-forwarded-for": "203.0.113.7",
          "x-real-ip": "203.0.113.7",
        },
      }),
    );
    const [row, ...others] = await recordsFor(email);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      id,
      consent_version: VERSION,
      session_type_id: INDIVIDUAL,
      user_id: null,
      acknowledgments: ITEMS,
      user_agent: "ConsentTest/1.0 (Guest)",
      retained_days: 2555,
    });
    // A keyed HMAC: neither the address nor a bare SHA-256 of it, which anyone could recompute.
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(row?.email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.email_hash).not.toContain(email);
    expect(row?.email_hash).not.toBe(sha256(email));
    expect(row?.email_hash).not.toBe(sha256(email.toLowerCase()));
    // The IP is sealed, and it is the socket's address, not the one the client claimed.
    expect(row?.ip_sealed).toMatch(/^v1\./);
    expect(row?.ip_sealed).not.toContain("127.0.0.1");
    expect(openPersonalData(row?.ip_sealed ?? "", CONSENT_SEALED_COLUMNS.ip_sealed)).toBe(
      "127.0.0.1",
    );
  });

  it("names the signed-in user, and finds the same email however it is written", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consentIdOf(
      await postConsent(consentBody(email.toUpperCase()), { token: user.accessToken }),
    );
    const rows = await recordsFor(email);
    expect(rows.map((row) => row.user_id)).toEqual([user.id]);
  });

  it("keeps at most 512 characters of the user agent", async () => {
    const email = newEmail();
    await consentIdOf(
      await postConsent(consentBody(email), { headers: { "user-agent": "A".repeat(600) } }),
    );
    const [row] = await recordsFor(email);
    expect(row?.user_agent).toBe("A".repeat(512));
  });

  it("accepts the spec's ipAddress and userAgent in the body and keeps what the server saw", async () => {
    const email = newEmail();
    await consentIdOf(
      await postConsent(
        consentBody(email, { ipAddress: "198.51.100.1", userAgent: "Forged/1.0" }),
        { headers: { "user-agent": "RealAgent/2.0" } },
      ),
    );
    const [row] = await recordsFor(email);
    expect(row?.user_agent).toBe("RealAgent/2.0");
    const seenIp = row?.ip_sealed
      ? openPersonalData(row.ip_sealed, CONSENT_SEALED_COLUMNS.ip_sealed)
      : null;
    expect(seenIp).not.toBe("198.51.100.1");
  });

  it("refuses any other evidence field sent in the body, and records nothing", async () => {
    const email = newEmail();
    const response = await postConsent(consentBody(email, { ip: "198.51.100.1" }));
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors?.body?.join(" ")).toMatch(/ip/);
    expect(await recordsFor(email)).toEqual([]);
  });

  it("accepts the acknowledgments as an object of item → true, in any order", async () => {
    const email = newEmail();
    const checkboxes = Object.fromEntries([...ITEMS].reverse().map((item) => [item, true]));
    await consentIdOf(await postConsent(consentBody(email, { acknowledgments: checkboxes })));
    const [row] = await recordsFor(email);
    expect(row?.acknowledgments).toEqual(ITEMS);
  });

  it("accepts the acknowledgments as an array in any order, with repeats", async () => {
    const email = newEmail();
    const shuffled = [ITEMS[2], ITEMS[0], ITEMS[3], ITEMS[1], ITEMS[0]];
    await consentIdOf(await postConsent(consentBody(email, { acknowledgments: shuffled })));
    const [row] = await recordsFor(email);
    expect(row?.acknowledgments).toEqual(ITEMS);
  });

  const wrongAcknowledgments: [string, unknown][] = [
    ["one required item missing", ITEMS.slice(1)],
    ["an item the version does not have", [...ITEMS, "marketing_emails"]],
    ["no items", []],
    [
      "a required item left false",
      { ...Object.fromEntries(ITEMS.map((i) => [i, true])), confidentiality: false },
    ],
    [
      "an unknown item, even when false",
      { ...Object.fromEntries(ITEMS.map((i) => [i, true])), newsletter: false },
    ],
    ["an object missing an item", Object.fromEntries(ITEMS.slice(1).map((i) => [i, true]))],
    ["a string", "all"],
    ["keys that are not item keys", ["Confidentiality!"]],
  ];

  it.each(wrongAcknowledgments)("refuses %s with 400 and records nothing", async (_, given) => {
    const email = newEmail();
    await expectInvalid(
      await postConsent(consentBody(email, { acknowledgments: given })),
      "acknowledgments",
    );
    expect(await recordsFor(email)).toEqual([]);
  });

  it("refuses a missing acknowledgments field with 400", async () => {
    const email = newEmail();
    const { acknowledgments: _, ...body } = consentBody(email);
    await expectInvalid(await postConsent(body), "acknowledgments");
    expect(await recordsFor(email)).toEqual([]);
  });

  it("refuses an unknown or retired consent version with 400", async () => {
    const retired = `retired-${run}`;
    await api.supabase.db.query(
      `insert into public.consent_versions (version, title, required_items, retention_days, active)
       values ($1, 'Retired', $2, 30, false)`,
      [retired, `{${ITEMS.join(",")}}`],
    );
    try {
      for (const consentVersion of [`unknown-${run}`, retired]) {
        const email = newEmail();
        await expectInvalid(
          await postConsent(consentBody(email, { consentVersion })),
          "consentVersion",
        );
        expect(await recordsFor(email)).toEqual([]);
      }
    } finally {
      await api.supabase.db.query("delete from public.consent_versions where version = $1", [
        retired,
      ]);
    }
  });

  it("answers an unknown session type with 404", async () => {
    const email = newEmail();
    const response = await postConsent(consentBody(email, { sessionType: `nope-${run}` }));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "not_found" });
    expect(await recordsFor(email)).toEqual([]);
  });
});

describe("GET /api/consent/:id", () => {
  let consentId: string;
  let client: { id: string; accessToken: string };

  beforeAll(async () => {
    client = await api.signUp();
    consentId = await consentIdOf(
      await postConsent(consentBody(newEmail()), {
        token: client.accessToken,
        headers: { "user-agent": "ConsentTest/1.0 (Audit)" },
      }),
    );
  });

  const getRecord = (id: string, token?: string) =>
    fetch(`${api.url}/api/consent/${id}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  async function readsOf(id: string) {
    const { rows } = await api.supabase.db.query<{ actor: string; fields: string[] }>(
      `select actor::text, fields from public.personal_data_reads
       where subject_table = 'consent_records' and subject_id = $1 order by id`,
      [id],
    );
    return rows;
  }

  /** A staff member linked to a practitioner with a booking that rests on the record. */
  async function staffOfBookingWith(recordId: string) {
    const staff = await api.signUp({ role: "staff" });
    const practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
    const bookingId = await insertBooking(api.supabase.db, {
      practitionerId,
      start: new Date(Date.now() + 7 * 86_400_000),
    });
    await api.supabase.db.query("update public.bookings set consent_id = $2 where id = $1", [
      bookingId,
      recordId,
    ]);
    return staff;
  }

  async function staffActionsOn(id: string) {
    const { rows } = await api.supabase.db.query<{ actor: string; action: string }>(
      `select actor::text, action from public.staff_actions
       where subject_table = 'consent_records' and subject_id = $1 order by id`,
      [id],
    );
    return rows;
  }

  it("shows staff the record, with the IP opened and no email hash, and logs the read", async () => {
    const staff = await staffOfBookingWith(consentId);
    const response = await getRecord(consentId, staff.accessToken);
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toEqual({
      id: consentId,
      sessionType: "individual",
      consentVersion: VERSION,
      acknowledgments: ITEMS,
      ip: "127.0.0.1",
      userAgent: "ConsentTest/1.0 (Audit)",
      userId: client.id,
      createdAt: expect.stringMatching(/Z$/),
      expiresAt: expect.stringMatching(/Z$/),
    });
    const { rows } = await api.supabase.db.query<{ email_hash: string; ip_sealed: string }>(
      "select email_hash, ip_sealed from public.consent_records where id = $1",
      [consentId],
    );
    expect(text).not.toContain(rows[0]?.email_hash);
    expect(text).not.toContain(rows[0]?.ip_sealed);
    expect(await readsOf(consentId)).toEqual([{ actor: staff.id, fields: ["ip", "user_agent"] }]);
    expect(await staffActionsOn(consentId)).toEqual([
      { actor: staff.id, action: "consent_record.read" },
    ]);
  });

  it("answers staff of other practitioners 404, as for an unknown id, and logs nothing", async () => {
    const before = [(await readsOf(consentId)).length, (await staffActionsOn(consentId)).length];
    // Unlinked to any practitioner, and linked to one whose bookings rest on another record.
    const unlinked = await api.signUp({ role: "staff" });
    const otherRecord = await consentIdOf(await postConsent(consentBody(newEmail())));
    const elsewhere = await staffOfBookingWith(otherRecord);
    for (const staff of [unlinked, elsewhere]) {
      const response = await getRecord(consentId, staff.accessToken);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
    expect([(await readsOf(consentId)).length, (await staffActionsOn(consentId)).length]).toEqual(
      before,
    );
  });

  it("shows admins the record too", async () => {
    const admin = await api.signUp({ role: "admin" });
    const response = await getRecord(consentId, admin.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: consentId });
  });

  it("refuses the client who gave it and other users with 403, and logs nothing", async () => {
    const before = (await readsOf(consentId)).length;
    const other = await api.signUp();
    for (const token of [client.accessToken, other.accessToken]) {
      const response = await getRecord(consentId, token);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "forbidden" });
    }
    const guest = await getRecord(consentId);
    expect(guest.status).toBe(401);
    expect((await readsOf(consentId)).length).toBe(before);
  });

  it("answers staff 404 for an id that does not exist, and 400 for one that is no uuid", async () => {
    const staff = await api.signUp({ role: "staff" });
    const unknown = randomUUID();
    const missing = await getRecord(unknown, staff.accessToken);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
    expect(await readsOf(unknown)).toEqual([]);
    const malformed = await getRecord("not-a-uuid", staff.accessToken);
    expect(malformed.status).toBe(400);
  });
});

describe("GET /api/consent/versions", () => {
  it("lists the active versions with their items and retention, cacheable for a minute", async () => {
    const retired = `retired-list-${run}`;
    await api.supabase.db.query(
      `insert into public.consent_versions (version, title, required_items, retention_days, active)
       values ($1, 'Retired', '{confidentiality}', 30, false)`,
      [retired],
    );
    try {
      const response = await fetch(`${api.url}/api/consent/versions`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=60");
      const versions = (await response.json()) as { version: string }[];
      expect(versions).toContainEqual({
        version: VERSION,
        title: "Informed consent for therapy",
        requiredItems: [
          "confidentiality",
          "cancellation_policy",
          "emergency_contact",
          "telehealth_risks",
        ],
        retentionDays: 2555,
      });
      expect(versions.map((v) => v.version)).not.toContain(retired);
    } finally {
      await api.supabase.db.query("delete from public.consent_versions where version = $1", [
        retired,
      ]);
    }
  });
});

describe("GET /api/cron/purge-consent", () => {
  const purge = (authorization?: string) =>
    fetch(`${api.url}/api/cron/purge-consent`, {
      headers: authorization ? { authorization } : {},
    });

  it("refuses a caller without the cron secret with 401", async () => {
    for (const authorization of [undefined, "Bearer wrong-secret-0123456789", TEST_CRON_SECRET]) {
      const response = await purge(authorization);
      await expectProblem(response, 401, "unauthorized");
    }
  });

  it("deletes the expired records only, and can run again", async () => {
    const keptEmail = newEmail();
    const kept = await consentIdOf(await postConsent(consentBody(keptEmail)));
    const expiredEmail = newEmail();
    const { rows } = await api.supabase.db.query<{ id: string }>(
      `insert into public.consent_records
         (consent_version, session_type_id, email_hash, acknowledgments, created_at, expires_at)
       values ($1, $2, $3, $4, now() - interval '2556 days', now() - interval '1 day')
       returning id::text`,
      [VERSION, INDIVIDUAL, customerEmailHash(expiredEmail), `{${ITEMS.join(",")}}`],
    );
    expect(rows).toHaveLength(1);

    const first = await purge(`Bearer ${TEST_CRON_SECRET}`);
    expect(first.status).toBe(200);
    const { purged } = (await first.json()) as { purged: number };
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await recordsFor(expiredEmail)).toEqual([]);
    expect((await recordsFor(keptEmail)).map((row) => row.id)).toEqual([kept]);

    // Other files may add expired records meanwhile (CI shares one database), so the second
    // count is not necessarily 0; what was not expired is still there either way.
    const again = await purge(`Bearer ${TEST_CRON_SECRET}`);
    expect(again.status).toBe(200);
    expect((await recordsFor(keptEmail)).map((row) => row.id)).toEqual([kept]);
  });
});
