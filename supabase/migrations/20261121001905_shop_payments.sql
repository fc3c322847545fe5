-- Shop payments (issue 20, item 5): orders paid through the one payments ledger, each shop paid
-- out through Stripe Connect.
--
-- - shop_payment_accounts: a shop's Stripe Connect account and what Stripe last reported of it
--   (charges_enabled, payouts_enabled, details_submitted). Its own table, not columns on shops,
--   so no grant or policy on shops (which members edit) can ever reach the account a shop's money
--   goes to: only the service role writes it, after the owner asked (the API checked the role
--   here, in SQL) or after Stripe said so (a re-read account). Owners (payouts.manage) read it.
-- - payments.order_id: a payment for an order (not for a session: session_type_id and format are
--   a session payment's, so they are no longer required of every row). The amount is always the
--   order's total, read under the order's lock when the payment opens (shop_open_payment);
--   transfer_destination and application_fee_minor record the destination charge Stripe was
--   asked for (null: the platform's own account).
-- - A capture of an order's payment moves the order to `processing` and records who paid it in
--   the ledger's own transaction (the trigger payments_settle_order): whichever of confirm, the
--   webhook and the reconciliation sweep records the capture first does it, once. A capture the
--   order can no longer take (another payment paid it, or it was cancelled) reserves a refund in
--   full under the key `unusable-capture:<payment>`, which the API sends at once and the
--   settle-payments sweep retries.
-- - Refunds by shop staff: shop_begin_refund checks that the caller's role in the shop carries
--   payments.refund (owner, admin: the shops migration's role table) and that the payment is one
--   of the shop's, then reserves the refund through
--   ledger_begin_refund (never more than captured and not yet refunded).
-- - webhook_events.provider gains 'stripe_connect': events of the Connect endpoint, stored once
--   each like every other provider's.
-- Every function here is the service role's alone.

create table public.shop_payment_accounts (
  shop_id uuid primary key references public.shops (id) on delete cascade,
  stripe_account_id text not null constraint shop_payment_accounts_account_format
    check (stripe_account_id ~ '^acct_[A-Za-z0-9]{1,200}$'),
  charges_enabled boolean not null default false,
  payouts_enabled boolean not null default false,
  details_submitted boolean not null default false,
  -- When the status above was read from Stripe: an older read never overwrites a newer one.
  status_read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint shop_payment_accounts_account_unique unique (stripe_account_id)
);

alter table public.shop_payment_accounts enable row level security;
revoke all on table public.shop_payment_accounts from anon, authenticated;
grant select on table public.shop_payment_accounts to authenticated;

create policy "Shop owners read their shop's payout account"
  on public.shop_payment_accounts for select
  to authenticated
  using (public.shop_can(shop_id, 'payouts.manage'));

alter table public.payments
  alter column session_type_id drop not null,
  alter column format drop not null,
  add column order_id uuid references public.orders (id),
  add column transfer_destination text constraint payments_transfer_destination_format
    check (transfer_destination ~ '^acct_[A-Za-z0-9]{1,200}$'),
  add column application_fee_minor bigint not null default 0,
  add constraint payments_order_not_session
    check (order_id is null or (session_type_id is null and booking_id is null)),
  add constraint payments_application_fee_range
    check (application_fee_minor between 0 and amount_minor);

create index payments_order_id_idx on public.payments (order_id) where order_id is not null;

-- The order's paying payment (set by payments_settle_order, never by the API roles).
alter table public.orders
  add column paid_by_payment_id uuid references public.payments (id);

-- The refunds policy reads payments as the caller, so this shows their refunds too.
create policy "Shop members read the payments of their shop's orders"
  on public.payments for select
  to authenticated
  using (
    order_id is not null
    and exists (
      select 1 from public.orders as o
      where o.id = payments.order_id and public.shop_can(o.shop_id, 'orders.read')
    )
  );

alter table public.webhook_events drop constraint webhook_events_provider;
alter table public.webhook_events add constraint webhook_events_provider
  check (provider in ('razorpay', 'stripe', 'sandbox', 'calcom', 'stripe_connect'));

-- A new payment for an order of the shop, priced from the order under its lock: the order must be
-- pending and unpaid. Whoever holds the order's id may pay it (the customer who placed it, whom
-- submit_shop_form answered it to, or the shop's team sending a payment link); paying reveals
-- only the total, and an order of another shop is PT404, as an unknown one. The
-- provider is p_provider, else p_inr_provider for an INR order (the API passes 'razorpay' when
-- Razorpay is configured), else Stripe. A Stripe payment goes to the shop's connected account
-- when Stripe reports it can take charges, with the platform's fee (p_fee_bps of the total,
-- rounded down); otherwise to the platform's own account, without a fee.
create function public.shop_open_payment(
  p_shop_id uuid,
  p_order_id uuid,
  p_provider text,
  p_inr_provider text,
  p_fee_bps int
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_order public.orders;
  v_provider text := p_provider;
  v_destination text;
  v_fee bigint := 0;
  v_payment public.payments;
begin
  select * into v_order from public.orders as o
    where o.id = p_order_id and o.shop_id = p_shop_id
    for update;
  if not found then
    raise exception 'no such order' using errcode = 'PT404';
  end if;
  if v_order.status <> 'pending' or v_order.paid_by_payment_id is not null then
    raise exception 'only a pending, unpaid order can be paid' using errcode = 'PT409';
  end if;
  if v_order.total_minor <= 0 then
    raise exception 'an order without a total needs no payment' using errcode = 'PT409';
  end if;
  if v_provider is null then
    v_provider := case when v_order.currency = 'INR' then coalesce(p_inr_provider, 'stripe')
      else 'stripe' end;
  end if;
  -- Razorpay pays the platform's own account, never the shop's Connect account: it is for INR
  -- orders only, so a customer (or an owner dodging the fee) cannot send another currency's
  -- order around the shop's payouts.
  if v_provider = 'razorpay' and v_order.currency <> 'INR' then
    raise exception 'Razorpay takes INR orders only' using errcode = '22023';
  end if;
  if v_provider = 'stripe' then
    select a.stripe_account_id into v_destination from public.shop_payment_accounts as a
      where a.shop_id = p_shop_id and a.charges_enabled;
    if v_destination is not null then
      v_fee := (v_order.total_minor * greatest(coalesce(p_fee_bps, 0), 0)) / 10000;
    end if;
  end if;
  insert into public.payments (
    user_id, order_id, provider, amount_minor, currency, transfer_destination,
    application_fee_minor
  )
  values (
    null, v_order.id, v_provider, v_order.total_minor, v_order.currency, v_destination, v_fee
  )
  returning * into v_payment;
  return v_payment;
end;
$$;

-- A payment of the shop's orders for a member whose role carries p_permission; PT404 otherwise
-- (as an unknown id).
create function public.shop_payment_for_member(
  p_user_id uuid,
  p_shop_id uuid,
  p_payment_id uuid,
  p_permission text
) returns public.payments
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  select p.* into v_payment from public.payments as p
    join public.orders as o on o.id = p.order_id
    where p.id = p_payment_id and o.shop_id = p_shop_id
      and public.shop_user_can(p_user_id, p_shop_id, p_permission);
  if not found then
    raise exception 'no such payment' using errcode = 'PT404';
  end if;
  return v_payment;
end;
$$;

-- A payment of the shop's orders by its provider order id (Stripe's intent, Razorpay's order), with
-- the order's status: what confirm checks before it asks the provider, and answers after. PT404
-- for a payment that is not one of this shop's.
create function public.shop_payment_state(
  p_shop_id uuid,
  p_provider text,
  p_provider_order_id text
) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object('payment', to_jsonb(p), 'order_status', o.status)
  from public.payments as p
  join public.orders as o on o.id = p.order_id
  where p.provider = p_provider and p.provider_order_id = p_provider_order_id
    and o.shop_id = p_shop_id
$$;

-- A refund by shop staff (payments.refund: owners and admins): reserved in the ledger, never more than captured
-- and not yet refunded; the same idempotency key answers the same refund.
create function public.shop_begin_refund(
  p_user_id uuid,
  p_shop_id uuid,
  p_payment_id uuid,
  p_amount_minor bigint,
  p_reason text,
  p_idempotency_key text
) returns public.refunds
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
begin
  v_payment := public.shop_payment_for_member(
    p_user_id, p_shop_id, p_payment_id, 'payments.refund'
  );
  return public.ledger_begin_refund(
    v_payment.id,
    coalesce(p_amount_minor, v_payment.amount_minor - v_payment.refunded_minor),
    p_reason, p_user_id, p_idempotency_key
  );
end;
$$;

-- The shop's Connect account, for its owner (PT404 for anyone else); null when it has none yet.
create function public.shop_payment_account_for_owner(p_user_id uuid, p_shop_id uuid)
returns public.shop_payment_accounts
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_account public.shop_payment_accounts;
begin
  if not public.shop_user_can(p_user_id, p_shop_id, 'payouts.manage') then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  select * into v_account from public.shop_payment_accounts as a where a.shop_id = p_shop_id;
  return v_account;
end;
$$;

-- The account Stripe created for the shop, recorded for its owner. A shop keeps its first
-- account: a second owner racing the first finds it and gets the first one back.
create function public.record_shop_payment_account(
  p_user_id uuid,
  p_shop_id uuid,
  p_stripe_account_id text
) returns public.shop_payment_accounts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_account public.shop_payment_accounts;
begin
  if not public.shop_user_can(p_user_id, p_shop_id, 'payouts.manage') then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  insert into public.shop_payment_accounts (shop_id, stripe_account_id)
  values (p_shop_id, p_stripe_account_id)
  on conflict (shop_id) do nothing;
  select * into v_account from public.shop_payment_accounts as a where a.shop_id = p_shop_id;
  return v_account;
end;
$$;

-- What Stripe reports of an account now (read from Stripe at p_read_at, after account.updated or
-- when an owner asks): applied unless a later read already was. Null when no shop has it.
create function public.record_shop_payment_account_status(
  p_stripe_account_id text,
  p_charges_enabled boolean,
  p_payouts_enabled boolean,
  p_details_submitted boolean,
  p_read_at timestamptz
) returns public.shop_payment_accounts
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_account public.shop_payment_accounts;
begin
  update public.shop_payment_accounts as a
    set charges_enabled = p_charges_enabled, payouts_enabled = p_payouts_enabled,
      details_submitted = p_details_submitted, status_read_at = p_read_at, updated_at = now()
    where a.stripe_account_id = p_stripe_account_id
      and (a.status_read_at is null or a.status_read_at <= p_read_at)
    returning * into v_account;
  if not found then
    select * into v_account from public.shop_payment_accounts as a
      where a.stripe_account_id = p_stripe_account_id;
  end if;
  return v_account;
end;
$$;

-- A captured payment of an order pays it: the order records the payment and, when pending, moves
-- to processing, in the ledger's transaction. When the order cannot take it (paid by another
-- payment, or cancelled), the capture stays recorded and its full refund is reserved.
create function public.payments_settle_order() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_order public.orders;
begin
  if new.order_id is null or new.status <> 'captured'
    or old.status in ('captured', 'partially_refunded', 'refunded') then
    return null;
  end if;
  select * into v_order from public.orders as o where o.id = new.order_id for update;
  if v_order.paid_by_payment_id is null and v_order.status <> 'cancelled' then
    -- A pending order starts processing; one the team already moved on keeps its status.
    update public.orders as o
      set paid_by_payment_id = new.id, payment_status = 'paid',
        status = case when o.status = 'pending' then 'processing' else o.status end
      where o.id = v_order.id;
  elsif v_order.paid_by_payment_id is distinct from new.id then
    perform public.ledger_begin_refund(
      new.id, new.amount_minor - new.refunded_minor,
      'The order was already paid or was cancelled', null,
      'unusable-capture:' || new.id
    );
  end if;
  return null;
end;
$$;

create trigger payments_settle_order
  after update of status on public.payments
  for each row execute function public.payments_settle_order();

-- The order's payment status follows its paying payment's refunds.
create function public.payments_refund_order() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.order_id is not null and new.refunded_minor <> old.refunded_minor then
    update public.orders as o
      set payment_status = case when new.status = 'refunded' then 'refunded'
        else 'partially_refunded' end
      where o.id = new.order_id and o.paid_by_payment_id = new.id;
  end if;
  return null;
end;
$$;

create trigger payments_refund_order
  after update of refunded_minor on public.payments
  for each row execute function public.payments_refund_order();

select public.restrict_execute('{}',
  'public.payments_settle_order()',
  'public.payments_refund_order()');
select public.restrict_execute('{service_role}',
  'public.shop_open_payment(uuid, uuid, text, text, int)',
  'public.shop_payment_for_member(uuid, uuid, uuid, text)',
  'public.shop_payment_state(uuid, text, text)',
  'public.shop_begin_refund(uuid, uuid, uuid, bigint, text, text)',
  'public.shop_payment_account_for_owner(uuid, uuid)',
  'public.record_shop_payment_account(uuid, uuid, text)',
  'public.record_shop_payment_account_status(text, boolean, boolean, boolean, timestamptz)');
