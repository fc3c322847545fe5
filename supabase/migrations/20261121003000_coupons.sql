-- Coupons: the MindfulQALB SPA's POST /api/coupons/validate and create-order's `couponCode`.
-- A coupon takes a percentage (1–99) or a fixed amount in one currency off the catalogue price;
-- the server computes the discount and opens the payment at the discounted amount in one
-- transaction, under the coupon's row lock, so `max_uses` cannot be overrun by racing orders.
-- A use is a payment opened with the coupon that was paid (authorized, captured, refunded) or
-- is still open from the last 30 minutes (a checkout in progress; an abandoned one frees its
-- use after that). Nothing is granted to anon or authenticated: codes are never readable
-- through the Data API, and the API answers the same for every code that gives no discount
-- (unknown, inactive, not yet or no longer valid, used up, another currency), per IP limited.
-- Coupons are made by the practice with SQL (README, "The therapy frontend").

create table public.coupons (
  id uuid primary key default gen_random_uuid(),
  code text not null constraint coupons_code_format check (code ~ '^[A-Z0-9_-]{1,32}$'),
  percent_off integer constraint coupons_percent_range check (percent_off between 1 and 99),
  amount_off_minor bigint constraint coupons_amount_positive check (amount_off_minor > 0),
  currency char(3) constraint coupons_currency_iso check (currency ~ '^[A-Z]{3}$'),
  max_uses integer constraint coupons_max_uses_positive check (max_uses > 0),
  valid_from timestamptz not null default now(),
  expires_at timestamptz,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  constraint coupons_code_unique unique (code),
  constraint coupons_one_kind check ((percent_off is null) <> (amount_off_minor is null)),
  constraint coupons_fixed_has_currency check ((amount_off_minor is null) = (currency is null))
);

alter table public.coupons enable row level security;
revoke all on table public.coupons from anon, authenticated;

alter table public.payments
  add column coupon_id uuid references public.coupons (id),
  add column discount_minor bigint not null default 0
    constraint payments_discount_nonnegative check (discount_minor >= 0),
  add constraint payments_coupon_discount check ((coupon_id is null) = (discount_minor = 0));

create index payments_coupon_id_idx on public.payments (coupon_id) where coupon_id is not null;

-- The discount the coupon gives on this amount in this currency, or null when it gives none.
-- A discount always leaves at least 1.00 (100 minor units) to pay: a checkout takes no less.
create function public.coupon_discount_of(
  p_coupon public.coupons,
  p_amount_minor bigint,
  p_currency text
) returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
  v_discount bigint;
  v_uses bigint;
begin
  if not p_coupon.active or p_coupon.valid_from > now()
    or (p_coupon.expires_at is not null and p_coupon.expires_at <= now())
    or p_amount_minor is null or p_amount_minor <= 0 then
    return null;
  end if;
  if p_coupon.percent_off is not null then
    v_discount := (p_amount_minor * p_coupon.percent_off) / 100;
  elsif p_coupon.currency = upper(p_currency) then
    v_discount := p_coupon.amount_off_minor;
  else
    return null;
  end if;
  if v_discount <= 0 or p_amount_minor - v_discount < 100 then
    return null;
  end if;
  if p_coupon.max_uses is not null then
    select count(*) into v_uses from public.payments as p
      where p.coupon_id = p_coupon.id
        and (p.status in ('authorized', 'captured', 'partially_refunded', 'refunded')
          or (p.status = 'created' and p.created_at > now() - interval '30 minutes'));
    if v_uses >= p_coupon.max_uses then
      return null;
    end if;
  end if;
  return v_discount;
end;
$$;

-- What the coupon would take off an amount (a preview for the checkout screen): null for every
-- code that gives none, whatever the reason.
create function public.coupon_quote(p_code text, p_amount_minor bigint, p_currency text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_coupon public.coupons;
  v_discount bigint;
begin
  select * into v_coupon from public.coupons as c where c.code = upper(btrim(p_code));
  if not found then
    return null;
  end if;
  v_discount := public.coupon_discount_of(v_coupon, p_amount_minor, p_currency);
  if v_discount is null then
    return null;
  end if;
  return jsonb_build_object(
    'coupon_id', v_coupon.id, 'code', v_coupon.code, 'discount_minor', v_discount
  );
end;
$$;

-- A payment for a session from the catalogue with a coupon: the price, less the coupon's
-- discount, in one transaction under the coupon's lock. CPNOK: the coupon gives no discount.
create function public.ledger_open_coupon_payment(
  p_user_id uuid,
  p_provider text,
  p_session_type_slug text,
  p_format text,
  p_currency text,
  p_coupon_code text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_format text := p_format;
  v_currency text := upper(p_currency);
  v_session_type_id uuid;
  v_price bigint;
  v_coupon public.coupons;
  v_discount bigint;
  v_payment public.payments;
begin
  if v_format is null then
    select pr.format into v_format
      from public.session_types as t
      join public.session_type_prices as pr on pr.session_type_id = t.id
      where t.slug = p_session_type_slug and t.active and pr.active and pr.currency = v_currency
      order by pr.format <> 'video', pr.format
      limit 1;
  end if;
  select t.id, pr.amount_minor into v_session_type_id, v_price
    from public.session_types as t
    join public.session_type_prices as pr on pr.session_type_id = t.id
    where t.slug = p_session_type_slug and t.active and pr.active
      and pr.format = v_format and pr.currency = v_currency;
  if not found then
    raise exception 'no % price for % in %', v_format, p_session_type_slug, v_currency
      using errcode = 'PT404';
  end if;
  if v_price = 0 then
    raise exception 'a free session needs no payment' using errcode = 'PT409';
  end if;
  select * into v_coupon from public.coupons as c
    where c.code = upper(btrim(p_coupon_code))
    for update;
  if found then
    v_discount := public.coupon_discount_of(v_coupon, v_price, v_currency);
  end if;
  if v_discount is null then
    raise exception 'the coupon gives no discount here' using errcode = 'CPNOK';
  end if;
  insert into public.payments (
    user_id, booking_id, provider, session_type_id, format, amount_minor, currency,
    coupon_id, discount_minor
  )
  values (
    p_user_id, null, p_provider, v_session_type_id, v_format, v_price - v_discount, v_currency,
    v_coupon.id, v_discount
  )
  returning * into v_payment;
  return v_payment;
end;
$$;

-- POST /api/payments/link (the MindfulQALB SPA pays, then books, then links): the captured,
-- unused payment of this provider order pays for the caller's live hold of the same session
-- type and format, which is confirmed in the same transaction. The booking takes the payment's
-- amount and currency (the catalogue's price the server charged, less any coupon). A payment
-- made without an account (the SPA's create-order sends no token) pays for whoever presents
-- its order id first, once, as with `paymentId` on POST /api/bookings. Linking the same pair
-- again answers the booking as it is.
create function public.link_payment_to_booking(
  p_user_id uuid,
  p_provider_order_id text,
  p_booking_id uuid
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_payment public.payments;
begin
  if p_user_id is null then
    raise exception 'a signed-in caller links payments' using errcode = 'PT404';
  end if;
  select * into v_booking from public.bookings as b where b.id = p_booking_id for update;
  if not found or v_booking.user_id is distinct from p_user_id then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  select * into v_payment from public.payments as p
    where p.provider_order_id = p_provider_order_id
      and p.provider in ('razorpay', 'sandbox')
      and p.session_type_id is not null
    order by p.created_at
    limit 1
    for update;
  if not found or (v_payment.user_id is not null and v_payment.user_id <> p_user_id) then
    raise exception 'no such order' using errcode = 'PT404';
  end if;
  if v_booking.paid_by_payment_id = v_payment.id then
    return public.booking_document(v_booking);
  end if;
  if v_payment.status <> 'captured'
    or v_payment.booking_id is not null
    or v_payment.session_type_id <> v_booking.session_type_id
    or v_payment.format <> v_booking.format
    or exists (select 1 from public.refunds as r
      where r.payment_id = v_payment.id and r.status <> 'failed')
    or exists (select 1 from public.bookings as b where b.paid_by_payment_id = v_payment.id)
  then
    raise exception 'payment % cannot pay for booking %', v_payment.id, v_booking.id
      using errcode = 'BKPAY';
  end if;
  if v_booking.status <> 'held' or v_booking.expires_at <= now() then
    raise exception 'only a live hold can be paid for' using errcode = 'PT409';
  end if;
  update public.payments as p set booking_id = v_booking.id where p.id = v_payment.id;
  update public.bookings as b
    set status = 'confirmed', paid_by_payment_id = v_payment.id,
      amount_minor = v_payment.amount_minor, currency = v_payment.currency
    where b.id = v_booking.id
    returning * into v_booking;
  return public.booking_document(v_booking);
end;
$$;

select public.restrict_execute('{}',
  'public.coupon_discount_of(public.coupons, bigint, text)');
select public.restrict_execute('{service_role}',
  'public.coupon_quote(text, bigint, text)',
  'public.ledger_open_coupon_payment(uuid, text, text, text, text, text)',
  'public.link_payment_to_booking(uuid, text, uuid)');
