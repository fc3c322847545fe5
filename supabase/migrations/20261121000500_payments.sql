-- Payments: one ledger for Stripe, Razorpay and the local sandbox, refunds, disputes, and the
-- inbox of provider webhook events. The server computes every amount and writes every row: the
-- API roles only read their own payments (staff those of their practitioner's bookings, admins
-- all), and every write is a function only the service role may run, called by code that has
-- verified the fact with the provider first.
--
-- - A payment's status only moves forward: created → authorized → captured →
--   partially_refunded → refunded, and created/authorized → failed. A failed attempt is not the
--   end of an order (Razorpay lets the customer retry on the same order), so failed → captured
--   is forward too. A trigger refuses anything else with PT409 and keeps refunded_minor and the
--   refund statuses consistent, so events that arrive out of order can be applied in any order
--   and converge (an older event is a no-op).
-- - A captured payment for a booking confirms its hold in the same transaction
--   (ledger_record_capture). When the booking can no longer take it — the hold lapsed and was
--   cancelled or taken, or another payment already paid for it — the capture still records, and
--   the function answers refund_due so the caller refunds it in full.
-- - Refunds never exceed what was captured: ledger_begin_refund locks the payment and counts the
--   pending and succeeded refunds.
-- - webhook_events: one row per provider event id; a duplicate delivery finds the row and
--   changes nothing. processed_at / attempts / last_error drive the retry sweep.
-- - payment_disputes: the chargebacks providers report, beside the payment they contest.
-- - Staff scope: a payment is staff's when it pays for a booking of their practitioner; a
--   payment without a booking is the admins' alone. The refund endpoint reads the payment with
--   the caller's own token before it touches the ledger, so these policies decide the refund
--   too: 404, as for an unknown id.
--
-- SQLSTATEs of the ledger (lib/payments/ledger/ledger-errors.ts): PT404 no such payment, refund
-- or booking; PT409 not in a state that allows it; BKAMT the provider's amount, currency or
-- payment is not ours; BKRFD more than can still be refunded.

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete set null,
  booking_id uuid references public.bookings (id),
  provider text not null constraint payments_provider check (provider in ('razorpay', 'stripe', 'sandbox')),
  -- Razorpay order_…, Stripe PaymentIntent pi_…, sandbox order_…: what the client pays.
  provider_order_id text constraint payments_provider_order_id_length
    check (char_length(provider_order_id) between 1 and 200),
  -- Razorpay pay_…, Stripe pi_… (the intent is both order and payment), sandbox pay_…: what
  -- was paid with.
  provider_payment_id text constraint payments_provider_payment_id_length
    check (char_length(provider_payment_id) between 1 and 200),
  session_type_id uuid not null references public.session_types (id),
  format text not null constraint payments_format check (format in ('video', 'in_person')),
  amount_minor bigint not null constraint payments_amount_positive check (amount_minor > 0),
  currency char(3) not null constraint payments_currency_iso check (currency ~ '^[A-Z]{3}$'),
  status text not null default 'created' constraint payments_status check (status in (
    'created', 'authorized', 'captured', 'partially_refunded', 'refunded', 'failed'
  )),
  refunded_minor bigint not null default 0
    constraint payments_refunded_range check (refunded_minor between 0 and amount_minor),
  failure_reason text constraint payments_failure_reason_length
    check (char_length(failure_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  captured_at timestamptz,
  constraint payments_provider_order_unique unique (provider, provider_order_id),
  constraint payments_provider_payment_unique unique (provider, provider_payment_id),
  constraint payments_refund_status check (
    (status = 'refunded') = (refunded_minor = amount_minor)
    and (status = 'partially_refunded') = (refunded_minor > 0 and refunded_minor < amount_minor)
  )
);

create index payments_user_id_idx on public.payments (user_id, created_at desc);
create index payments_booking_id_idx on public.payments (booking_id);

-- The payment that paid for the booking (the column is the bookings migration's).
alter table public.bookings
  add constraint bookings_paid_by_payment_id_fkey
  foreign key (paid_by_payment_id) references public.payments (id);

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id),
  provider_refund_id text constraint refunds_provider_refund_id_length
    check (char_length(provider_refund_id) between 1 and 200),
  amount_minor bigint not null constraint refunds_amount_positive check (amount_minor > 0),
  status text not null default 'pending'
    constraint refunds_status check (status in ('pending', 'succeeded', 'failed')),
  reason text not null constraint refunds_reason_length check (char_length(reason) between 1 and 500),
  -- Who asked: a staff member, or null for the system (policy refunds, late captures, the
  -- provider's dashboard).
  requested_by uuid references auth.users (id) on delete set null,
  idempotency_key text constraint refunds_idempotency_key_length
    check (char_length(idempotency_key) between 1 and 300),
  -- While set and in the future, one caller is asking the provider for this refund; others wait
  -- (ledger_claim_refund). A provider without idempotency keys (Razorpay) must not be asked twice.
  claimed_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint refunds_provider_refund_unique unique (payment_id, provider_refund_id),
  constraint refunds_idempotency_unique unique (payment_id, idempotency_key)
);

create table public.webhook_events (
  id bigint generated always as identity primary key,
  provider text not null constraint webhook_events_provider
    check (provider in ('razorpay', 'stripe', 'sandbox')),
  event_id text not null constraint webhook_events_event_id_length
    check (char_length(event_id) between 1 and 200),
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  attempts int not null default 0,
  last_error text,
  -- What processing concluded ('ignored: unhandled type', 'captured', …), for the audit.
  outcome text,
  constraint webhook_events_unique unique (provider, event_id)
);

create index webhook_events_unprocessed_idx on public.webhook_events (received_at)
  where processed_at is null;

-- Disputes (chargebacks) the providers report ("refunds and disputes made in the provider's
-- dashboard flow into the ledger"). One row per provider dispute, updated as the provider moves
-- it along (open → won / lost / closed); staff read them to answer before the provider's
-- deadline. Written only by the service role, from a signed webhook whose payment the server
-- looked up itself.
create table public.payment_disputes (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id),
  provider text not null constraint payment_disputes_provider
    check (provider in ('razorpay', 'stripe', 'sandbox')),
  provider_dispute_id text not null constraint payment_disputes_provider_dispute_id_length
    check (char_length(provider_dispute_id) between 1 and 200),
  -- The provider's words: Stripe's warning_needs_response … won/lost, Razorpay's created … lost.
  status text not null constraint payment_disputes_status_length check (char_length(status) between 1 and 60),
  reason text constraint payment_disputes_reason_length check (char_length(reason) <= 200),
  amount_minor bigint not null constraint payment_disputes_amount check (amount_minor >= 0),
  currency char(3) not null constraint payment_disputes_currency_iso check (currency ~ '^[A-Z]{3}$'),
  opened_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_disputes_unique unique (provider, provider_dispute_id)
);

create index payment_disputes_payment_id_idx on public.payment_disputes (payment_id);

-- Forward only. The rank orders the path; failed sits beside authorized (before capture).
create function public.payment_status_rank(p_status text) returns int
language sql immutable
set search_path = ''
as $$
  select case p_status
    when 'created' then 0 when 'authorized' then 1 when 'failed' then 1 when 'captured' then 2
    when 'partially_refunded' then 3 when 'refunded' then 4
  end
$$;

create function public.payments_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status and not (
    (new.status = 'failed' and old.status in ('created', 'authorized'))
    or (new.status in ('partially_refunded', 'refunded')
      and old.status in ('captured', 'partially_refunded'))
    or (new.status in ('authorized', 'captured')
      and public.payment_status_rank(new.status) > public.payment_status_rank(old.status))
  ) then
    raise exception 'illegal payment transition: % -> %', old.status, new.status
      using errcode = 'PT409';
  end if;
  if new.amount_minor <> old.amount_minor or new.currency <> old.currency
    or new.provider <> old.provider then
    raise exception 'a payment''s amount, currency and provider never change' using errcode = 'PT409';
  end if;
  if new.refunded_minor < old.refunded_minor then
    raise exception 'refunded amounts only grow' using errcode = 'PT409';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger payments_before_update
  before update on public.payments
  for each row execute function public.payments_before_update();

create function public.refunds_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status <> 'pending' and new.status is distinct from old.status then
    raise exception 'illegal refund transition: % -> %', old.status, new.status
      using errcode = 'PT409';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger refunds_before_update
  before update on public.refunds
  for each row execute function public.refunds_before_update();

-- The staff audit (staff_actions): only staff refunds carry requested_by (the system's refunds
-- leave it null). A retry with the same idempotency key finds its refund and inserts nothing, so
-- it is recorded once.
create function public.refunds_record_staff_action() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.requested_by is not null then
    perform public.record_staff_action(
      new.requested_by, 'payment.refund', 'payments', new.payment_id,
      (select jsonb_build_object(
         'refund_id', new.id, 'amount_minor', new.amount_minor, 'currency', p.currency
       ) from public.payments as p where p.id = new.payment_id)
    );
  end if;
  return null;
end;
$$;

create trigger refunds_record_staff_action
  after insert on public.refunds
  for each row execute function public.refunds_record_staff_action();

alter table public.payments enable row level security;
alter table public.refunds enable row level security;
alter table public.webhook_events enable row level security;
alter table public.payment_disputes enable row level security;

revoke all on table public.payments, public.refunds, public.webhook_events,
  public.payment_disputes
  from anon, authenticated;
grant select on table public.payments, public.refunds, public.payment_disputes to authenticated;

create policy "Customers read their own payments"
  on public.payments for select
  to authenticated
  using (user_id = (select auth.uid()));

-- The subquery reads bookings as the caller, so the bookings policies apply as well.
create policy "Staff read the payments of their practitioner's bookings"
  on public.payments for select
  to authenticated
  using (
    public.has_app_role('staff')
    and exists (
      select 1 from public.bookings as b
      where b.id = payments.booking_id and public.is_my_practitioner(b.practitioner_id)
    )
  );

create policy "Admins read all payments"
  on public.payments for select
  to authenticated
  using (public.has_app_role('admin'));

create policy "Readers of a payment read its refunds"
  on public.refunds for select
  to authenticated
  using (exists (select 1 from public.payments as p where p.id = refunds.payment_id));

-- Disputes are for staff only, not for the customer whose payment is disputed.
create policy "Staff read the disputes of their practitioner's payments"
  on public.payment_disputes for select
  to authenticated
  using (
    public.has_app_role('admin')
    or (
      public.has_app_role('staff')
      and exists (
        select 1 from public.payments as p
        join public.bookings as b on b.id = p.booking_id
        where p.id = payment_disputes.payment_id and public.is_my_practitioner(b.practitioner_id)
      )
    )
  );

-- A new payment for a session, priced by the server: from the booking when there is one (it
-- must be the user's, held and live, and not paid yet), else from the catalogue.
create function public.ledger_create_payment(
  p_user_id uuid,
  p_provider text,
  p_booking_id uuid,
  p_session_type_slug text,
  p_format text,
  p_currency text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_session_type_id uuid;
  v_format text := p_format;
  v_amount bigint;
  v_currency text := upper(p_currency);
  v_payment public.payments;
begin
  if p_booking_id is not null then
    select * into v_booking from public.bookings as b where b.id = p_booking_id for update;
    if not found or v_booking.user_id is distinct from p_user_id then
      raise exception 'no such booking' using errcode = 'PT404';
    end if;
    if v_booking.status <> 'held' or v_booking.expires_at <= now() then
      raise exception 'only a live hold can be paid for' using errcode = 'PT409';
    end if;
    if v_booking.amount_minor = 0 then
      raise exception 'a free session needs no payment' using errcode = 'PT409';
    end if;
    v_session_type_id := v_booking.session_type_id;
    v_format := v_booking.format;
    v_amount := v_booking.amount_minor;
    v_currency := v_booking.currency;
  else
    select t.id, pr.amount_minor into v_session_type_id, v_amount
      from public.session_types as t
      join public.session_type_prices as pr on pr.session_type_id = t.id
      where t.slug = p_session_type_slug and t.active and pr.active
        and pr.format = p_format and pr.currency = v_currency;
    if not found then
      raise exception 'no % price for % in %', p_format, p_session_type_slug, v_currency
        using errcode = 'PT404';
    end if;
    if v_amount = 0 then
      raise exception 'a free session needs no payment' using errcode = 'PT409';
    end if;
  end if;

  insert into public.payments (
    user_id, booking_id, provider, session_type_id, format, amount_minor, currency
  )
  values (p_user_id, p_booking_id, p_provider, v_session_type_id, v_format, v_amount, v_currency)
  returning * into v_payment;
  return v_payment;
end;
$$;

-- The provider's order for our payment, once created (the order's receipt is our payment id).
create function public.ledger_attach_order(p_payment_id uuid, p_provider_order_id text)
returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  update public.payments as p set provider_order_id = p_provider_order_id
    where p.id = p_payment_id and (p.provider_order_id is null or p.provider_order_id = p_provider_order_id)
    returning * into v_payment;
  if not found then
    raise exception 'no such payment, or it has another order' using errcode = 'PT404';
  end if;
  return v_payment;
end;
$$;

-- A capture the server verified with the provider (verify, confirm, webhook, reconciliation —
-- whichever comes first; the others find it done). The provider's amount and currency must be
-- ours. Answers the payment, whether this call captured it, and what must be refunded because
-- the booking could not take it (it lapsed and was taken or cancelled, or another payment
-- already paid for it).
create function public.ledger_record_capture(
  p_provider text,
  p_provider_order_id text,
  p_provider_payment_id text,
  p_amount_minor bigint,
  p_currency text
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_booking public.bookings;
  v_newly boolean := false;
  v_refund_due bigint := 0;
  v_booking_status text;
begin
  select * into v_payment from public.payments as p
    where p.provider = p_provider and p.provider_order_id = p_provider_order_id
    for update;
  if not found then
    raise exception 'no payment for this order' using errcode = 'PT404';
  end if;
  if p_amount_minor is distinct from v_payment.amount_minor
    or upper(p_currency) is distinct from v_payment.currency::text then
    raise exception 'the provider captured % %, we asked for % %',
      p_amount_minor, upper(p_currency), v_payment.amount_minor, v_payment.currency
      using errcode = 'BKAMT';
  end if;
  if p_provider_payment_id is null or (v_payment.provider_payment_id is not null
    and v_payment.provider_payment_id <> p_provider_payment_id) then
    raise exception 'this order was paid with another payment' using errcode = 'BKAMT';
  end if;

  if public.payment_status_rank(v_payment.status) < 2 then
    update public.payments as p
      set status = 'captured', provider_payment_id = p_provider_payment_id, captured_at = now()
      where p.id = v_payment.id
      returning * into v_payment;
    v_newly := true;

    if v_payment.booking_id is not null then
      select * into v_booking from public.bookings as b where b.id = v_payment.booking_id for update;
      if v_booking.status = 'held' and v_booking.paid_by_payment_id is null then
        -- Still held: its slot is still its own (creating any overlapping booking expires a
        -- lapsed hold first), so it confirms even past its expiry.
        update public.bookings as b
          set status = 'confirmed', paid_by_payment_id = v_payment.id
          where b.id = v_booking.id;
      end if;
    end if;
  end if;

  -- Answered on every call, not only the capturing one, so a caller whose refund failed
  -- finds it still due when it retries (the refund's idempotency key keeps it single).
  if v_payment.booking_id is not null then
    select * into v_booking from public.bookings as b where b.id = v_payment.booking_id;
    v_booking_status := v_booking.status;
    if v_payment.status in ('captured', 'partially_refunded')
      and v_booking.paid_by_payment_id is distinct from v_payment.id then
      v_refund_due := v_payment.amount_minor - v_payment.refunded_minor;
    end if;
  end if;
  return jsonb_build_object(
    'payment', to_jsonb(v_payment),
    'newly_captured', v_newly,
    'refund_due_minor', v_refund_due,
    'booking_status', v_booking_status
  );
end;
$$;

-- A payment the provider reports failed (only before capture; after it, a no-op).
create function public.ledger_record_failure(
  p_provider text,
  p_provider_order_id text,
  p_reason text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  update public.payments as p set status = 'failed', failure_reason = left(p_reason, 500)
    where p.provider = p_provider and p.provider_order_id = p_provider_order_id
      and p.status in ('created', 'authorized')
    returning * into v_payment;
  if not found then
    select * into v_payment from public.payments as p
      where p.provider = p_provider and p.provider_order_id = p_provider_order_id;
    if not found then
      raise exception 'no payment for this order' using errcode = 'PT404';
    end if;
  end if;
  return v_payment;
end;
$$;

-- Applies succeeded refunds to the payment's refunded amount and status.
create function public.ledger_apply_refunds(p_payment_id uuid) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_refunded bigint;
begin
  -- Locked before counting, so two refunds settled at once add up instead of one winning.
  perform 1 from public.payments as p where p.id = p_payment_id for update;
  select coalesce(sum(r.amount_minor), 0) into v_refunded
    from public.refunds as r where r.payment_id = p_payment_id and r.status = 'succeeded';
  update public.payments as p
    set refunded_minor = greatest(p.refunded_minor, v_refunded),
      status = case
        when greatest(p.refunded_minor, v_refunded) = p.amount_minor then 'refunded'
        when greatest(p.refunded_minor, v_refunded) > 0 then 'partially_refunded'
        else p.status end
    where p.id = p_payment_id
    returning * into v_payment;
  return v_payment;
end;
$$;

-- Reserves a refund before asking the provider: the amount must fit in what was captured and
-- not yet refunded or being refunded. The same idempotency key answers the same refund.
create function public.ledger_begin_refund(
  p_payment_id uuid,
  p_amount_minor bigint,
  p_reason text,
  p_requested_by uuid,
  p_idempotency_key text
) returns public.refunds
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_committed bigint;
  v_refund public.refunds;
begin
  select * into v_payment from public.payments as p where p.id = p_payment_id for update;
  if not found then
    raise exception 'no such payment' using errcode = 'PT404';
  end if;
  if p_idempotency_key is not null then
    select * into v_refund from public.refunds as r
      where r.payment_id = p_payment_id and r.idempotency_key = p_idempotency_key;
    if found then
      return v_refund;
    end if;
  end if;
  if v_payment.status not in ('captured', 'partially_refunded') then
    raise exception 'only a captured payment can be refunded' using errcode = 'PT409';
  end if;
  select coalesce(sum(r.amount_minor), 0) into v_committed
    from public.refunds as r where r.payment_id = p_payment_id and r.status <> 'failed';
  if p_amount_minor is null or p_amount_minor <= 0
    or p_amount_minor > v_payment.amount_minor - v_committed then
    raise exception 'at most % can still be refunded', v_payment.amount_minor - v_committed
      using errcode = 'BKRFD';
  end if;
  insert into public.refunds (payment_id, amount_minor, reason, requested_by, idempotency_key)
  values (p_payment_id, p_amount_minor, p_reason, p_requested_by, p_idempotency_key)
  returning * into v_refund;
  return v_refund;
end;
$$;

-- The provider's answer to a refund we asked for: p_succeeded true or false, or null when the
-- provider accepted it but has not paid it back yet (it stays pending, now with the provider's
-- id, and the provider's webhook settles it: ledger_record_provider_refund or
-- ledger_fail_provider_refund).
create function public.ledger_settle_refund(
  p_refund_id uuid,
  p_provider_refund_id text,
  p_succeeded boolean
) returns public.refunds
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_refund public.refunds;
  v_reported text;
begin
  select * into v_refund from public.refunds as r where r.id = p_refund_id;
  if not found then
    raise exception 'no such refund' using errcode = 'PT404';
  end if;
  perform 1 from public.payments as p where p.id = v_refund.payment_id for update;
  -- The provider's webhook may have reported this very refund before its answer reached us
  -- (ledger_record_provider_refund stored it under the provider's id): that row is ours, once,
  -- and what it reported stands if the answer itself says nothing final.
  if v_refund.provider_refund_id is null and p_provider_refund_id is not null then
    delete from public.refunds as d
      where d.payment_id = v_refund.payment_id and d.provider_refund_id = p_provider_refund_id
        and d.id <> p_refund_id and d.idempotency_key is null
      returning d.status into v_reported;
  end if;
  update public.refunds as r
    set provider_refund_id = coalesce(r.provider_refund_id, p_provider_refund_id),
      claimed_until = null,
      status = case
        when r.status <> 'pending' then r.status
        when p_succeeded then 'succeeded'
        when not p_succeeded then 'failed'
        else coalesce(v_reported, 'pending') end
    where r.id = p_refund_id
    returning * into v_refund;
  perform public.ledger_apply_refunds(v_refund.payment_id);
  return v_refund;
end;
$$;

-- A refund the provider reports (made in its dashboard, or ours echoed back): recorded once by
-- its provider id, then applied.
create function public.ledger_record_provider_refund(
  p_provider text,
  p_provider_payment_id text,
  p_provider_refund_id text,
  p_amount_minor bigint,
  p_reason text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  select * into v_payment from public.payments as p
    where p.provider = p_provider and p.provider_payment_id = p_provider_payment_id
    for update;
  if not found then
    raise exception 'no payment with this provider payment id' using errcode = 'PT404';
  end if;
  insert into public.refunds (payment_id, provider_refund_id, amount_minor, status, reason)
  values (v_payment.id, p_provider_refund_id, p_amount_minor, 'succeeded', p_reason)
  on conflict (payment_id, provider_refund_id) do update set status = 'succeeded'
    where public.refunds.status = 'pending';
  return public.ledger_apply_refunds(v_payment.id);
end;
$$;

-- Whether the caller may ask the provider for this pending refund now: true for one caller at a
-- time, for two minutes (then another may try again, as the first evidently died).
create function public.ledger_claim_refund(p_refund_id uuid) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with claimed as (
    update public.refunds as r set claimed_until = now() + interval '2 minutes'
      where r.id = p_refund_id and r.status = 'pending'
        and (r.claimed_until is null or r.claimed_until < now())
      returning 1
  )
  select exists (select 1 from claimed)
$$;

-- A refund the provider reports failed (Stripe's refund.failed): a pending one of ours becomes
-- failed, which frees its amount to be refunded again. A succeeded refund never un-succeeds.
create function public.ledger_fail_provider_refund(
  p_provider text,
  p_provider_payment_id text,
  p_provider_refund_id text
) returns public.refunds
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_refund public.refunds;
begin
  update public.refunds as r set status = 'failed'
    from public.payments as p
    where p.id = r.payment_id and p.provider = p_provider
      and p.provider_payment_id = p_provider_payment_id
      and r.provider_refund_id = p_provider_refund_id and r.status = 'pending'
    returning r.* into v_refund;
  if not found then
    select r.* into v_refund from public.refunds as r
      join public.payments as p on p.id = r.payment_id
      where p.provider = p_provider and p.provider_payment_id = p_provider_payment_id
        and r.provider_refund_id = p_provider_refund_id;
    if not found then
      raise exception 'no such refund' using errcode = 'PT404';
    end if;
  end if;
  return v_refund;
end;
$$;

-- A payment that will never be paid, found by our id (a Stripe Checkout session that expired
-- before an intent existed): failed, if it had not been captured; otherwise unchanged.
create function public.ledger_record_failure_by_id(p_payment_id uuid, p_reason text)
returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  update public.payments as p set status = 'failed', failure_reason = left(p_reason, 500)
    where p.id = p_payment_id and p.status in ('created', 'authorized')
    returning * into v_payment;
  if not found then
    select * into v_payment from public.payments as p where p.id = p_payment_id;
    if not found then
      raise exception 'no such payment' using errcode = 'PT404';
    end if;
  end if;
  return v_payment;
end;
$$;

-- Bookings whose cancellation owes a refund not yet asked of the provider: the refund due, capped
-- by what is still refundable (staff may have refunded part already). `attempt` numbers the
-- idempotency key (cancellation:<booking>:<attempt>), so a refund the provider failed is asked
-- again under a new key rather than answered with the failed one forever.
create function public.ledger_refunds_owed() returns table (
  booking_id uuid,
  payment_id uuid,
  amount_minor bigint,
  attempt int
)
language sql
stable
security definer
set search_path = ''
as $$
  select b.id, b.paid_by_payment_id, owed.amount, owed.failed + 1
  from public.bookings as b
  join public.payments as p on p.id = b.paid_by_payment_id
  cross join lateral (
    select
      least(
        b.refund_due_minor,
        p.amount_minor - coalesce(sum(r.amount_minor) filter (where r.status <> 'failed'), 0)
      ) as amount,
      (count(*) filter (
        where r.status = 'failed' and r.idempotency_key like 'cancellation:' || b.id || ':%'
      ))::int as failed,
      bool_or(r.status <> 'failed' and r.idempotency_key like 'cancellation:' || b.id || ':%')
        as asked
    from public.refunds as r
    where r.payment_id = p.id
  ) as owed
  where b.status = 'cancelled' and b.refund_due_minor > 0
    and owed.amount > 0 and not coalesce(owed.asked, false)
$$;

-- Records or updates a dispute of one of our payments, found by the provider's payment id.
-- Answers the dispute, or PT404 for a payment we do not have.
create function public.ledger_record_dispute(
  p_provider text,
  p_provider_payment_id text,
  p_provider_dispute_id text,
  p_status text,
  p_reason text,
  p_amount_minor bigint,
  p_currency text
) returns public.payment_disputes
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment_id uuid;
  v_dispute public.payment_disputes;
begin
  select p.id into v_payment_id from public.payments as p
    where p.provider = p_provider and p.provider_payment_id = p_provider_payment_id;
  if not found then
    raise exception 'no payment with this provider payment id' using errcode = 'PT404';
  end if;
  insert into public.payment_disputes (
    payment_id, provider, provider_dispute_id, status, reason, amount_minor, currency
  )
  values (
    v_payment_id, p_provider, p_provider_dispute_id, p_status, left(p_reason, 200),
    p_amount_minor, upper(p_currency)
  )
  on conflict (provider, provider_dispute_id) do update
    set status = excluded.status, reason = coalesce(excluded.reason, payment_disputes.reason),
      amount_minor = excluded.amount_minor, updated_at = now()
  returning * into v_dispute;
  return v_dispute;
end;
$$;

select public.restrict_execute('{}',
  'public.payments_before_update()',
  'public.refunds_before_update()',
  'public.refunds_record_staff_action()');
select public.restrict_execute('{service_role}',
  'public.payment_status_rank(text)',
  'public.ledger_create_payment(uuid, text, uuid, text, text, text)',
  'public.ledger_attach_order(uuid, text)',
  'public.ledger_record_capture(text, text, text, bigint, text)',
  'public.ledger_record_failure(text, text, text)',
  'public.ledger_apply_refunds(uuid)',
  'public.ledger_begin_refund(uuid, bigint, text, uuid, text)',
  'public.ledger_settle_refund(uuid, text, boolean)',
  'public.ledger_record_provider_refund(text, text, text, bigint, text)',
  'public.ledger_fail_provider_refund(text, text, text)',
  'public.ledger_record_failure_by_id(uuid, text)',
  'public.ledger_claim_refund(uuid)',
  'public.ledger_refunds_owed()',
  'public.ledger_record_dispute(text, text, text, text, text, bigint, text)');
