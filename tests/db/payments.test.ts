// Payments in the database (supabase/migrations/20261121000500_payments.sql): who may read and
// write the ledger (RLS and grants, through the Data API with each key), the forward-only state
// machine of a payment, and the ledger functions — called as the server calls them, with the
// service-role key over the real supabase-js client: pricing a payment, captures that confirm
// (or cannot confirm) their hold, refunds, the cancellation refunds owed, and the webhook inbox.
//
// With DATABASE_URL the database is shared between files and runs, so every test makes its own
// practitioner (working every day, all day, in UTC), orders and event ids, and looks only at rows
// it made. PostgreSQL answers bigint as a string where PGlite answers a number: rows read with SQL
// go through Number().
import { createHash, randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSealed } from "../helpers/sealed.js";
import { announceSkipped } from "../helpers/skipped.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
const run = randomUUID().slice(0, 8);
/** The email hash this file's bookings carry, with a consent record for every session type. */
const CONSENTED_EMAIL_HASH = createHash("sha256").update(`payments-${run}`).digest("hex");
const PASSWORD = "correct horse battery";
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

interface User {
  id: string;
  client: SupabaseClient;
}

let alice: User;
let bob: User;
let staff: User;
let anon: SupabaseClient;
let service: SupabaseClient;

async function signUp(name: string): Promise<User> {
  const { data, error } = await stack
    .client()
    .auth.signUp({ email: `${name}-${run}@example.test`, password: PASSWORD });
  if (error || !data.session || !data.user) throw error ?? new Error("no session");
  return { id: data.user.id, client: stack.client(data.session.access_token) };
}

/** A user whose app_metadata.role the admin API sets, signed in so the token carries it. */
async function withRole(name: string, role: string): Promise<User> {
  const email = `${name}-${run}@example.test`;
  const created = await service.auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    app_metadata: { role },
  });
  if (created.error || !created.data.user) throw created.error ?? new Error("no user");
  const { data, error } = await stack
    .client()
    .auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("no session");
  return { id: created.data.user.id, client: stack.client(data.session.access_token) };
}

async function newPractitioner(): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `insert into public.practitioners (display_name, time_zone) values ($1, 'UTC') returning id`,
    [`Payments ${run}`],
  );
  const id = rows[0]?.id as string;
  await stack.db.query(
    `insert into public.working_hours (practitioner_id, weekday, start_time, end_time)
     select $1, d, time '00:00', time '24:00' from generate_series(1, 7) as d`,
    [id],
  );
  return id;
}

/**
 * The day after tomorrow (UTC) at the given time, as an ISO instant: past the minimum notice and
 * the customer's change window (booking_rules: 2 hours, 24 hours) whenever the suite runs.
 */
function at(hhmm: string): string {
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00.000Z`;
}

interface HoldOptions {
  slug?: string;
  format?: string;
  currency?: string;
}

interface Booking {
  id: string;
  status: string;
  amount_minor: number;
  currency: string;
}

/** A hold placed for the user with create_booking, as the API places it: the server, naming them. */
async function holdOk(
  user: User,
  practitionerId: string,
  start: string,
  options: HoldOptions = {},
): Promise<Booking> {
  const { data, error } = await service.rpc("create_booking", {
    p_user_id: user.id,
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
  });
  expect(error).toBeNull();
  return data as Booking;
}

/** A live hold of alice's for an individual video session (INR 2,500.00), on its own practitioner. */
async function aliceHold(options: HoldOptions = {}): Promise<Booking> {
  return holdOk(alice, await newPractitioner(), at("10:00"), options);
}

async function lapse(bookingId: string): Promise<void> {
  await stack.db.query(
    "update public.bookings set expires_at = now() - interval '1 minute' where id = $1",
    [bookingId],
  );
}

interface BookingRow {
  status: string;
  paid_by_payment_id: string | null;
}

async function bookingRow(id: string): Promise<BookingRow | undefined> {
  const { rows } = await stack.db.query<BookingRow>(
    "select status, paid_by_payment_id from public.bookings where id = $1",
    [id],
  );
  return rows[0];
}

interface Payment {
  id: string;
  user_id: string | null;
  booking_id: string | null;
  provider: string;
  provider_order_id: string | null;
  provider_payment_id: string | null;
  session_type_id: string;
  format: string;
  amount_minor: number;
  currency: string;
  status: string;
  refunded_minor: number;
  failure_reason: string | null;
  captured_at: string | null;
}

interface Refund {
  id: string;
  payment_id: string;
  provider_refund_id: string | null;
  amount_minor: number;
  status: string;
  idempotency_key: string | null;
}

/** A ledger function as the server calls it: the service-role key through the Data API. */
function ledger(fn: string, args: Record<string, unknown> = {}) {
  return service.rpc(fn, args);
}

async function ledgerOk<T>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
  const { data, error } = await ledger(fn, args);
  expect(error).toBeNull();
  return data as T;
}

let orders = 0;

interface NewPayment extends HoldOptions {
  userId?: string;
  bookingId?: string | null;
  provider?: string;
}

/** A payment made by ledger_create_payment with its provider order attached. */
async function newPayment(options: NewPayment = {}): Promise<Payment> {
  const created = await ledgerOk<Payment>("ledger_create_payment", {
    p_user_id: options.userId ?? alice.id,
    p_provider: options.provider ?? "sandbox",
    p_booking_id: options.bookingId ?? null,
    p_session_type_slug: options.slug ?? "individual",
    p_format: options.format ?? "video",
    p_currency: options.currency ?? "INR",
  });
  orders += 1;
  return ledgerOk<Payment>("ledger_attach_order", {
    p_payment_id: created.id,
    p_provider_order_id: `order_${run}_${orders}`,
  });
}

interface Capture {
  amount?: number | null;
  currency?: string | null;
  providerPaymentId?: string;
}

function capture(payment: Payment, options: Capture = {}) {
  return ledger("ledger_record_capture", {
    p_provider: payment.provider,
    p_provider_order_id: payment.provider_order_id,
    p_provider_payment_id: options.providerPaymentId ?? `pay_${payment.id}`,
    p_amount_minor: options.amount === undefined ? payment.amount_minor : options.amount,
    p_currency: options.currency === undefined ? payment.currency : options.currency,
  });
}

interface CaptureOutcome {
  payment: Payment;
  newly_captured: boolean;
  refund_due_minor: number;
  booking_status: string | null;
}

async function captureOk(payment: Payment, options: Capture = {}): Promise<CaptureOutcome> {
  const { data, error } = await capture(payment, options);
  expect(error).toBeNull();
  const outcome = data as CaptureOutcome;
  return { ...outcome, refund_due_minor: Number(outcome.refund_due_minor) };
}

/** A captured payment of alice's from the catalogue (no booking): INR 2,500.00 unless told. */
async function capturedPayment(options: NewPayment = {}): Promise<Payment> {
  const payment = await newPayment(options);
  return (await captureOk(payment)).payment;
}

interface Reserve {
  amount: number | null;
  key?: string | null;
  requestedBy?: string | null;
}

function beginRefund(paymentId: string, reserve: Reserve) {
  return ledger("ledger_begin_refund", {
    p_payment_id: paymentId,
    p_amount_minor: reserve.amount,
    p_reason: "test refund",
    p_requested_by: reserve.requestedBy ?? null,
    p_idempotency_key: reserve.key === undefined ? randomUUID() : reserve.key,
  });
}

async function beginRefundOk(paymentId: string, reserve: Reserve): Promise<Refund> {
  const { data, error } = await beginRefund(paymentId, reserve);
  expect(error).toBeNull();
  return data as Refund;
}

function settleRefund(refundId: string, providerRefundId: string, succeeded: boolean) {
  return ledgerOk<Refund>("ledger_settle_refund", {
    p_refund_id: refundId,
    p_provider_refund_id: providerRefundId,
    p_succeeded: succeeded,
  });
}

interface PaymentState {
  status: string;
  amount_minor: number;
  refunded_minor: number;
  currency: string;
  provider: string;
  provider_payment_id: string | null;
  captured: boolean;
}

/** A payment's row as the table has it, with its amounts as numbers. */
async function paymentRow(id: string): Promise<PaymentState | undefined> {
  const { rows } = await stack.db.query<PaymentState>(
    `select status, amount_minor, refunded_minor, currency, provider, provider_payment_id,
       captured_at is not null as captured
     from public.payments where id = $1`,
    [id],
  );
  const row = rows[0];
  return (
    row && {
      ...row,
      amount_minor: Number(row.amount_minor),
      refunded_minor: Number(row.refunded_minor),
    }
  );
}

async function refundsOf(paymentId: string) {
  const { rows } = await stack.db.query<Record<string, unknown>>(
    `select id, amount_minor, status, provider_refund_id from public.refunds
     where payment_id = $1 order by created_at, id`,
    [paymentId],
  );
  return rows.map((row) => ({ ...row, amount_minor: Number(row.amount_minor) }));
}

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  anon = stack.client();
  service = stack.client(stack.serviceRoleKey);
  [alice, bob, staff] = await Promise.all([
    signUp("alice"),
    signUp("bob"),
    withRole("staff", "staff"),
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

describe("who reads and writes the ledger", () => {
  let alicePayment: Payment;
  let bobPayment: Payment;
  let aliceRefund: Refund;
  let bobRefund: Refund;

  beforeAll(async () => {
    alicePayment = await capturedPayment({ userId: alice.id });
    bobPayment = await capturedPayment({ userId: bob.id });
    aliceRefund = await beginRefundOk(alicePayment.id, { amount: 1000 });
    bobRefund = await beginRefundOk(bobPayment.id, { amount: 1000 });
  });

  it("lets no anon or signed-in client insert, update or delete payments, refunds or events", async () => {
    const eventId = `evt_${run}_rls`;
    await stack.db.query(
      `insert into public.webhook_events (provider, event_id, event_type, payload)
       values ('sandbox', $1, 'payment.captured', '{}')`,
      [eventId],
    );
    for (const db of [anon, alice.client, staff.client]) {
      const writes = [
        db.from("payments").insert({
          user_id: alice.id,
          provider: "sandbox",
          session_type_id: INDIVIDUAL,
          format: "video",
          amount_minor: 1,
          currency: "INR",
        }),
        db
          .from("payments")
          .update({ status: "refunded", refunded_minor: 250000 })
          .eq("id", alicePayment.id),
        db.from("payments").delete().eq("id", alicePayment.id),
        db.from("refunds").insert({ payment_id: alicePayment.id, amount_minor: 1, reason: "mine" }),
        db.from("refunds").update({ status: "succeeded" }).eq("id", aliceRefund.id),
        db.from("refunds").delete().eq("id", aliceRefund.id),
        db.from("webhook_events").insert({
          provider: "sandbox",
          event_id: `evt_${run}_forged`,
          event_type: "payment.captured",
          payload: {},
        }),
        db
          .from("webhook_events")
          .update({ processed_at: new Date().toISOString() })
          .eq("event_id", eventId),
        db.from("webhook_events").delete().eq("event_id", eventId),
      ];
      for (const { error } of await Promise.all(writes)) expect(error?.code).toBe("42501");
    }
    expect(await paymentRow(alicePayment.id)).toMatchObject({
      status: "captured",
      refunded_minor: 0,
    });
    expect(await refundsOf(alicePayment.id)).toEqual([
      expect.objectContaining({ id: aliceRefund.id, status: "pending" }),
    ]);
    const { rows } = await stack.db.query(
      "select processed_at from public.webhook_events where provider = 'sandbox' and event_id = any($1)",
      [`{${eventId},evt_${run}_forged}`],
    );
    expect(rows).toEqual([{ processed_at: null }]);
  });

  it("lets anon read no payment, refund or event, and no signed-in user read events", async () => {
    for (const table of ["payments", "refunds", "webhook_events"]) {
      expect((await anon.from(table).select("id").limit(1)).error?.code).toBe("42501");
    }
    for (const db of [alice.client, staff.client]) {
      expect((await db.from("webhook_events").select("id").limit(1)).error?.code).toBe("42501");
    }
  });

  it("shows a customer their own payments and those payments' refunds, nobody else's", async () => {
    const ids = [alicePayment.id, bobPayment.id];
    const mine = await alice.client.from("payments").select("id, amount_minor").in("id", ids);
    expect(mine.error).toBeNull();
    expect(mine.data).toEqual([{ id: alicePayment.id, amount_minor: 250000 }]);
    const myRefunds = await alice.client.from("refunds").select("id").in("payment_id", ids);
    expect(myRefunds.data).toEqual([{ id: aliceRefund.id }]);
    const theirs = await bob.client.from("payments").select("id").in("id", ids);
    expect(theirs.data).toEqual([{ id: bobPayment.id }]);
    const theirRefunds = await bob.client.from("refunds").select("id").in("payment_id", ids);
    expect(theirRefunds.data).toEqual([{ id: bobRefund.id }]);
  });

  it("shows staff the payments for their practitioner's bookings, their refunds and disputes; admins all", async () => {
    const practitionerId = await newPractitioner();
    await stack.db.query("update public.practitioners set user_id = $2 where id = $1", [
      practitionerId,
      staff.id,
    ]);
    // A paid booking of the staff member's practitioner, written as the table owner.
    const { rows } = await stack.db.query<{ id: string }>(
      `with booking as (
         insert into public.bookings (user_id, practitioner_id, session_type_id, format, during,
           blocked, status, amount_minor, currency)
         values ($1, $2, $3, 'video', tstzrange($4::timestamptz, $4::timestamptz + interval '50 minutes'),
           tstzrange($4::timestamptz, $4::timestamptz + interval '60 minutes'), 'confirmed', 250000, 'INR')
         returning id
       )
       insert into public.payments (user_id, booking_id, provider, provider_order_id,
         provider_payment_id, session_type_id, format, amount_minor, currency, status, captured_at)
       select $1, booking.id, 'sandbox', $5, $6, $3, 'video', 250000, 'INR', 'captured', now()
       from booking
       returning id`,
      [
        alice.id,
        practitionerId,
        INDIVIDUAL,
        at("10:00"),
        `order_${run}_linked`,
        `pay_${run}_linked`,
      ],
    );
    const linkedId = rows[0]?.id as string;
    const linkedRefund = await beginRefundOk(linkedId, { amount: 1000 });
    await stack.db.query(
      `insert into public.payment_disputes (payment_id, provider, provider_dispute_id, status,
         amount_minor, currency)
       values ($1, 'sandbox', $2, 'open', 250000, 'INR'), ($3, 'sandbox', $4, 'open', 250000, 'INR')`,
      [linkedId, `dp_${run}_linked`, bobPayment.id, `dp_${run}_other`],
    );
    const [admin, unlinked] = await Promise.all([
      withRole("payments-admin", "admin"),
      withRole("payments-unlinked-staff", "staff"),
    ]);
    const ids = [alicePayment.id, bobPayment.id, linkedId];
    const seen = async (user: User) => ({
      payments: (await user.client.from("payments").select("id").in("id", ids).order("id")).data,
      refunds: (await user.client.from("refunds").select("id").in("payment_id", ids).order("id"))
        .data,
      disputes: (
        await user.client.from("payment_disputes").select("payment_id").in("payment_id", ids)
      ).data?.map((dispute) => dispute.payment_id),
    });

    expect(await seen(staff)).toEqual({
      payments: [{ id: linkedId }],
      refunds: [{ id: linkedRefund.id }],
      disputes: [linkedId],
    });
    expect(await seen(unlinked)).toEqual({ payments: [], refunds: [], disputes: [] });
    const all = await seen(admin);
    expect(all.payments).toEqual([...ids].sort().map((id) => ({ id })));
    expect(all.refunds).toEqual(
      [aliceRefund.id, bobRefund.id, linkedRefund.id].sort().map((id) => ({ id })),
    );
    expect(all.disputes?.sort()).toEqual([linkedId, bobPayment.id].sort());
    // The customer sees her payment, but disputes are for staff.
    expect((await seen(alice)).disputes).toEqual([]);
  });

  it("lets only the service role run the ledger functions (42501 for anyone else)", async () => {
    const paymentId = alicePayment.id;
    const calls: [string, Record<string, unknown>][] = [
      [
        "ledger_create_payment",
        {
          p_user_id: alice.id,
          p_provider: "sandbox",
          p_booking_id: null,
          p_session_type_slug: "individual",
          p_format: "video",
          p_currency: "INR",
        },
      ],
      ["ledger_attach_order", { p_payment_id: paymentId, p_provider_order_id: `forged_${run}` }],
      [
        "ledger_record_capture",
        {
          p_provider: "sandbox",
          p_provider_order_id: alicePayment.provider_order_id,
          p_provider_payment_id: `pay_${paymentId}`,
          p_amount_minor: 250000,
          p_currency: "INR",
        },
      ],
      [
        "ledger_record_failure",
        {
          p_provider: "sandbox",
          p_provider_order_id: alicePayment.provider_order_id,
          p_reason: "x",
        },
      ],
      ["ledger_apply_refunds", { p_payment_id: paymentId }],
      [
        "ledger_begin_refund",
        {
          p_payment_id: paymentId,
          p_amount_minor: 1,
          p_reason: "forged",
          p_requested_by: null,
          p_idempotency_key: `forged-${run}`,
        },
      ],
      [
        "ledger_settle_refund",
        {
          p_refund_id: aliceRefund.id,
          p_provider_refund_id: `rfnd_forged_${run}`,
          p_succeeded: true,
        },
      ],
      [
        "ledger_record_provider_refund",
        {
          p_provider: "sandbox",
          p_provider_payment_id: `pay_${paymentId}`,
          p_provider_refund_id: `rfnd_forged_${run}`,
          p_amount_minor: 1,
          p_reason: "forged",
        },
      ],
      [
        "ledger_fail_provider_refund",
        {
          p_provider: "sandbox",
          p_provider_payment_id: `pay_${paymentId}`,
          p_provider_refund_id: `rfnd_forged_${run}`,
        },
      ],
      ["ledger_record_failure_by_id", { p_payment_id: paymentId, p_reason: "forged" }],
      ["ledger_claim_refund", { p_refund_id: aliceRefund.id }],
      [
        "ledger_record_dispute",
        {
          p_provider: "sandbox",
          p_provider_payment_id: `pay_${paymentId}`,
          p_provider_dispute_id: `disp_forged_${run}`,
          p_status: "created",
          p_reason: null,
          p_amount_minor: 1,
          p_currency: "INR",
        },
      ],
      ["ledger_refunds_owed", {}],
    ];
    for (const db of [anon, alice.client, staff.client]) {
      for (const [fn, args] of calls) {
        const { error } = await db.rpc(fn, args);
        expect({ fn, code: error?.code, message: error?.message }).toEqual({
          fn,
          code: "42501",
          message: `permission denied for function ${fn}`,
        });
      }
    }
    expect(await paymentRow(paymentId)).toMatchObject({ status: "captured", refunded_minor: 0 });
    expect(await refundsOf(paymentId)).toEqual([
      expect.objectContaining({ id: aliceRefund.id, status: "pending", provider_refund_id: null }),
    ]);
    expect((await ledger("ledger_refunds_owed")).error).toBeNull();
  });
});

describe("the payment state machine", () => {
  /** The steps that reach each status from created. */
  const PATH: Record<string, string[]> = {
    created: [],
    authorized: ["authorized"],
    failed: ["failed"],
    captured: ["captured"],
    partially_refunded: ["captured", "partially_refunded"],
    refunded: ["captured", "refunded"],
  };

  /** Sets the status as the table owner, with a refunded amount that fits it. */
  function setStatus(id: string, status: string) {
    return stack.db.query(
      `update public.payments set status = $2,
         refunded_minor = case $2 when 'refunded' then amount_minor
           when 'partially_refunded' then greatest(refunded_minor, 1000) else refunded_minor end
       where id = $1`,
      [id, status],
    );
  }

  async function paymentAt(status: string): Promise<string> {
    const { id } = await newPayment();
    for (const step of PATH[status] ?? []) await setStatus(id, step);
    expect((await paymentRow(id))?.status).toBe(status);
    return id;
  }

  const legal: [string, string][] = [
    ["created", "authorized"],
    ["created", "failed"],
    ["created", "captured"],
    ["authorized", "failed"],
    ["authorized", "captured"],
    ["failed", "captured"],
    ["captured", "partially_refunded"],
    ["captured", "refunded"],
    ["partially_refunded", "refunded"],
  ];

  it.each(legal)("moves %s → %s", async (from, to) => {
    const id = await paymentAt(from);
    await setStatus(id, to);
    expect((await paymentRow(id))?.status).toBe(to);
  });

  const illegal: [string, string][] = [
    ["authorized", "created"],
    ["failed", "created"],
    ["failed", "authorized"],
    ["captured", "created"],
    ["captured", "authorized"],
    ["captured", "failed"],
    ["partially_refunded", "created"],
    ["partially_refunded", "authorized"],
    ["partially_refunded", "failed"],
    ["partially_refunded", "captured"],
    ["refunded", "created"],
    ["refunded", "authorized"],
    ["refunded", "failed"],
    ["refunded", "captured"],
    ["refunded", "partially_refunded"],
  ];

  it.each(illegal)("refuses %s → %s with PT409", async (from, to) => {
    const id = await paymentAt(from);
    await expect(
      stack.db.query("update public.payments set status = $2 where id = $1", [id, to]),
    ).rejects.toMatchObject({
      code: "PT409",
      message: `illegal payment transition: ${from} -> ${to}`,
    });
    expect((await paymentRow(id))?.status).toBe(from);
  });

  it("never changes a payment's amount, currency or provider", async () => {
    const id = await paymentAt("captured");
    for (const change of ["amount_minor = 1", "currency = 'USD'", "provider = 'stripe'"]) {
      await expect(
        stack.db.query(`update public.payments set ${change} where id = $1`, [id]),
      ).rejects.toMatchObject({
        code: "PT409",
        message: "a payment's amount, currency and provider never change",
      });
    }
    expect(await paymentRow(id)).toMatchObject({
      amount_minor: 250000,
      currency: "INR",
      provider: "sandbox",
    });
  });

  it("only lets refunded_minor grow", async () => {
    const id = await paymentAt("captured");
    await stack.db.query(
      "update public.payments set status = 'partially_refunded', refunded_minor = 2000 where id = $1",
      [id],
    );
    await expect(
      stack.db.query("update public.payments set refunded_minor = 1000 where id = $1", [id]),
    ).rejects.toMatchObject({ code: "PT409", message: "refunded amounts only grow" });
    await stack.db.query("update public.payments set refunded_minor = 3000 where id = $1", [id]);
    expect(await paymentRow(id)).toMatchObject({
      status: "partially_refunded",
      refunded_minor: 3000,
    });
  });

  it("ties the status to refunded_minor (payments_refund_status)", async () => {
    const id = await paymentAt("captured");
    const inconsistent = [
      "refunded_minor = 1000", // captured, yet partly refunded
      "status = 'partially_refunded'", // nothing refunded
      "status = 'partially_refunded', refunded_minor = amount_minor", // all of it
      "status = 'refunded', refunded_minor = 1000", // not all of it
    ];
    for (const change of inconsistent) {
      await expect(
        stack.db.query(`update public.payments set ${change} where id = $1`, [id]),
      ).rejects.toMatchObject({ code: "23514", constraint: "payments_refund_status" });
    }
    await expect(
      stack.db.query("update public.payments set refunded_minor = amount_minor + 1 where id = $1", [
        id,
      ]),
    ).rejects.toMatchObject({ code: "23514" });
    expect(await paymentRow(id)).toMatchObject({ status: "captured", refunded_minor: 0 });
  });
});

describe("ledger_create_payment", () => {
  it("prices a payment from the booking's hold, whatever the caller names", async () => {
    const booking = await aliceHold({ format: "in_person", currency: "USD" });
    const payment = await ledgerOk<Payment>("ledger_create_payment", {
      p_user_id: alice.id,
      p_provider: "razorpay",
      p_booking_id: booking.id,
      p_session_type_slug: "family",
      p_format: "video",
      p_currency: "INR",
    });
    expect(payment).toMatchObject({
      user_id: alice.id,
      booking_id: booking.id,
      provider: "razorpay",
      provider_order_id: null,
      session_type_id: INDIVIDUAL,
      format: "in_person",
      currency: "USD",
      status: "created",
      refunded_minor: 0,
    });
    expect(Number(payment.amount_minor)).toBe(7000);
    expect(await bookingRow(booking.id)).toEqual({ status: "held", paid_by_payment_id: null });
  });

  it("prices a payment without a booking from session_type_prices", async () => {
    const payment = await ledgerOk<Payment>("ledger_create_payment", {
      p_user_id: alice.id,
      p_provider: "stripe",
      p_booking_id: null,
      p_session_type_slug: "couples",
      p_format: "in_person",
      p_currency: "usd",
    });
    expect(payment).toMatchObject({ booking_id: null, format: "in_person", currency: "USD" });
    expect(Number(payment.amount_minor)).toBe(11000);
    for (const [slug, format, currency] of [
      ["free", "in_person", "INR"], // no such price
      ["individual", "video", "EUR"],
      [`nope-${run}`, "video", "INR"],
    ]) {
      const { error } = await ledger("ledger_create_payment", {
        p_user_id: alice.id,
        p_provider: "stripe",
        p_booking_id: null,
        p_session_type_slug: slug,
        p_format: format,
        p_currency: currency,
      });
      expect(error?.code).toBe("PT404");
    }
  });

  it("refuses someone else's booking, and an unknown one, with PT404", async () => {
    const booking = await aliceHold();
    for (const [userId, bookingId] of [
      [bob.id, booking.id],
      [alice.id, randomUUID()],
    ]) {
      const { error } = await ledger("ledger_create_payment", {
        p_user_id: userId,
        p_provider: "sandbox",
        p_booking_id: bookingId,
        p_session_type_slug: "individual",
        p_format: "video",
        p_currency: "INR",
      });
      expect(error?.code).toBe("PT404");
    }
  });

  it("refuses a booking that is no live hold with PT409: lapsed, expired, confirmed, cancelled", async () => {
    const lapsed = await aliceHold();
    await lapse(lapsed.id);
    const expired = await aliceHold();
    await stack.db.query("update public.bookings set status = 'expired' where id = $1", [
      expired.id,
    ]);
    const confirmed = await aliceHold();
    await stack.db.query("update public.bookings set status = 'confirmed' where id = $1", [
      confirmed.id,
    ]);
    const cancelled = await aliceHold();
    await stack.db.query("update public.bookings set status = 'cancelled' where id = $1", [
      cancelled.id,
    ]);
    for (const booking of [lapsed, expired, confirmed, cancelled]) {
      const { error } = await ledger("ledger_create_payment", {
        p_user_id: alice.id,
        p_provider: "sandbox",
        p_booking_id: booking.id,
        p_session_type_slug: "individual",
        p_format: "video",
        p_currency: "INR",
      });
      expect(error?.code).toBe("PT409");
    }
    const { rows } = await stack.db.query(
      "select id from public.payments where booking_id = any($1)",
      [`{${[lapsed, expired, confirmed, cancelled].map((b) => b.id).join(",")}}`],
    );
    expect(rows).toEqual([]);
  });

  it("refuses a free session with PT409, booked or from the catalogue", async () => {
    const free = await aliceHold({ slug: "free" });
    expect(free.status).toBe("confirmed");
    // A held booking at no charge, which create_booking never makes (it confirms free ones).
    const practitioner = await newPractitioner();
    const { rows } = await stack.db.query<{ id: string }>(
      `insert into public.bookings (user_id, practitioner_id, session_type_id, format, during,
         blocked, status, expires_at, amount_minor, currency)
       values ($1, $2, $3, 'video', tstzrange($4::timestamptz, $4::timestamptz + interval '15 minutes'),
         tstzrange($4::timestamptz, $4::timestamptz + interval '20 minutes'), 'held',
         now() + interval '10 minutes', 0, 'INR')
       returning id`,
      [alice.id, practitioner, "5e55a0e1-0000-4000-8000-000000000004", at("12:00")],
    );
    for (const bookingId of [free.id, rows[0]?.id as string, null]) {
      const { error } = await ledger("ledger_create_payment", {
        p_user_id: alice.id,
        p_provider: "sandbox",
        p_booking_id: bookingId,
        p_session_type_slug: "free",
        p_format: "video",
        p_currency: "INR",
      });
      expect(error?.code).toBe("PT409");
    }
  });
});

describe("ledger_record_capture", () => {
  it("captures once, confirms the hold and marks the booking paid by the payment", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id });
    const first = await captureOk(payment, { currency: "inr" });
    expect(first).toMatchObject({
      newly_captured: true,
      refund_due_minor: 0,
      booking_status: "confirmed",
      payment: { id: payment.id, status: "captured", provider_payment_id: `pay_${payment.id}` },
    });
    expect(first.payment.captured_at).not.toBeNull();
    expect(await bookingRow(booking.id)).toEqual({
      status: "confirmed",
      paid_by_payment_id: payment.id,
    });
    const again = await captureOk(payment);
    expect(again).toMatchObject({
      newly_captured: false,
      refund_due_minor: 0,
      booking_status: "confirmed",
      payment: { status: "captured", captured_at: first.payment.captured_at },
    });
  });

  it("refuses a wrong amount, currency or provider payment with BKAMT and changes nothing", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id });
    for (const wrong of [
      { amount: 249999 },
      { amount: 250001 },
      { currency: "USD" },
      { amount: 6000, currency: "USD" },
    ]) {
      expect((await capture(payment, wrong)).error?.code).toBe("BKAMT");
    }
    expect(await paymentRow(payment.id)).toMatchObject({
      status: "created",
      provider_payment_id: null,
      captured: false,
    });
    expect(await bookingRow(booking.id)).toEqual({ status: "held", paid_by_payment_id: null });
    await captureOk(payment);
    const otherPayment = await capture(payment, { providerPaymentId: `pay_other_${run}` });
    expect(otherPayment.error?.code).toBe("BKAMT");
    expect(await paymentRow(payment.id)).toMatchObject({
      provider_payment_id: `pay_${payment.id}`,
    });
  });

  it("refuses an order it does not know with PT404", async () => {
    const { error } = await ledger("ledger_record_capture", {
      p_provider: "sandbox",
      p_provider_order_id: `order_${run}_unknown`,
      p_provider_payment_id: `pay_${run}_unknown`,
      p_amount_minor: 250000,
      p_currency: "INR",
    });
    expect(error?.code).toBe("PT404");
  });

  it("confirms a hold past its expiry that nobody has taken", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id });
    await lapse(booking.id);
    const outcome = await captureOk(payment);
    expect(outcome).toMatchObject({ refund_due_minor: 0, booking_status: "confirmed" });
    expect(await bookingRow(booking.id)).toEqual({
      status: "confirmed",
      paid_by_payment_id: payment.id,
    });
  });

  it("answers the full amount as refund due for a booking another payment already paid", async () => {
    const booking = await aliceHold();
    const first = await newPayment({ bookingId: booking.id });
    const second = await newPayment({ bookingId: booking.id });
    await captureOk(first);
    const late = await captureOk(second);
    expect(late).toMatchObject({
      newly_captured: true,
      refund_due_minor: 250000,
      booking_status: "confirmed",
      payment: { status: "captured" },
    });
    expect(await bookingRow(booking.id)).toEqual({
      status: "confirmed",
      paid_by_payment_id: first.id,
    });
    // Answered on every call, until the refund has gone through.
    expect((await captureOk(second)).refund_due_minor).toBe(250000);
    const refund = await beginRefundOk(second.id, { amount: 250000, key: `late:${second.id}` });
    await settleRefund(refund.id, `rfnd_${refund.id}`, true);
    expect(await captureOk(second)).toMatchObject({
      refund_due_minor: 0,
      payment: { status: "refunded" },
    });
  });

  it("answers the full amount as refund due when the hold expired and its slot was taken", async () => {
    const practitioner = await newPractitioner();
    const booking = await holdOk(alice, practitioner, at("10:00"));
    const payment = await newPayment({ bookingId: booking.id });
    await lapse(booking.id);
    const taken = await holdOk(bob, practitioner, at("10:00"));
    expect(await bookingRow(booking.id)).toMatchObject({ status: "expired" });
    const outcome = await captureOk(payment);
    expect(outcome).toMatchObject({
      newly_captured: true,
      refund_due_minor: 250000,
      booking_status: "expired",
      payment: { status: "captured" },
    });
    expect(await bookingRow(booking.id)).toEqual({ status: "expired", paid_by_payment_id: null });
    expect(await bookingRow(taken.id)).toEqual({ status: "held", paid_by_payment_id: null });
  });

  it("answers the full amount as refund due when the hold was cancelled first", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id });
    const cancelled = await alice.client.rpc("cancel_booking", {
      p_id: booking.id,
      p_manage_token_hash: null,
      p_reason: "changed my mind",
      p_holds_only: true,
    });
    expect(cancelled.error).toBeNull();
    const outcome = await captureOk(payment);
    expect(outcome).toMatchObject({ refund_due_minor: 250000, booking_status: "cancelled" });
    expect(await bookingRow(booking.id)).toEqual({ status: "cancelled", paid_by_payment_id: null });
  });

  it("captures a failed payment retried on the same order (failed → captured)", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id, provider: "razorpay" });
    const failed = await ledgerOk<Payment>("ledger_record_failure", {
      p_provider: "razorpay",
      p_provider_order_id: payment.provider_order_id,
      p_reason: "card declined",
    });
    expect(failed).toMatchObject({ status: "failed", failure_reason: "card declined" });
    const outcome = await captureOk(payment, { providerPaymentId: `pay_retry_${payment.id}` });
    expect(outcome).toMatchObject({
      newly_captured: true,
      refund_due_minor: 0,
      booking_status: "confirmed",
      payment: { status: "captured", provider_payment_id: `pay_retry_${payment.id}` },
    });
    expect(await bookingRow(booking.id)).toEqual({
      status: "confirmed",
      paid_by_payment_id: payment.id,
    });
    // A failure reported after the capture changes nothing.
    const late = await ledgerOk<Payment>("ledger_record_failure", {
      p_provider: "razorpay",
      p_provider_order_id: payment.provider_order_id,
      p_reason: "stale event",
    });
    expect(late.status).toBe("captured");
  });

  // `is distinct from`, not `<>`: a null amount or currency must not slip past the comparison.
  it("refuses a capture whose amount or currency is missing with BKAMT", async () => {
    const payment = await newPayment();
    expect((await capture(payment, { amount: null })).error?.code).toBe("BKAMT");
    expect((await capture(payment, { currency: null })).error?.code).toBe("BKAMT");
    expect((await paymentRow(payment.id))?.status).toBe("created");
  });
});

describe("refunds", () => {
  it("never refunds more than was captured, pending refunds included (BKRFD)", async () => {
    const payment = await capturedPayment();
    const big = await beginRefundOk(payment.id, { amount: 200000 });
    expect(big).toMatchObject({ status: "pending", provider_refund_id: null });
    for (const amount of [50001, 0, -1, null]) {
      expect((await beginRefund(payment.id, { amount })).error?.code).toBe("BKRFD");
    }
    const rest = await beginRefundOk(payment.id, { amount: 50000 });
    expect((await beginRefund(payment.id, { amount: 1 })).error?.code).toBe("BKRFD");
    // A refund the provider failed no longer counts.
    await settleRefund(rest.id, `rfnd_${rest.id}`, false);
    await beginRefundOk(payment.id, { amount: 50000 });
    expect((await beginRefund(payment.id, { amount: 1 })).error?.code).toBe("BKRFD");
    expect(await paymentRow(payment.id)).toMatchObject({ status: "captured", refunded_minor: 0 });
  });

  it("refuses to refund a payment that was never captured (PT409), or an unknown one (PT404)", async () => {
    const payment = await newPayment();
    expect((await beginRefund(payment.id, { amount: 1000 })).error?.code).toBe("PT409");
    expect((await beginRefund(randomUUID(), { amount: 1000 })).error?.code).toBe("PT404");
  });

  it("answers the same refund for the same idempotency key", async () => {
    const payment = await capturedPayment();
    const key = `staff-refund-${randomUUID()}`;
    const first = await beginRefundOk(payment.id, { amount: 1000, key, requestedBy: staff.id });
    const again = await beginRefundOk(payment.id, { amount: 5000, key, requestedBy: staff.id });
    expect(again.id).toBe(first.id);
    expect(Number(again.amount_minor)).toBe(1000);
    await settleRefund(first.id, `rfnd_${first.id}`, true);
    const settled = await beginRefundOk(payment.id, { amount: 1000, key });
    expect(settled).toMatchObject({ id: first.id, status: "succeeded" });
    expect(await refundsOf(payment.id)).toEqual([
      {
        id: first.id,
        amount_minor: 1000,
        status: "succeeded",
        provider_refund_id: `rfnd_${first.id}`,
      },
    ]);
  });

  it("applies succeeded refunds on settling: partially_refunded, then refunded at the full amount", async () => {
    const payment = await capturedPayment();
    const part = await beginRefundOk(payment.id, { amount: 100000 });
    expect(await paymentRow(payment.id)).toMatchObject({ status: "captured", refunded_minor: 0 });
    const settled = await settleRefund(part.id, `rfnd_${part.id}`, true);
    expect(settled).toMatchObject({ status: "succeeded", provider_refund_id: `rfnd_${part.id}` });
    expect(await paymentRow(payment.id)).toMatchObject({
      status: "partially_refunded",
      refunded_minor: 100000,
    });
    // A second answer for a settled refund changes nothing.
    const late = await settleRefund(part.id, "rfnd_other", false);
    expect(late).toMatchObject({ status: "succeeded", provider_refund_id: `rfnd_${part.id}` });
    for (const status of ["pending", "failed"]) {
      await expect(
        stack.db.query("update public.refunds set status = $2 where id = $1", [part.id, status]),
      ).rejects.toMatchObject({
        code: "PT409",
        message: `illegal refund transition: succeeded -> ${status}`,
      });
    }
    const rest = await beginRefundOk(payment.id, { amount: 150000 });
    await settleRefund(rest.id, `rfnd_${rest.id}`, true);
    expect(await paymentRow(payment.id)).toMatchObject({
      status: "refunded",
      refunded_minor: 250000,
    });
    expect((await beginRefund(payment.id, { amount: 1 })).error?.code).toBe("PT409");
    const unknown = await ledger("ledger_settle_refund", {
      p_refund_id: randomUUID(),
      p_provider_refund_id: "rfnd_unknown",
      p_succeeded: true,
    });
    expect(unknown.error?.code).toBe("PT404");
  });

  it("counts a provider refund reported twice by its provider id once", async () => {
    const payment = await capturedPayment({ provider: "stripe" });
    const report = {
      p_provider: "stripe",
      p_provider_payment_id: payment.provider_payment_id,
      p_provider_refund_id: `re_${run}_dashboard`,
      p_amount_minor: 40000,
      p_reason: "refunded in the Stripe dashboard",
    };
    const first = await ledgerOk<Payment>("ledger_record_provider_refund", report);
    const second = await ledgerOk<Payment>("ledger_record_provider_refund", report);
    for (const answer of [first, second]) {
      expect(answer.status).toBe("partially_refunded");
      expect(Number(answer.refunded_minor)).toBe(40000);
    }
    expect(await refundsOf(payment.id)).toEqual([
      expect.objectContaining({ amount_minor: 40000, status: "succeeded" }),
    ]);
    // And it counts against what is left to refund.
    expect((await beginRefund(payment.id, { amount: 210001 })).error?.code).toBe("BKRFD");
    const unknown = await ledger("ledger_record_provider_refund", {
      ...report,
      p_provider_payment_id: `pay_${run}_unknown`,
    });
    expect(unknown.error?.code).toBe("PT404");
  });

  it("counts our own refund once when the provider reports it after we settled it", async () => {
    const payment = await capturedPayment({ provider: "razorpay" });
    const ours = await beginRefundOk(payment.id, { amount: 30000 });
    await settleRefund(ours.id, `rfnd_${ours.id}`, true);
    const echoed = await ledgerOk<Payment>("ledger_record_provider_refund", {
      p_provider: "razorpay",
      p_provider_payment_id: payment.provider_payment_id,
      p_provider_refund_id: `rfnd_${ours.id}`,
      p_amount_minor: 30000,
      p_reason: "refund.processed",
    });
    expect(Number(echoed.refunded_minor)).toBe(30000);
    expect(await refundsOf(payment.id)).toEqual([
      {
        id: ours.id,
        amount_minor: 30000,
        status: "succeeded",
        provider_refund_id: `rfnd_${ours.id}`,
      },
    ]);
  });

  // The provider's webhook may report our refund before its answer to our request reaches us:
  // the settle takes over the reported row instead of counting the refund twice.
  it("counts our own refund once when the provider reports it before we settle", async () => {
    const payment = await capturedPayment({ provider: "razorpay" });
    const ours = await beginRefundOk(payment.id, { amount: 30000 });
    await ledgerOk("ledger_record_provider_refund", {
      p_provider: "razorpay",
      p_provider_payment_id: payment.provider_payment_id,
      p_provider_refund_id: `rfnd_${ours.id}`,
      p_amount_minor: 30000,
      p_reason: "refund.processed",
    });
    await settleRefund(ours.id, `rfnd_${ours.id}`, true);
    expect(await refundsOf(payment.id)).toEqual([
      {
        id: ours.id,
        amount_minor: 30000,
        status: "succeeded",
        provider_refund_id: `rfnd_${ours.id}`,
      },
    ]);
    expect(await paymentRow(payment.id)).toMatchObject({ refunded_minor: 30000 });
    await beginRefundOk(payment.id, { amount: 220000 });
  });
});

// PGlite is one connection, so two transactions never interleave there: PostgreSQL only (CI
// runs this file again on PostgreSQL 15, see .ci/run).
if (!process.env.DATABASE_URL) {
  announceSkipped(
    "refunds settled concurrently: needs PostgreSQL (DATABASE_URL); PGlite has one connection. .ci/run runs it on PostgreSQL 15.",
  );
} else
  describe("refunds settled concurrently", () => {
    // ledger_apply_refunds locks the payment before it sums the succeeded refunds: a settle that
    // waits for another's lock then counts both, rather than writing its stale sum.
    it("applies both of two refunds settled at the same time", async () => {
      const payment = await capturedPayment();
      const first = await beginRefundOk(payment.id, { amount: 10000 });
      const second = await beginRefundOk(payment.id, { amount: 20000 });
      let secondSettle: PromiseLike<unknown> | undefined;
      await stack.db.transaction({}, async (query) => {
        await query("select public.ledger_settle_refund($1, $2, true)", [
          first.id,
          `rfnd_${first.id}`,
        ]);
        const { rows } = await query<{ pid: number }>("select pg_backend_pid() as pid");
        const pid = String(rows[0]?.pid);
        secondSettle = ledger("ledger_settle_refund", {
          p_refund_id: second.id,
          p_provider_refund_id: `rfnd_${second.id}`,
          p_succeeded: true,
        }).then(({ error }) => expect(error).toBeNull());
        // Commits only once the second settle waits for this transaction's lock on the payment.
        for (let waited = 0; ; waited += 20) {
          const blocked = await stack.db.query(
            "select 1 from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))",
            [pid],
          );
          if (blocked.rows.length > 0) break;
          if (waited > 10_000) throw new Error("the second settle never waited for the first");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      await secondSettle;
      expect(await paymentRow(payment.id)).toMatchObject({
        status: "partially_refunded",
        refunded_minor: 30000,
      });
    });
  });

describe("ledger_refunds_owed", () => {
  interface Owed {
    booking_id: string;
    payment_id: string;
    amount_minor: number;
    attempt: number;
  }

  async function owedFor(bookingId: string): Promise<Owed[]> {
    const owed = await ledgerOk<Owed[]>("ledger_refunds_owed");
    return owed
      .filter((row) => row.booking_id === bookingId)
      .map((row) => ({ ...row, amount_minor: Number(row.amount_minor) }));
  }

  it("lists a cancelled paid booking's refund until its cancellation refund exists", async () => {
    const booking = await aliceHold();
    const payment = await newPayment({ bookingId: booking.id });
    await captureOk(payment);
    expect(await owedFor(booking.id)).toEqual([]);
    const cancelled = await alice.client.rpc("cancel_booking", {
      p_id: booking.id,
      p_manage_token_hash: null,
      p_reason: "cannot make it",
      p_holds_only: false,
    });
    expect(cancelled.error).toBeNull();
    expect(await owedFor(booking.id)).toEqual([
      { booking_id: booking.id, payment_id: payment.id, amount_minor: 250000, attempt: 1 },
    ]);
    // Another refund of the payment is not the cancellation's, but what it refunded is no
    // longer owed.
    await beginRefundOk(payment.id, { amount: 1000, key: `staff:${booking.id}` });
    expect(await owedFor(booking.id)).toEqual([
      { booking_id: booking.id, payment_id: payment.id, amount_minor: 249000, attempt: 1 },
    ]);
    const refund = await beginRefundOk(payment.id, {
      amount: 249000,
      key: `cancellation:${booking.id}:1`,
    });
    expect(refund.status).toBe("pending");
    expect(await owedFor(booking.id)).toEqual([]);
    // A refund the provider failed is owed again, under the next attempt's key.
    await ledgerOk("ledger_settle_refund", {
      p_refund_id: refund.id,
      p_provider_refund_id: null,
      p_succeeded: false,
    });
    expect(await owedFor(booking.id)).toEqual([
      { booking_id: booking.id, payment_id: payment.id, amount_minor: 249000, attempt: 2 },
    ]);
  });

  it("lists no cancelled booking that nobody paid through the ledger", async () => {
    const booking = await aliceHold();
    await stack.db.query("update public.bookings set status = 'confirmed' where id = $1", [
      booking.id,
    ]);
    const cancelled = await alice.client.rpc("cancel_booking", {
      p_id: booking.id,
      p_manage_token_hash: null,
      p_reason: "cannot make it",
      p_holds_only: false,
    });
    expect(cancelled.error).toBeNull();
    expect((cancelled.data as { refund_due_minor: number }).refund_due_minor).toBe(250000);
    expect(await owedFor(booking.id)).toEqual([]);
  });
});

describe("webhook_events", () => {
  it("keeps one row per provider and event id: a second delivery conflicts", async () => {
    const event = {
      provider: "razorpay",
      event_id: `evt_${run}_${randomUUID()}`,
      event_type: "payment.captured",
      payload: { entity: "event" },
    };
    const first = await service.from("webhook_events").insert(event);
    expect(first.error).toBeNull();
    const again = await service
      .from("webhook_events")
      .insert({ ...event, payload: { entity: "event", redelivered: true } });
    expect(again.error).toMatchObject({ code: "23505" });
    expect(again.error?.message).toContain("webhook_events_unique");
    await expect(
      stack.db.query(
        `insert into public.webhook_events (provider, event_id, event_type, payload)
         values ($1, $2, $3, '{}')`,
        [event.provider, event.event_id, event.event_type],
      ),
    ).rejects.toMatchObject({ code: "23505", constraint: "webhook_events_unique" });
    const ignored = await service
      .from("webhook_events")
      .upsert(event, { onConflict: "provider,event_id", ignoreDuplicates: true });
    expect(ignored.error).toBeNull();
    // The same id from another provider is another event.
    const stripe = await service.from("webhook_events").insert({ ...event, provider: "stripe" });
    expect(stripe.error).toBeNull();
    const { rows } = await stack.db.query<{ provider: string; payload: unknown; attempts: number }>(
      "select provider, payload, attempts from public.webhook_events where event_id = $1 order by provider",
      [event.event_id],
    );
    expect(rows).toEqual([
      { provider: "razorpay", payload: { entity: "event" }, attempts: 0 },
      { provider: "stripe", payload: { entity: "event" }, attempts: 0 },
    ]);
  });
});
