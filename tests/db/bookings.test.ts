// Bookings in the database (supabase/migrations/20261121000400_bookings.sql):
// holds through the create_booking function over the real supabase-js client — the server's
// (service role) call naming the acting user, as the API makes it — the exclusion constraint under
// concurrency, the booking rules (slot grid, notice, horizon), expiry without a sweep, the state
// machine and its audit trail, and RLS.
//
// With DATABASE_URL the database is shared between files and runs, so every test makes its own
// practitioner (working every day, all day, in UTC) and nothing depends on rows it did not make.
import { createHash, randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSealed } from "../helpers/sealed.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
/** The server's client: create_booking is the service role's alone. */
let server: SupabaseClient;
const run = randomUUID().slice(0, 8);
/** The email hash this file's bookings carry, with a consent record for every session type. */
const CONSENTED_EMAIL_HASH = createHash("sha256").update(`consented-${run}`).digest("hex");

interface User {
  id: string;
  token: string;
  client: SupabaseClient;
}

let alice: User;
let bob: User;
let crowd: User[];

const PASSWORD = "correct horse battery";

async function signUp(name: string): Promise<User> {
  const { data, error } = await stack
    .client()
    .auth.signUp({ email: `${name}-${run}@example.test`, password: PASSWORD });
  if (error || !data.session || !data.user) throw error ?? new Error("no session");
  const token = data.session.access_token;
  return { id: data.user.id, token, client: stack.client(token) };
}

/** Sets app_metadata.role, then signs in again so the new token carries it. */
async function withRole(name: string, role: string): Promise<User> {
  const user = await signUp(name);
  await stack.db.query(
    `update auth.users set raw_app_meta_data = raw_app_meta_data || jsonb_build_object('role', $2::text)
     where id = $1`,
    [user.id, role],
  );
  const { data, error } = await stack
    .client()
    .auth.signInWithPassword({ email: `${name}-${run}@example.test`, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("no session");
  return {
    ...user,
    token: data.session.access_token,
    client: stack.client(data.session.access_token),
  };
}

/**
 * A practitioner in UTC working every day, all day: by default one interval 00:00–24:00, so the
 * slot grid (booking_rules.slot_step_minutes, 30) is every :00 and :30; `splitAt` splits the day
 * into two intervals there, which puts the second one's grid on that time.
 */
async function newPractitioner(
  staffUserId: string | null = null,
  splitAt: string | null = null,
): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.practitioners (display_name, time_zone, user_id)
     values ($1, 'UTC', $2) returning id`,
    [`Test ${run}`, staffUserId],
  );
  const id = rows[0]?.id as string;
  const intervals: [string, string][] =
    splitAt === null
      ? [["00:00", "24:00"]]
      : [
          ["00:00", splitAt],
          [splitAt, "24:00"],
        ];
  for (const [start, end] of intervals) {
    await stack.db.query(
      `insert into public.working_hours (practitioner_id, weekday, start_time, end_time)
       select $1, d, $2::time, $3::time from generate_series(1, 7) as d`,
      [id, start, end],
    );
  }
  return id;
}

/**
 * The day after tomorrow (UTC) at the given time, as an ISO instant: far enough ahead that any
 * time of that day is past the minimum notice (booking_rules: 2 hours), whenever the suite runs.
 */
function at(hhmm: string, daysAhead = 2): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00.000Z`;
}

interface HoldOptions {
  slug?: string;
  format?: string;
  currency?: string;
}

/**
 * Every argument of create_booking for `user` (a guest when null, who then needs a manage-token
 * hash); the consent rests on CONSENTED_EMAIL_HASH's records.
 */
function bookingArguments(
  user: User | null,
  practitionerId: string,
  start: string,
  options: HoldOptions = {},
) {
  return {
    p_user_id: user?.id ?? null,
    p_session_type_slug: options.slug ?? "individual",
    p_format: options.format ?? "video",
    p_practitioner_id: practitionerId,
    p_start: start,
    p_currency: options.currency ?? "INR",
    p_customer_name_sealed: fakeSealed("name"),
    p_customer_email_sealed: fakeSealed("email"),
    p_customer_email_hash: CONSENTED_EMAIL_HASH,
    p_customer_phone_sealed: null,
    p_notes_sealed: null,
    p_consent_accepted: true,
    p_consent_id: null,
    p_manage_token_hash: null,
  };
}

/** A hold for `user`, placed as the API places it: by the server, naming the user. */
function hold(user: User, practitionerId: string, start: string, options: HoldOptions = {}) {
  return server.rpc("create_booking", bookingArguments(user, practitionerId, start, options));
}

async function holdOk(user: User, practitionerId: string, start: string, options?: HoldOptions) {
  const result = await hold(user, practitionerId, start, options);
  expect(result.error).toBeNull();
  return result.data as { id: string; status: string; amount_minor: number; currency: string };
}

async function setStatus(id: string, status: string): Promise<void> {
  await stack.db.query("update public.bookings set status = $2 where id = $1", [id, status]);
}

async function statusOf(id: string): Promise<string | undefined> {
  const { rows } = await stack.db.query<{ status: string }>(
    "select status from public.bookings where id = $1",
    [id],
  );
  return rows[0]?.status;
}

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  server = stack.client(stack.serviceRoleKey);
  [alice, bob] = await Promise.all([signUp("alice"), signUp("bob")]);
  crowd = await Promise.all(Array.from({ length: 50 }, (_, i) => signUp(`crowd${i}`)));
  await stack.db.query(
    `insert into public.consent_records
       (consent_version, session_type_id, email_hash, acknowledgments, expires_at)
     select v.version, t.id, $1, v.required_items, now() + interval '1 day'
     from public.consent_versions as v, public.session_types as t
     where v.version = '2026-11'`,
    [CONSENTED_EMAIL_HASH],
  );
});

afterAll(async () => {
  await stack?.close();
});

describe("holding a slot", () => {
  it("lets exactly one of 50 concurrent requests for one slot win; the rest get 23P01", async () => {
    const practitioner = await newPractitioner();
    const results = await Promise.all(crowd.map((user) => hold(user, practitioner, at("10:00"))));
    const won = results.filter((r) => r.error === null);
    expect(won).toHaveLength(1);
    const codes = results.filter((r) => r.error !== null).map((r) => r.error?.code);
    expect(codes).toEqual(Array(49).fill("23P01"));
    expect(results.find((r) => r.error)?.error?.message).toContain("bookings_no_overlap");
  });

  it("accepts a booking that starts when the previous one's buffer ends, not before", async () => {
    // individual: 50 minutes and a 10-minute buffer, so 10:00 keeps [10:00, 11:00) free. Starts
    // in the buffer are on the grid only of a working interval that begins there, so each of those
    // two probes has a practitioner whose day is split at that time.
    for (const inBuffer of ["10:50", "10:59"]) {
      const split = await newPractitioner(null, inBuffer);
      await holdOk(alice, split, at("10:00"));
      expect((await hold(bob, split, at(inBuffer))).error?.code).toBe("23P01");
    }
    const practitioner = await newPractitioner();
    await holdOk(alice, practitioner, at("10:00"));
    expect((await hold(bob, practitioner, at("10:30"))).error?.code).toBe("23P01");
    await holdOk(bob, practitioner, at("11:00"));
    // And one that ends with its buffer exactly where 10:00 starts: [9:00, 10:00).
    await holdOk(bob, practitioner, at("09:00"));
  });

  it("frees the slot of a cancelled hold", async () => {
    const practitioner = await newPractitioner();
    const first = await holdOk(alice, practitioner, at("12:00"));
    expect((await hold(bob, practitioner, at("12:00"))).error?.code).toBe("23P01");
    await setStatus(first.id, "cancelled");
    await holdOk(bob, practitioner, at("12:00"));
  });

  it("frees the slot of an expired hold without any sweep", async () => {
    const practitioner = await newPractitioner();
    const first = await holdOk(alice, practitioner, at("13:00"));
    await stack.db.query(
      "update public.bookings set expires_at = now() - interval '1 minute' where id = $1",
      [first.id],
    );
    expect(await statusOf(first.id)).toBe("held");
    await holdOk(bob, practitioner, at("13:30"));
    expect(await statusOf(first.id)).toBe("expired");
    const { rows } = await stack.db.query<{ from_status: string; actor: string | null }>(
      "select from_status, actor from public.booking_events where booking_id = $1 and to_status = 'expired'",
      [first.id],
    );
    expect(rows).toEqual([{ from_status: "held", actor: null }]);
  });

  it("still refuses a live hold whose expiry is in the future", async () => {
    const practitioner = await newPractitioner();
    await holdOk(alice, practitioner, at("14:00"));
    expect((await hold(bob, practitioner, at("14:00"))).error?.code).toBe("23P01");
  });

  it("takes the amount from the price table, never from the caller", async () => {
    const practitioner = await newPractitioner();
    const inr = await holdOk(alice, practitioner, at("08:00"));
    expect(inr).toMatchObject({ status: "held", amount_minor: 250000, currency: "INR" });
    const usd = await holdOk(alice, practitioner, at("09:00"), {
      format: "in_person",
      currency: "USD",
    });
    expect(usd).toMatchObject({ amount_minor: 7000, currency: "USD" });
    const forged = await server.rpc("create_booking", {
      ...bookingArguments(alice, practitioner, at("15:00")),
      p_amount_minor: 1,
    });
    expect(forged.error?.code).toBe("PGRST202");
  });

  it("confirms a free session at once, with no expiry", async () => {
    const practitioner = await newPractitioner();
    const free = await holdOk(alice, practitioner, at("16:00"), { slug: "free" });
    expect(free).toMatchObject({ status: "confirmed", amount_minor: 0, expires_at: null });
  });

  it("refuses slots outside working hours, in an exception, or in the past", async () => {
    const seeded = "9a7c0000-0000-4000-8000-000000000001"; // Asia/Kolkata, weekdays 10–13, 14–18
    // 03:30 UTC is 09:00 in Kolkata: before opening on any day.
    expect((await hold(alice, seeded, at("03:30"))).error?.code).toBe("BKSLT");
    const practitioner = await newPractitioner();
    await stack.db.query(
      `insert into public.schedule_exceptions (practitioner_id, during)
       values ($1, tstzrange($2::timestamptz, $3::timestamptz, '[)'))`,
      [practitioner, at("16:50"), at("17:50")],
    );
    expect((await hold(alice, practitioner, at("17:30"))).error?.code).toBe("BKSLT");
    expect((await hold(alice, practitioner, at("16:30"))).error?.code).toBe("BKSLT");
    await holdOk(alice, practitioner, at("16:00")); // ends 16:50; its buffer may run into it
    expect((await hold(alice, practitioner, at("10:00", -1))).error?.code).toBe("BKSLT");
  });

  it("refuses starts off the slot grid and beyond the horizon (booking_rules)", async () => {
    const practitioner = await newPractitioner();
    // The grid is every 30 minutes from the working interval's start (00:00 here).
    for (const offGrid of ["16:05", "10:07", "10:15", "10:45"]) {
      expect((await hold(alice, practitioner, at(offGrid))).error?.code).toBe("BKSLT");
    }
    // 60 days ahead at the latest: 61 days from now is past it, 58 days is within it.
    expect((await hold(alice, practitioner, at("10:00", 61))).error?.code).toBe("BKSLT");
    await holdOk(alice, practitioner, at("10:00", 58));
    const { rows } = await stack.db.query(
      "select count(*)::int as n from public.bookings where practitioner_id = $1",
      [practitioner],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("refuses a start sooner than the minimum notice (booking_rules: 2 hours)", async () => {
    const practitioner = await newPractitioner();
    // The next time on the grid, 1 to 31 minutes from now. Near midnight UTC the practitioner
    // works in Kolkata instead, where that time is early morning, so only the notice can refuse it.
    const soon = new Date(Math.ceil((Date.now() + 60_000) / 1_800_000) * 1_800_000);
    if (soon.getUTCHours() < 2 || soon.getUTCHours() >= 22) {
      await stack.db.query(
        "update public.practitioners set time_zone = 'Asia/Kolkata' where id = $1",
        [practitioner],
      );
    }
    expect((await hold(alice, practitioner, soon.toISOString())).error?.code).toBe("BKSLT");
    // The same time two days later is bookable.
    await holdOk(alice, practitioner, new Date(soon.getTime() + 2 * 86_400_000).toISOString());
  });

  it("takes a guest only with a manage token, and stores only its hash", async () => {
    const practitioner = await newPractitioner();
    const tokenless = await server.rpc(
      "create_booking",
      bookingArguments(null, practitioner, at("10:00")),
    );
    expect(tokenless.error?.code).toBe("22023");
    // A booking is a user's or a guest's, never both.
    const both = await server.rpc("create_booking", {
      ...bookingArguments(alice, practitioner, at("10:00")),
      p_manage_token_hash: `token-hash-${run}`,
    });
    expect(both.error?.code).toBe("22023");
    const guest = await server.rpc("create_booking", {
      ...bookingArguments(null, practitioner, at("10:00")),
      p_manage_token_hash: `token-hash-${run}`,
    });
    expect(guest.error).toBeNull();
    const { rows } = await stack.db.query(
      "select user_id, manage_token_hash from public.bookings where id = $1",
      [(guest.data as { id: string }).id],
    );
    expect(rows).toEqual([{ user_id: null, manage_token_hash: `token-hash-${run}` }]);
  });

  it("needs a consent record for the email when the session type requires consent", async () => {
    const practitioner = await newPractitioner();
    const unconsented = await server.rpc("create_booking", {
      ...bookingArguments(alice, practitioner, at("10:00")),
      p_customer_email_hash: `nobody-${run}`,
    });
    expect(unconsented.error?.code).toBe("BKCNS");
    const unticked = await server.rpc("create_booking", {
      ...bookingArguments(alice, practitioner, at("10:00")),
      p_consent_accepted: false,
    });
    expect(unticked.error?.code).toBe("BKCNS");
    const free = await server.rpc("create_booking", {
      ...bookingArguments(alice, practitioner, at("10:00"), { slug: "free" }),
      p_customer_email_hash: `nobody-${run}`,
      p_consent_accepted: false,
    });
    expect(free.error).toBeNull();
  });
});

describe("the state machine", () => {
  const illegal: [string[], string][] = [
    [["confirmed"], "held"],
    [["expired"], "confirmed"],
    [["confirmed", "completed"], "cancelled"],
    [["cancelled"], "confirmed"],
  ];

  it.each(illegal)("after %j refuses a change to %s with PT409", async (path, to) => {
    const practitioner = await newPractitioner();
    const booking = await holdOk(alice, practitioner, at("10:00"));
    for (const status of path) await setStatus(booking.id, status);
    await expect(setStatus(booking.id, to)).rejects.toMatchObject({
      code: "PT409",
      message: `illegal booking transition: ${path.at(-1)} -> ${to}`,
    });
    expect(await statusOf(booking.id)).toBe(path.at(-1));
  });

  it("records every status in booking_events, readable by the owner", async () => {
    const practitioner = await newPractitioner();
    const booking = await holdOk(alice, practitioner, at("10:00"));
    await setStatus(booking.id, "confirmed");
    await setStatus(booking.id, "completed");
    const events = await alice.client
      .from("booking_events")
      .select("from_status, to_status, actor")
      .eq("booking_id", booking.id)
      .order("id");
    expect(events.error).toBeNull();
    expect(events.data).toEqual([
      { from_status: null, to_status: "held", actor: alice.id },
      { from_status: "held", to_status: "confirmed", actor: null },
      { from_status: "confirmed", to_status: "completed", actor: null },
    ]);
    const theirs = await bob.client
      .from("booking_events")
      .select("id")
      .eq("booking_id", booking.id);
    expect(theirs.data).toEqual([]);
  });

  it("keeps booking_events append-only", async () => {
    const practitioner = await newPractitioner();
    const booking = await holdOk(alice, practitioner, at("10:00"));
    await expect(
      stack.db.query("delete from public.booking_events where booking_id = $1", [booking.id]),
    ).rejects.toMatchObject({ code: "42501" });
  });
});

describe("who sees and changes bookings", () => {
  let booking: { id: string };
  let practitioner: string;
  let staff: User;

  beforeAll(async () => {
    staff = await withRole("staff", "staff");
    practitioner = await newPractitioner(staff.id);
    booking = await holdOk(alice, practitioner, at("10:00"));
  });

  it("shows the owner their booking and nobody else's", async () => {
    const mine = await alice.client.from("bookings").select("id").eq("id", booking.id);
    expect(mine.data).toEqual([{ id: booking.id }]);
    const theirs = await bob.client.from("bookings").select("id").eq("id", booking.id);
    expect(theirs.error).toBeNull();
    expect(theirs.data).toEqual([]);
    const anon = await stack.client().from("bookings").select("id").eq("id", booking.id);
    expect(anon.data ?? []).toEqual([]);
  });

  it("lets no user update or delete a booking directly, not even the owner", async () => {
    for (const user of [bob, alice]) {
      const update = await user.client
        .from("bookings")
        .update({ status: "confirmed", amount_minor: 0 })
        .eq("id", booking.id);
      expect(update.error?.code).toBe("42501");
      const remove = await user.client.from("bookings").delete().eq("id", booking.id);
      expect(remove.error?.code).toBe("42501");
      const insert = await user.client.from("bookings").insert({
        practitioner_id: practitioner,
        session_type_id: "5e55a0e1-0000-4000-8000-000000000001",
        format: "video",
        during: `[${at("20:00")},${at("20:50")})`,
        blocked: `[${at("20:00")},${at("21:00")})`,
        status: "confirmed",
        amount_minor: 0,
        currency: "INR",
      });
      expect(insert.error?.code).toBe("42501");
    }
    expect(await statusOf(booking.id)).toBe("held");
  });

  it("shows staff the bookings of their own practitioner only", async () => {
    const own = await staff.client
      .from("bookings")
      .select("id")
      .eq("practitioner_id", practitioner);
    expect(own.data).toEqual([{ id: booking.id }]);
    const other = await newPractitioner();
    const elsewhere = await holdOk(bob, other, at("10:00"));
    const notOwn = await staff.client.from("bookings").select("id").eq("id", elsewhere.id);
    expect(notOwn.data).toEqual([]);
  });

  it("shows admins every booking", async () => {
    const admin = await withRole("admin", "admin");
    const all = await admin.client.from("bookings").select("id").eq("id", booking.id);
    expect(all.data).toEqual([{ id: booking.id }]);
  });

  it("lets only the service role run the expiry sweep", async () => {
    const denied = await alice.client.rpc("expire_stale_holds");
    expect(denied.error?.code).toBe("42501");
    const other = await newPractitioner();
    const stale = await holdOk(bob, other, at("11:00"));
    await stack.db.query(
      "update public.bookings set expires_at = now() - interval '1 minute' where id = $1",
      [stale.id],
    );
    const swept = await stack.client(stack.serviceRoleKey).rpc("expire_stale_holds");
    expect(swept.error).toBeNull();
    expect(swept.data).toContainEqual({
      practitioner_id: other,
      blocked_from: expect.any(String),
      blocked_to: expect.any(String),
    });
    expect(await statusOf(stale.id)).toBe("expired");
  });

  it("keeps the booking but erases personal data when the account is deleted", async () => {
    const carol = await signUp("carol");
    const other = await newPractitioner();
    const kept = await holdOk(carol, other, at("12:00"));
    await stack.db.query("delete from auth.users where id = $1", [carol.id]);
    const { rows } = await stack.db.query(
      `select user_id, status, customer_name_sealed, customer_email_sealed, customer_email_hash
       from public.bookings where id = $1`,
      [kept.id],
    );
    expect(rows).toEqual([
      {
        user_id: null,
        status: "held",
        customer_name_sealed: null,
        customer_email_sealed: null,
        customer_email_hash: null,
      },
    ]);
  });
});
