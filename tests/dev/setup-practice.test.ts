// From an empty project to a working practice without SQL: `npm run setup` with the example
// practice file, then `npm run make-admin`, against a local stack that has the migrations and no
// seed, as a new Supabase project has after `supabase db push`.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestApi, type TestApi } from "../helpers/api.js";

const run = promisify(execFile);
const EXAMPLE = join(REPO_ROOT, "supabase", "practice.example.json");
const PASSWORD = "correct horse battery";

let api: TestApi;
let scratch: string;

/** Runs one of the owner's commands the way the README says, with the project's settings. */
async function npmRun(script: string, args: string[]) {
  return run("npm", ["run", "--silent", script, "--", ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SUPABASE_URL: api.supabase.url,
      SUPABASE_SERVICE_ROLE_KEY: api.supabase.serviceRoleKey,
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

async function tokenOf(email: string): Promise<string> {
  const { data, error } = await api.supabase
    .client()
    .auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("no session");
  return data.session.access_token;
}

beforeAll(async () => {
  // Its own database even where DATABASE_URL names a shared one: setup changes the catalogue.
  delete process.env.DATABASE_URL;
  api = await startTestApi();
  scratch = mkdtempSync(join(tmpdir(), "practice-"));
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe("npm run setup", () => {
  it("turns an empty project into a bookable practice, and can run again", async () => {
    expect(await (await fetch(`${api.url}/api/services`)).json()).toEqual([]);
    const first = await npmRun("setup", [EXAMPLE]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const again = await npmRun("setup", [EXAMPLE]);
    expect(again.code).toBe(0);

    const services = (await (await fetch(`${api.url}/api/services`)).json()) as { slug: string }[];
    expect(services.map((service) => service.slug)).toEqual(["individual", "couples", "free"]);
    const { rows } = await api.supabase.db.query<{ n: number }>(
      "select count(*)::int as n from public.working_hours",
    );
    expect(rows[0]?.n).toBe(10);

    const monday = new Date();
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7 || 7) + 7);
    const date = monday.toISOString().slice(0, 10);
    const availability = (await (
      await fetch(`${api.url}/api/availability?date=${date}&sessionType=individual`)
    ).json()) as { slots: { available: boolean }[] };
    expect(availability.slots.some((slot) => slot.available)).toBe(true);
    const versions = (await (await fetch(`${api.url}/api/consent/versions`)).json()) as {
      version: string;
    }[];
    expect(versions.map(({ version }) => version)).toEqual(["2026-11"]);
  });

  it("refuses a file that is not a practice, naming what is wrong, and changes nothing", async () => {
    const practice = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    practice.practitioner.timeZone = "Mars/Olympus";
    const file = join(scratch, "bad-zone.json");
    writeFileSync(file, JSON.stringify(practice));
    const result = await npmRun("setup", [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("practitioner.timeZone");
  });

  it("never changes a published consent version's terms", async () => {
    expect((await npmRun("setup", [EXAMPLE])).code).toBe(0);
    const practice = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    practice.consent.requiredItems = ["confidentiality"];
    practice.sessionTypes[0].prices[0].amountMinor = 1;
    const file = join(scratch, "changed-terms.json");
    writeFileSync(file, JSON.stringify(practice));
    const result = await npmRun("setup", [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("already published");
    // One transaction: the price in the same file did not change either.
    const { rows } = await api.supabase.db.query<{ amount: string }>(
      `select p.amount_minor::text as amount from public.session_type_prices as p
       join public.session_types as t on t.id = p.session_type_id
       where t.slug = 'individual' and p.currency = 'INR' and p.format = 'video'`,
    );
    expect(rows[0]?.amount).toBe("250000");
  });
});

describe("npm run make-admin", () => {
  it("makes a signed-up account admin, or staff of the practitioner", async () => {
    const owner = `owner-${Date.now()}@example.test`;
    const therapist = `therapist-${Date.now()}@example.test`;
    for (const email of [owner, therapist]) {
      const signedUp = await api.supabase.client().auth.signUp({ email, password: PASSWORD });
      expect(signedUp.error).toBeNull();
    }
    expect((await npmRun("make-admin", [owner])).code).toBe(0);
    const { rows } = await api.supabase.db.query<{ id: string }>(
      "select id from public.practitioners",
    );
    const practitioner = rows[0]?.id as string;
    const staff = await npmRun("make-admin", [
      therapist,
      "--staff",
      "--practitioner",
      practitioner,
    ]);
    expect(staff.code).toBe(0);

    const ownerToken = await tokenOf(owner);
    const me = (await (
      await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${ownerToken}` } })
    ).json()) as { user: { roles: string[] } };
    expect(me.user.roles).toContain("admin");
    const { rows: linked } = await api.supabase.db.query<{ email: string }>(
      `select u.email from public.practitioners as p join auth.users as u on u.id = p.user_id
       where p.id = $1`,
      [practitioner],
    );
    expect(linked[0]?.email).toBe(therapist);

    const nobody = await npmRun("make-admin", ["nobody@example.test"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("sign up first");
  });
});
