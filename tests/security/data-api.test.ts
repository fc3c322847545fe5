// The Supabase Data API is the API too (issue #13): everything anon or authenticated may execute
// or write is callable straight through /rest/v1 with the anon key and a customer's own token.
// 1. The catalog, not a hand list, says what the API roles can reach; anything not in the
//    reviewed allowlist below fails, so a new grant is a reviewed decision.
// 2. Each allowlisted booking function is attacked directly through /rest/v1/rpc the way the
//    findings did: rules passed as arguments, a customer cancelling inside the window or after
//    the session, a made-up manage-token hash, and the server-only writes called by clients.
// 3. The server-only functions, called as the server, still enforce every rule themselves.
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_DAY_EVERY_DAY, newPractitioner as practitioner } from "../helpers/practitioner.js";
import {
  FIXTURE_MIGRATIONS,
  PROJECT_SEED,
  startTestSupabase,
  type TestSupabase,
} from "../helpers/supabase.js";

/**
 * What the API roles may reach, each with why it is safe to hand a hostile client. Functions are
 * "role: name(argument types)"; relations "role: privilege table" or "role: privilege
 * table(columns)" for column grants.
 */
const REVIEWED: Record<string, string> = {
  // Platform
  "anon: health()": "answers a constant; the health check's database round trip",
  "authenticated: health()": "answers a constant",
  "anon: has_app_role(text)": "answers about the caller's own token only",
  "authenticated: has_app_role(text)": "answers about the caller's own token only",
  // Accounts and settings
  "authenticated: delete_my_account()": "deletes the caller's own account, nothing else",
  "authenticated: write_settings(bigint,jsonb,integer,text)":
    "writes the caller's own settings (auth.uid()), version-checked",
  "authenticated: select user_settings": "RLS: own rows",
  "authenticated: select settings_history": "RLS: own rows",
  "authenticated: select profiles": "RLS: own row; names and phones only sealed",
  "authenticated: update profiles(locale,time_zone)":
    "RLS: own row; only non-personal preferences (names and phones are sealed by the server)",
  // Web Push subscriptions
  "authenticated: select push_subscriptions": "RLS: own rows",
  "authenticated: delete push_subscriptions": "RLS: own rows",
  "authenticated: insert push_subscriptions(user_id,endpoint,p256dh,auth,expiration_time)":
    "RLS: own rows only; the table checks the endpoint and keys; the server pushes only to known push services",
  "authenticated: update push_subscriptions(user_id,endpoint,p256dh,auth,expiration_time)":
    "RLS: own rows, and they stay the caller's (with check)",
  // Catalogue and scheduling: public by design
  "anon: select session_types": "the public catalogue",
  "authenticated: select session_types": "the public catalogue",
  "anon: select session_type_prices": "the public price list",
  "authenticated: select session_type_prices": "the public price list",
  "anon: select working_hours": "public opening hours",
  "authenticated: select working_hours": "public opening hours",
  "anon: select practitioners(id,display_name,time_zone,active,created_at)":
    "public practitioner facts; never user_id",
  "authenticated: select practitioners(id,display_name,time_zone,active,created_at)":
    "public practitioner facts; never user_id",
  "anon: select schedule_exceptions(id,practitioner_id,during,created_at)":
    "when the practitioner is away; never why",
  "authenticated: select schedule_exceptions(id,practitioner_id,during,created_at)":
    "when the practitioner is away; never why",
  "anon: select booking_rules": "the practice's published booking rules",
  "authenticated: select booking_rules": "the practice's published booking rules",
  "anon: availability_inputs(text,uuid,date,integer)":
    "public schedule facts and busy instants only; at most 31 dates, enforced by the function",
  "authenticated: availability_inputs(text,uuid,date,integer)":
    "public schedule facts and busy instants only; at most 31 dates, enforced by the function",
  "anon: busy_ranges(uuid,timestamp with time zone,timestamp with time zone)":
    "instants only, no personal data; the window is capped by calendar_window",
  "authenticated: busy_ranges(uuid,timestamp with time zone,timestamp with time zone)":
    "instants only, no personal data; the window is capped by calendar_window",
  "anon: exception_ranges(uuid,timestamp with time zone,timestamp with time zone)":
    "security invoker over the public columns of schedule_exceptions",
  "authenticated: exception_ranges(uuid,timestamp with time zone,timestamp with time zone)":
    "security invoker over the public columns of schedule_exceptions",
  "anon: calendar_window(uuid,timestamp with time zone,timestamp with time zone)":
    "pure range arithmetic with a cap",
  "authenticated: calendar_window(uuid,timestamp with time zone,timestamp with time zone)":
    "pure range arithmetic with a cap",
  // Consent
  "anon: select consent_versions": "RLS: active versions, public text",
  "authenticated: select consent_versions": "RLS: active versions, public text",
  "anon: consent_item_keys_valid(text[])": "immutable check of an array's shape",
  "authenticated: consent_item_keys_valid(text[])": "immutable check of an array's shape",
  "authenticated: read_consent_record(uuid)": "staff only, every read audit-logged",
  // Bookings: the caller's own token decides (owner, or staff of the practitioner)
  "authenticated: select bookings": "RLS: own, or staff of the practitioner, or admin",
  "authenticated: select booking_events": "RLS: events of the bookings the caller may read",
  "authenticated: my_bookings(integer,timestamp with time zone,uuid)": "the caller's own",
  "authenticated: read_booking(uuid,text)":
    "owner or staff by token; a manage-token hash only from the server (42501)",
  "authenticated: cancel_booking(uuid,text,text,boolean)":
    "window from booking_rules; started sessions refused; hash only from the server",
  "authenticated: confirm_booking(uuid)": "staff of the practitioner or admin only",
  "authenticated: set_booking_sms_opt_in(uuid,text,boolean)":
    "owner or staff; no window on purpose (declining texts always works)",
  "authenticated: is_my_practitioner(uuid)": "answers about the caller's own link only",
  // Staff notifications
  "authenticated: booking_sms_recipients(uuid[])": "staff of the bookings only, reads logged",
  "authenticated: request_notifications(jsonb,text,text)":
    "staff of the bookings only; templates, never free text or addresses",
  "anon: notification_status_rank(text)": "immutable ranking of status names",
  "authenticated: notification_status_rank(text)": "immutable ranking of status names",
  // Staff and admin work (20261121001500_staff_admin.sql): each checks the role itself
  "authenticated: staff_bookings(timestamp with time zone,timestamp with time zone,uuid)":
    "staff of the practitioners only (admins all), at most 31 days and 500 rows, reads logged",
  "authenticated: staff_booking_record(uuid)": "staff of the practitioner or admin, read logged",
  "authenticated: admin_put_session_type(text,jsonb)": "admin role only, audited",
  "authenticated: admin_put_practitioner(uuid,jsonb)": "admin role only, audited",
  "authenticated: admin_add_time_off(uuid,timestamp with time zone,timestamp with time zone,text)":
    "admin role only, audited",
  "authenticated: admin_remove_time_off(uuid)": "admin role only, audited",
  "authenticated: admin_set_staff(text,text,uuid)": "admin role only, audited",
  "authenticated: admin_set_practice_settings(jsonb)": "admin role only, audited",
  "authenticated: admin_practitioners()": "admin role only; staff emails and time-off reasons",
  "authenticated: admin_session_types()": "admin role only; the catalogue with retired rows",
  "authenticated: operations_overview(jsonb,integer)":
    "staff role required; staff get their practitioners' items only (staff_serves); ids, counts and times, nothing personal",
  "authenticated: operations_acknowledge_alert(uuid)": "admin role only, audited",
  "authenticated: admin_migration_level()": "admin role only; a migration timestamp",
  // Payments and subscriptions: read-only, RLS
  "authenticated: select payments": "RLS: own, or staff",
  // Travel (20261121002000_travel.sql): reads only; every write is a service-role function
  "authenticated: select flight_bookings":
    "RLS: own rows, or admins; travellers and contact only sealed, the itinerary holds nothing personal",
  "authenticated: read_flight_booking(uuid)":
    "owner or admin only (PT404 else); an admin's read of another's booking is logged",
  "authenticated: select refunds": "RLS: own, or staff",
  "authenticated: select payment_disputes": "RLS: staff",
  "authenticated: select shop_payment_accounts":
    "RLS: the shop's owners (payouts.manage); the Connect account id and Stripe's status flags, written only by the server",
  // Commerce (20261121001900_shops.sql): every policy asks shop_can (one membership helper and
  // the one role → permission table); functions granted here check the caller's role themselves.
  "authenticated: select shops": "RLS: members of the shop (shop.read)",
  "authenticated: update shops(name,description,submission_retention_days)":
    "RLS: owners and admins (shop.update); never the currency, creator or ids",
  "authenticated: select shop_role_permissions": "the public role table, nothing per shop",
  "authenticated: select shop_members": "RLS: members of the same shop (team.read)",
  "authenticated: select shop_invitations": "RLS: owners (team.manage); invitee emails only sealed",
  "authenticated: delete shop_invitations": "RLS: owners (team.manage), open invitations only",
  "authenticated: select products": "RLS: members of the shop (products.read)",
  "authenticated: insert products(shop_id,name,description,price_minor,currency,stock,image_url,category)":
    "RLS: owners and admins (products.write); the currency must be the shop's (trigger), https image URLs (check)",
  "authenticated: update products(name,description,price_minor,stock,image_url,category,deleted_at)":
    "RLS: owners and admins (products.write), both before and after; never shop_id or currency",
  "authenticated: select forms": "RLS: members of the shop (forms.read)",
  "authenticated: insert forms(shop_id,kind,name,fields,product_ids,active)":
    "RLS: owners and admins (forms.write); only the shop's own products (trigger)",
  "authenticated: update forms(name,fields,product_ids,active)":
    "RLS: owners and admins (forms.write); only the shop's own products (trigger)",
  "authenticated: select orders": "RLS: members of the shop (orders.read); contact only sealed",
  "authenticated: select order_items": "RLS: members of the shop (orders.read)",
  "authenticated: select order_events": "RLS: members of the shop (orders.read)",
  "authenticated: select form_submissions":
    "RLS: members of the shop (submissions.read); answers only sealed",
  "authenticated: shop_member_role(uuid)": "answers about the caller's own membership only",
  "authenticated: shop_can(uuid,text)": "answers about the caller's own membership only",
  "authenticated: create_shop(text,text,text)":
    "makes the caller (auth.uid()) owner of a new shop; at most 20 per person",
  "authenticated: list_shop_members(uuid)": "members of that shop only (team.read)",
  "authenticated: set_shop_member_role(uuid,uuid,text)":
    "owners only (team.manage), under the shop's lock; the last owner stays",
  "authenticated: remove_shop_member(uuid,uuid)":
    "owners (team.manage) or the member themselves; the last owner stays",
  "authenticated: set_shop_order_status(uuid,uuid,text)":
    "owners and admins (orders.status); the state machine is a trigger nobody bypasses",
  "anon: public_shop_form(uuid,uuid)":
    "an active form and its live products as the shop publishes them; in stock or not, never counts",
  "authenticated: public_shop_form(uuid,uuid)":
    "an active form and its live products as the shop publishes them; in stock or not, never counts",
  // Live chat (20261121002300_conversations.sql): members through shop_can(…, 'conversations.handle').
  "authenticated: select conversations":
    "RLS: members of the shop (conversations.handle); no customer identity (tokens are in a server-only table)",
  "authenticated: update conversations(status,assignee_id,tags,notes,is_ai_active)":
    "RLS: members of the shop, before and after; the assignee must be a member and shop, channel and times stay (trigger)",
  "authenticated: select conversation_messages": "RLS: members of the shop (conversations.handle)",
  "authenticated: send_shop_message(uuid,uuid,text,jsonb)":
    "checks shop_can itself; writes as sender 'seller' with auth.uid(), never as the customer or the AI",
  "authenticated: realtime_topic_shop_id(text)":
    "pure parse of a topic name (the realtime policies use it)",
  // Channels (20261121002400_channels.sql): the connection's status and the bot's public name;
  // tokens and customers' chat ids are in server-only tables.
  "authenticated: select shop_channel_connections":
    "RLS: members of the shop (shop.read); no token or secret in the table",
  "authenticated: select billing_customers": "RLS: own row",
  "authenticated: select ai_usage": "RLS: own rows; tokens, model and cost, never text",
  "authenticated: select subscriptions": "RLS: own rows",
  "authenticated: subscription_entitles(text,text,timestamp with time zone)":
    "pure rule over its arguments",
  "authenticated: subscription_status(uuid)":
    "security invoker: RLS shows only the caller's subscriptions",
  "authenticated: entitlement(uuid)": "security invoker over subscription_status",
};

const API_ROLES = ["anon", "authenticated"] as const;

/**
 * The local stack's own test tables and functions (tests/fixtures/migrations): present when CI
 * runs every suite against one PostgreSQL database, never part of a project.
 */
const FIXTURE_OBJECTS = new Set(
  readdirSync(FIXTURE_MIGRATIONS).flatMap((file) =>
    [
      ...readFileSync(join(FIXTURE_MIGRATIONS, file), "utf8").matchAll(
        /create (?:or replace )?(?:table|view|function) public\.([a-z_]+)/gi,
      ),
    ].map((match) => match[1] as string),
  ),
);

/** "role: name(args)" or "role: privilege name(columns)" → name. */
const objectOf = (entry: string) => /([a-z_]+)(?:\(|$)/.exec(entry.split(" ").at(-1) ?? "")?.[1];
const TABLE_PRIVILEGES = ["select", "insert", "update", "delete", "truncate", "references"];

let stack: TestSupabase;

/** Everything in the public schema (the one the Data API exposes) the API roles can reach. */
async function reachableByApiRoles(): Promise<string[]> {
  const reachable: string[] = [];
  for (const role of API_ROLES) {
    const functions = await stack.db.query<{ name: string }>(
      `select p.oid::regprocedure::text as name from pg_proc as p
       join pg_namespace as n on n.oid = p.pronamespace
       where n.nspname = 'public' and has_function_privilege($1, p.oid, 'execute')`,
      [role],
    );
    reachable.push(...functions.rows.map(({ name }) => `${role}: ${name.replace(/, /g, ",")}`));
    for (const privilege of TABLE_PRIVILEGES) {
      const whole = await stack.db.query<{ name: string }>(
        `select c.relname as name from pg_class as c
         join pg_namespace as n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f')
           and has_table_privilege($1, c.oid, $2)`,
        [role, privilege],
      );
      reachable.push(...whole.rows.map(({ name }) => `${role}: ${privilege} ${name}`));
      if (privilege === "truncate" || privilege === "delete") continue;
      const columns = await stack.db.query<{ name: string; columns: string }>(
        `select c.relname as name, string_agg(a.attname, ',' order by a.attnum) as columns
         from pg_class as c
         join pg_namespace as n on n.oid = c.relnamespace
         join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f')
           and not has_table_privilege($1, c.oid, $2)
           and has_column_privilege($1, c.oid, a.attnum, $2)
         group by c.relname`,
        [role, privilege],
      );
      reachable.push(
        ...columns.rows.map(({ name, columns }) => `${role}: ${privilege} ${name}(${columns})`),
      );
    }
    const sequences = await stack.db.query<{ name: string; owner: string | null }>(
      `select c.relname as name, owner.relname as owner from pg_class as c
       join pg_namespace as n on n.oid = c.relnamespace
       left join pg_depend as d on d.objid = c.oid and d.deptype in ('a', 'i')
       left join pg_class as owner on owner.oid = d.refobjid
       where n.nspname = 'public' and c.relkind = 'S'
         and (has_sequence_privilege($1, c.oid, 'usage') or has_sequence_privilege($1, c.oid, 'update'))`,
      [role],
    );
    reachable.push(
      ...sequences.rows
        .filter(({ owner }) => !FIXTURE_OBJECTS.has(owner ?? ""))
        .map(({ name }) => `${role}: usage ${name}`),
    );
  }
  return reachable.filter((entry) => !FIXTURE_OBJECTS.has(objectOf(entry) ?? "")).sort();
}

// ---------------------------------------------------------------------------------------------
// Fixtures: users, a practitioner working every day in UTC, bookings written as the owner.

interface User {
  id: string;
  client: SupabaseClient;
}

const PASSWORD = "correct horse battery";
const run = randomUUID().slice(0, 8);
let users = 0;

async function signUp(appMetadata?: Record<string, unknown>): Promise<User> {
  const email = `attacker${++users}-${run}@example.test`;
  const admin = stack.client(stack.serviceRoleKey).auth.admin;
  const created = await admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    ...(appMetadata && { app_metadata: appMetadata }),
  });
  if (created.error) throw created.error;
  const session = await stack.client().auth.signInWithPassword({ email, password: PASSWORD });
  if (session.error || !session.data.session) throw session.error ?? new Error("no session");
  return { id: created.data.user.id, client: stack.client(session.data.session.access_token) };
}

/** A well-formed sealed value (the database checks the format, not the key). */
const sealed = (label: string) =>
  `v1.k1.${randomBytes(12).toString("base64url")}.${Buffer.from(label).toString("base64url")}.${randomBytes(16).toString("base64url")}`;

/** A practitioner of the file's own in UTC, working all day every day. */
const newPractitioner = () =>
  practitioner(stack, {
    timeZone: "UTC",
    workingHours: ALL_DAY_EVERY_DAY,
    label: "attack surface",
  });

const HOUR = 3_600_000;

/**
 * A whole half hour about `hoursAhead` hours from now (UTC), as an ISO instant: the next one,
 * or 22:30 when that falls later in the day, so that a session of up to 90 minutes ends by
 * midnight (working hours, 00:00–24:00 here, never cross it). At most 90 minutes early.
 */
function slotIn(hoursAhead: number): string {
  const at = Math.ceil((Date.now() + hoursAhead * HOUR) / (30 * 60_000)) * 30 * 60_000;
  const latest = Math.floor(at / (24 * HOUR)) * 24 * HOUR + 22.5 * HOUR;
  return new Date(Math.min(at, latest)).toISOString();
}

/** A paid, confirmed individual session of the user's, written as the database owner. */
async function paidBooking(practitionerId: string, owner: User, start: string): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.bookings (
       user_id, practitioner_id, session_type_id, format, during, blocked, status, amount_minor,
       currency, customer_name_sealed, customer_email_sealed, customer_email_hash
     )
     select $1, $2, t.id, 'video',
       tstzrange($3::timestamptz, $3::timestamptz + interval '50 minutes', '[)'),
       tstzrange($3::timestamptz, $3::timestamptz + interval '60 minutes', '[)'),
       'confirmed', 250000, 'INR', $4, $5, $6
     from public.session_types as t where t.slug = 'individual'
     returning id`,
    [owner.id, practitionerId, start, sealed("name"), sealed("email"), randomUUID()],
  );
  return rows[0]?.id as string;
}

async function bookingRow(id: string) {
  const { rows } = await stack.db.query<{
    status: string;
    refund_due_minor: string | null;
    starts_at: string;
  }>(
    `select status, refund_due_minor::text, lower(during)::text as starts_at
     from public.bookings where id = $1`,
    [id],
  );
  return rows[0];
}

function createArguments(practitionerId: string, start: string, userId: string | null) {
  return {
    p_user_id: userId,
    p_manage_token_hash: userId === null ? randomBytes(32).toString("hex") : null,
    p_session_type_slug: "free",
    p_format: "video",
    p_practitioner_id: practitionerId,
    p_start: start,
    p_currency: "INR",
    p_customer_name_sealed: sealed("name"),
    p_customer_email_sealed: sealed("email"),
    p_customer_email_hash: CONSENTED_EMAIL_HASH,
    p_customer_phone_sealed: null,
    p_notes_sealed: null,
    p_consent_accepted: true,
    p_consent_id: null,
  };
}

/** Bookings of types that need consent rest on this email hash's records. */
const CONSENTED_EMAIL_HASH = randomBytes(32).toString("hex");

let server: SupabaseClient;
let anon: SupabaseClient;
let customer: User;
let stranger: User;
let unlinkedStaff: User;

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  server = stack.client(stack.serviceRoleKey);
  anon = stack.client();
  [customer, stranger, unlinkedStaff] = await Promise.all([
    signUp(),
    signUp(),
    signUp({ role: "staff" }),
  ]);
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

describe("what the API roles can reach", () => {
  it("is exactly the reviewed allowlist, read from the catalog", async () => {
    expect(await reachableByApiRoles()).toEqual(Object.keys(REVIEWED).sort());
  });
});

describe("booking functions called directly through /rest/v1/rpc", () => {
  it("take no rule as an argument: a customer's own window is not theirs to pass", async () => {
    const practitioner = await newPractitioner();
    const booking = await paidBooking(practitioner, customer, slotIn(16));
    const withWindow = await customer.client.rpc("cancel_booking", {
      p_id: booking,
      p_manage_token_hash: null,
      p_reason: null,
      p_window: "0 seconds",
      p_holds_only: false,
    });
    expect(withWindow.error?.code).toBe("PGRST202");
    const inWindow = await customer.client.rpc("cancel_booking", {
      p_id: booking,
      p_manage_token_hash: null,
      p_reason: null,
      p_holds_only: false,
    });
    expect(inWindow.error?.code).toBe("BKWIN");
    expect(await bookingRow(booking)).toMatchObject({
      status: "confirmed",
      refund_due_minor: null,
    });
  });

  it("refuse to cancel, and so to refund, a session that has already happened", async () => {
    const practitioner = await newPractitioner();
    const past = new Date(Date.now() - 48 * HOUR);
    past.setUTCMinutes(0, 0, 0);
    const booking = await paidBooking(practitioner, customer, past.toISOString());
    const admin = await signUp({ role: "admin" });
    for (const caller of [customer, admin]) {
      const cancelled = await caller.client.rpc("cancel_booking", {
        p_id: booking,
        p_manage_token_hash: null,
        p_reason: null,
        p_holds_only: false,
      });
      expect(cancelled.error?.code).toMatch(/^(BKWIN|PT409)$/);
    }
    expect(await bookingRow(booking)).toMatchObject({
      status: "confirmed",
      refund_due_minor: null,
    });
  });

  it("keep the server's writes from clients: create, change and consent", async () => {
    const practitioner = await newPractitioner();
    const start = slotIn(30);
    for (const client of [anon, customer.client]) {
      const created = await client.rpc(
        "create_booking",
        createArguments(practitioner, start, null),
      );
      expect(created.error?.code).toBe("42501");
      const asCustomer = await client.rpc(
        "create_booking",
        createArguments(practitioner, start, customer.id),
      );
      expect(asCustomer.error?.code).toBe("42501");
      const consent = await client.rpc("record_consent", {
        p_user_id: null,
        p_session_type_slug: "individual",
        p_consent_version: "2026-11",
        p_email_hash: randomUUID(),
        p_acknowledgments: [],
        p_ip_sealed: null,
        p_user_agent: "typed by the attacker",
      });
      expect(consent.error?.code).toBe("42501");
    }
    const booking = await paidBooking(practitioner, customer, slotIn(30));
    const moved = await customer.client.rpc("change_booking", {
      p_id: booking,
      p_user_id: customer.id,
      p_manage_token_hash: null,
      p_start: slotIn(24 * 90),
      p_change_notes: true,
      p_notes_sealed: "plain text",
      p_sms_opt_in: null,
    });
    expect(moved.error?.code).toBe("42501");
    const { count } = await server
      .from("bookings")
      .select("id", { count: "exact", head: true })
      .eq("practitioner_id", practitioner);
    expect(count).toBe(1);
  });

  it("honour a manage-token hash only from the server", async () => {
    const practitioner = await newPractitioner();
    const guest = createArguments(practitioner, slotIn(30), null);
    const created = await server.rpc("create_booking", guest);
    expect(created.error).toBeNull();
    const id = (created.data as { id: string }).id;
    const hash = guest.p_manage_token_hash;
    // Even with the real hash (as a database dump would give it), a client gets nothing.
    for (const [fn, args] of [
      ["read_booking", { p_id: id, p_manage_token_hash: hash }],
      ["set_booking_sms_opt_in", { p_id: id, p_manage_token_hash: hash, p_opt_in: false }],
      [
        "cancel_booking",
        { p_id: id, p_manage_token_hash: hash, p_reason: null, p_holds_only: false },
      ],
    ] as const) {
      expect((await stranger.client.rpc(fn, args)).error?.code, fn).toBe("42501");
      expect((await anon.rpc(fn, args)).error?.code, fn).toBe("42501");
    }
    const made = await server.rpc("read_booking", {
      p_id: id,
      p_manage_token_hash: randomBytes(32).toString("hex"),
    });
    expect(made.error?.code).toBe("PT404");
    expect((await bookingRow(id))?.status).toBe("confirmed");
  });

  it("let staff confirm only their own practitioner's holds", async () => {
    const practitioner = await newPractitioner();
    const created = await server.rpc("create_booking", {
      ...createArguments(practitioner, slotIn(30), customer.id),
      p_session_type_slug: "individual",
    });
    expect(created.error).toBeNull();
    const id = (created.data as { id: string }).id;
    for (const caller of [unlinkedStaff, customer, stranger]) {
      const confirmed = await caller.client.rpc("confirm_booking", { p_id: id });
      expect(confirmed.error?.code).toBe("PT404");
    }
    expect((await bookingRow(id))?.status).toBe("held");
  });
});

describe("the server-only functions still enforce every rule themselves", () => {
  let practitioner: string;
  beforeAll(async () => {
    practitioner = await newPractitioner();
  });

  const book = (start: string) =>
    server.rpc("create_booking", createArguments(practitioner, start, customer.id));

  it("refuse starts off the slot grid, inside the notice and past the horizon", async () => {
    const onGrid = new Date(slotIn(48));
    const offGrid = new Date(onGrid.getTime() + 7 * 60_000).toISOString();
    expect((await book(offGrid)).error?.code).toBe("BKSLT");
    const justOff = new Date(onGrid.getTime() - 400).toISOString();
    expect((await book(justOff)).error?.code).toBe("BKSLT");
    expect((await book(slotIn(1))).error?.code).toBe("BKSLT");
    expect((await book(slotIn(24 * 61))).error?.code).toBe("BKSLT");
    expect((await book(onGrid.toISOString())).error).toBeNull();
  });

  it("hold for the rules' length, whatever the caller would like", async () => {
    const held = await server.rpc("create_booking", {
      ...createArguments(practitioner, slotIn(72), customer.id),
      p_session_type_slug: "individual",
    });
    expect(held.error).toBeNull();
    const withLength = await server.rpc("create_booking", {
      ...createArguments(practitioner, slotIn(96), customer.id),
      p_hold_minutes: 60,
    });
    expect(withLength.error?.code).toBe("PGRST202");
    const { rows } = await stack.db.query<{ minutes: number }>(
      `select extract(epoch from expires_at - created_at)::int / 60 as minutes
       from public.bookings where id = $1`,
      [(held.data as { id: string }).id],
    );
    expect(rows[0]?.minutes).toBe(10);
  });

  it("move a booking only to a slot on the grid, inside the horizon", async () => {
    const start = slotIn(120);
    const created = await book(start);
    expect(created.error).toBeNull();
    const id = (created.data as { id: string }).id;
    const moveTo = (start: string) =>
      server.rpc("change_booking", {
        p_id: id,
        p_user_id: customer.id,
        p_manage_token_hash: null,
        p_start: start,
        p_change_notes: false,
        p_notes_sealed: null,
      });
    expect((await moveTo(slotIn(24 * 70))).error?.code).toBe("BKSLT");
    const offGrid = new Date(new Date(slotIn(150)).getTime() + 10 * 60_000).toISOString();
    expect((await moveTo(offGrid)).error?.code).toBe("BKSLT");
    const starts = (await bookingRow(id))?.starts_at;
    expect(new Date(starts ?? "").getTime()).toBe(new Date(start).getTime());
  });

  it("store only sealed values in the sealed columns", async () => {
    const plain = await server.rpc("create_booking", {
      ...createArguments(practitioner, slotIn(200), customer.id),
      p_customer_name_sealed: "Asha Rao",
    });
    expect(plain.error?.code).toBe("23514");
  });

  it("act only for an account that exists", async () => {
    const ghost = await server.rpc(
      "create_booking",
      createArguments(practitioner, slotIn(220), randomUUID()),
    );
    expect(ghost.error?.code).toBe("28000");
  });
});
