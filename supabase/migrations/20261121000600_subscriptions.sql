-- Subscriptions: the browser extension's tiers — free, pro and premium — sold as Stripe
-- subscriptions. Stripe holds the truth; these tables are our copy of it, written only by the
-- Stripe webhook through functions only the service role may run. The API roles read their own
-- rows; the subscription endpoints themselves only ask Stripe for changes and let the webhook
-- record what Stripe then reports.
--
-- - billing_customers: the Stripe customer of each user, one per user and one user per customer.
--   The server creates the customer with our user id in its metadata; the webhook records the
--   pair from what Stripe signed (customer.created, a completed Checkout, a subscription's
--   metadata). There is deliberately no function the API roles may call to record one: a caller
--   naming a customer id of their choosing could claim someone else's customer, and with it that
--   person's billing portal and subscriptions. When an account is deleted the row stays with a
--   null user, so later events for that customer are known to belong to nobody.
-- - subscriptions: one row per Stripe subscription. The webhook re-reads the subscription from
--   Stripe for every event and applies what it read with the time it began reading (synced_at);
--   a copy read earlier never replaces one read later, so events that arrive late, twice or out
--   of order converge on Stripe's latest state. canceled and incomplete_expired are final in
--   Stripe, and so here.
-- - Entitlement: active and trialing subscriptions give their tier; past_due gives it for 7 days
--   from when we first saw it past due (Stripe retries the card meanwhile, and ends the
--   subscription — or leaves it unpaid or past_due, as the account is set — when the retries
--   run out); incomplete, unpaid, paused and ended ones give nothing, and so does one whose
--   price is no tier's. Premium outranks pro.
--   entitlement() and subscription_status() are security invoker: called by a user, RLS shows
--   them only their own rows, so asking about anyone else answers 'free'.

create table public.billing_customers (
  stripe_customer_id text primary key constraint billing_customers_stripe_customer_id_format
    check (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$' and char_length(stripe_customer_id) <= 255),
  user_id uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint billing_customers_user_unique unique (user_id)
);

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  -- Whose tier it is: fixed when the row is made; null only once the account is deleted.
  user_id uuid references auth.users (id) on delete set null,
  stripe_subscription_id text not null constraint subscriptions_stripe_subscription_id_format
    check (stripe_subscription_id ~ '^sub_[A-Za-z0-9]+$'
      and char_length(stripe_subscription_id) <= 255),
  -- Not a reference to billing_customers: a user Stripe gave a second customer keeps the first
  -- as their mapping, and this subscription still names the customer that pays for it.
  stripe_customer_id text not null constraint subscriptions_stripe_customer_id_format
    check (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$' and char_length(stripe_customer_id) <= 255),
  -- Null when its price is none of the tiers' prices (STRIPE_PRICE_PRO / _PREMIUM): it then
  -- gives nothing, rather than a tier we can only guess at.
  tier text constraint subscriptions_tier check (tier in ('pro', 'premium')),
  stripe_price_id text not null constraint subscriptions_stripe_price_id_length
    check (char_length(stripe_price_id) between 1 and 255),
  -- Stripe's own statuses.
  status text not null constraint subscriptions_status check (status in (
    'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid',
    'paused'
  )),
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  -- When we first saw it past due, for the grace period; set exactly while it is past due.
  past_due_since timestamptz,
  -- When the webhook began reading the state this row holds from Stripe.
  synced_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_stripe_subscription_unique unique (stripe_subscription_id),
  constraint subscriptions_past_due_since check ((status = 'past_due') = (past_due_since is not null))
);

create index subscriptions_user_id_idx on public.subscriptions (user_id);

create function public.billing_customers_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.stripe_customer_id <> old.stripe_customer_id
    or (new.user_id is distinct from old.user_id and new.user_id is not null) then
    raise exception 'a billing customer belongs to one user, for good' using errcode = 'PT409';
  end if;
  return new;
end;
$$;

create trigger billing_customers_before_update
  before update on public.billing_customers
  for each row execute function public.billing_customers_before_update();

create function public.subscriptions_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.stripe_subscription_id <> old.stripe_subscription_id
    or new.stripe_customer_id <> old.stripe_customer_id
    or (new.user_id is distinct from old.user_id and new.user_id is not null) then
    raise exception 'a subscription''s ids and owner never change' using errcode = 'PT409';
  end if;
  if old.status in ('canceled', 'incomplete_expired') and new.status <> old.status then
    raise exception 'an ended subscription never comes back' using errcode = 'PT409';
  end if;
  if new.synced_at < old.synced_at then
    raise exception 'an older copy of a subscription never replaces a newer one'
      using errcode = 'PT409';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger subscriptions_before_update
  before update on public.subscriptions
  for each row execute function public.subscriptions_before_update();

alter table public.billing_customers enable row level security;
alter table public.subscriptions enable row level security;

revoke all on table public.billing_customers, public.subscriptions from anon, authenticated;
grant select on table public.billing_customers, public.subscriptions to authenticated;

create policy "Users read their own billing customer"
  on public.billing_customers for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Users read their own subscriptions"
  on public.subscriptions for select
  to authenticated
  using (user_id = (select auth.uid()));

-- A customer Stripe reports with our user id in its metadata (customer.created): recorded for
-- that user unless either side already has its pair. Answers the customer's user now (null when
-- the user does not exist, or the customer belongs to a deleted account).
create function public.billing_customers_record(p_stripe_customer_id text, p_user_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  if exists (select 1 from auth.users as u where u.id = p_user_id) then
    insert into public.billing_customers (stripe_customer_id, user_id)
    values (p_stripe_customer_id, p_user_id)
    on conflict do nothing;
  end if;
  select c.user_id into v_user from public.billing_customers as c
    where c.stripe_customer_id = p_stripe_customer_id;
  return v_user;
end;
$$;

-- A subscription as the webhook just read it from Stripe. A new one belongs to its customer's
-- user, or, for a customer not recorded yet, to the user its metadata names (recorded as the
-- customer's user at the same time). An existing one is updated only by a copy read later than
-- its own, and never once ended. Answers whether this copy was applied and the row as it stands
-- (null when nobody it could belong to exists).
create function public.subscriptions_apply(
  p_stripe_subscription_id text,
  p_stripe_customer_id text,
  p_user_id uuid,
  p_tier text,
  p_stripe_price_id text,
  p_status text,
  p_current_period_end timestamptz,
  p_cancel_at_period_end boolean,
  p_synced_at timestamptz
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid;
  v_row public.subscriptions;
begin
  -- An existing row keeps its owner; only a new one needs a user.
  if not exists (
    select 1 from public.subscriptions as s where s.stripe_subscription_id = p_stripe_subscription_id
  ) then
    select c.user_id into v_user from public.billing_customers as c
      where c.stripe_customer_id = p_stripe_customer_id;
    if not found then
      v_user := public.billing_customers_record(p_stripe_customer_id, p_user_id);
      -- The user already has another customer: the subscription is still theirs.
      if v_user is null and exists (select 1 from auth.users as u where u.id = p_user_id) then
        v_user := p_user_id;
      end if;
    end if;
    if v_user is null then
      return jsonb_build_object('applied', false, 'subscription', null);
    end if;
  end if;

  -- One statement, so concurrent deliveries of a new subscription insert it once and the
  -- others update it (or not) under the row's lock.
  insert into public.subscriptions as s (
    user_id, stripe_subscription_id, stripe_customer_id, tier, stripe_price_id, status,
    current_period_end, cancel_at_period_end, past_due_since, synced_at
  )
  values (
    v_user, p_stripe_subscription_id, p_stripe_customer_id, p_tier, p_stripe_price_id, p_status,
    p_current_period_end, p_cancel_at_period_end,
    case when p_status = 'past_due' then p_synced_at end, p_synced_at
  )
  on conflict (stripe_subscription_id) do update
    set tier = excluded.tier,
      stripe_price_id = excluded.stripe_price_id,
      status = excluded.status,
      current_period_end = excluded.current_period_end,
      cancel_at_period_end = excluded.cancel_at_period_end,
      past_due_since = case
        when excluded.status <> 'past_due' then null
        when s.status = 'past_due' then s.past_due_since
        else excluded.past_due_since end,
      synced_at = excluded.synced_at
    where s.synced_at < excluded.synced_at
      and s.status not in ('canceled', 'incomplete_expired')
  returning * into v_row;
  if found then
    return jsonb_build_object('applied', true, 'subscription', to_jsonb(v_row));
  end if;
  -- Stored from a later read, or ended: this copy changes nothing.
  select * into v_row from public.subscriptions as s
    where s.stripe_subscription_id = p_stripe_subscription_id;
  return jsonb_build_object('applied', false, 'subscription', to_jsonb(v_row));
end;
$$;

-- The entitlement rule, in one place (see the header).
create function public.subscription_entitles(
  p_tier text,
  p_status text,
  p_past_due_since timestamptz
) returns boolean
language sql
stable
set search_path = ''
as $$
  select p_tier is not null and (
    p_status in ('active', 'trialing')
    or (p_status = 'past_due' and p_past_due_since > now() - interval '7 days')
  )
$$;

-- The subscription that decides a user's tier, with that tier: among those not ended, one that
-- entitles (premium before pro), else the newest, so a user whose card failed sees why. No row:
-- the user has no live subscription (tier 'free').
create function public.subscription_status(p_user_id uuid)
returns table (
  entitled_tier text,
  tier text,
  status text,
  current_period_end timestamptz,
  cancel_at_period_end boolean,
  stripe_subscription_id text,
  stripe_customer_id text
)
language sql
stable
set search_path = ''
as $$
  select case when e.entitles then s.tier else 'free' end, s.tier, s.status,
    s.current_period_end, s.cancel_at_period_end, s.stripe_subscription_id, s.stripe_customer_id
  from public.subscriptions as s
  cross join lateral (
    select public.subscription_entitles(s.tier, s.status, s.past_due_since) as entitles
  ) as e
  where s.user_id = p_user_id and s.status not in ('canceled', 'incomplete_expired')
  order by e.entitles desc, s.tier = 'premium' desc nulls last, s.created_at desc
  limit 1
$$;

-- 'free', 'pro' or 'premium': what the user's subscriptions give them now.
create function public.entitlement(p_user_id uuid) returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select s.entitled_tier from public.subscription_status(p_user_id) as s),
    'free'
  )
$$;

select public.restrict_execute('{}',
  'public.billing_customers_before_update()',
  'public.subscriptions_before_update()');
select public.restrict_execute('{service_role}',
  'public.billing_customers_record(text, uuid)',
  'public.subscriptions_apply(text, text, uuid, text, text, text, timestamptz, boolean, timestamptz)');
select public.restrict_execute('{authenticated,service_role}',
  'public.subscription_entitles(text, text, timestamptz)',
  'public.subscription_status(uuid)',
  'public.entitlement(uuid)');
