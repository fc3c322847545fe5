-- Flight bookings (issue 23, lib/travel/). A booking is the offer its provider confirmed (the
-- itinerary, total and currency, never a price the client sent), its travellers and contact
-- sealed by the server (AES-256-GCM under the personal-data keys), and a short human reference.
--
-- - Owners read their own bookings and admins read all through RLS (a practitioner's staff are
--   scoped to their practitioners elsewhere, and a flight has none); every write is one
--   of the functions below, which only the service role may execute (the rows carry sealed
--   data and the payments ledger decides when a booking is paid).
-- - Payments go through the ledger: public.payments gains flight_booking_id, and a flight
--   payment has no session type or format (both become nullable; practice payments still set
--   them, ledger_create_payment unchanged). Amount and currency come from the booking row.
-- - Search results live in Redis only (see README, "Flights"): there is no flight_searches table.

create table public.flight_bookings (
  id uuid primary key default gen_random_uuid(),
  -- 8 characters from an alphabet without 0/O, 1/I/L: 31^8 ≈ 8.5e11, drawn at random.
  reference text not null constraint flight_bookings_reference_format
    check (reference ~ '^[2-9A-HJKMNP-Z]{8}$'),
  user_id uuid references auth.users (id) on delete set null,
  provider text not null constraint flight_bookings_provider
    check (provider in ('kiwi', 'duffel', 'sandbox')),
  -- Kiwi's booking_token, Duffel's offer id, the sandbox's key: what the provider is asked again.
  provider_offer_ref text not null constraint flight_bookings_offer_ref_length
    check (char_length(provider_offer_ref) between 1 and 8000),
  status text not null default 'pending_payment' constraint flight_bookings_status
    check (status in ('pending_payment', 'confirmed', 'cancelled', 'failed')),
  payment_status text not null default 'unpaid' constraint flight_bookings_payment_status
    check (payment_status in ('unpaid', 'paid', 'refund_due', 'refunded')),
  amount_minor bigint not null constraint flight_bookings_amount_positive check (amount_minor > 0),
  currency char(3) not null constraint flight_bookings_currency_iso check (currency ~ '^[A-Z]{3}$'),
  -- The confirmed offer as normalized (lib/travel/offer.ts): flights, times, airlines; nothing personal.
  itinerary jsonb not null,
  origin text not null,
  destination text not null,
  departs_at timestamptz not null,
  refundable boolean,
  adults int not null constraint flight_bookings_adults check (adults between 1 and 9),
  children int not null default 0 constraint flight_bookings_children check (children between 0 and 8),
  infants int not null default 0 constraint flight_bookings_infants check (infants between 0 and adults),
  travelers_sealed text not null constraint flight_bookings_travelers_sealed
    check (public.is_sealed(travelers_sealed)),
  contact_email_sealed text not null constraint flight_bookings_contact_email_sealed
    check (public.is_sealed(contact_email_sealed)),
  contact_phone_sealed text not null constraint flight_bookings_contact_phone_sealed
    check (public.is_sealed(contact_phone_sealed)),
  paid_by_payment_id uuid,
  provider_order_id text constraint flight_bookings_provider_order_length
    check (char_length(provider_order_id) between 1 and 200),
  provider_booking_reference text constraint flight_bookings_provider_reference_length
    check (char_length(provider_booking_reference) between 1 and 50),
  failure_reason text constraint flight_bookings_failure_reason_length
    check (char_length(failure_reason) <= 200),
  -- Set while one caller asks the provider for the order, so two capture paths never buy twice.
  ordering_claimed_at timestamptz,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint flight_bookings_reference_unique unique (reference)
);

create index flight_bookings_user_idx on public.flight_bookings (user_id, created_at desc, id desc);

alter table public.payments
  alter column session_type_id drop not null,
  alter column format drop not null,
  add column flight_booking_id uuid references public.flight_bookings (id);
create index payments_flight_booking_id_idx on public.payments (flight_booking_id)
  where flight_booking_id is not null;

alter table public.flight_bookings
  add constraint flight_bookings_paid_by_payment_id_fkey
  foreign key (paid_by_payment_id) references public.payments (id);

alter table public.flight_bookings enable row level security;
revoke all on table public.flight_bookings from anon, authenticated;
grant select on table public.flight_bookings to authenticated;

create policy "Travellers read their own flight bookings"
  on public.flight_bookings for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Admins read all flight bookings"
  on public.flight_bookings for select
  to authenticated
  using ((select public.has_app_role('admin')));

create function public.flight_bookings_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.amount_minor <> old.amount_minor or new.currency <> old.currency
    or new.reference <> old.reference or new.provider_offer_ref <> old.provider_offer_ref then
    raise exception 'a flight booking''s price, reference and offer never change'
      using errcode = 'PT409';
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger flight_bookings_before_update
  before update on public.flight_bookings
  for each row execute function public.flight_bookings_before_update();

-- A new booking at the confirmed price; the reference is the caller's random draw (a clash,
-- one in billions, is a unique violation the API retries with a new draw).
create function public.create_flight_booking(
  p_user_id uuid,
  p_reference text,
  p_provider text,
  p_offer_ref text,
  p_amount_minor bigint,
  p_currency text,
  p_itinerary jsonb,
  p_adults int,
  p_children int,
  p_infants int,
  p_travelers_sealed text,
  p_contact_email_sealed text,
  p_contact_phone_sealed text
) returns public.flight_bookings
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.flight_bookings (
    user_id, reference, provider, provider_offer_ref, amount_minor, currency, itinerary,
    origin, destination, departs_at, refundable, adults, children, infants,
    travelers_sealed, contact_email_sealed, contact_phone_sealed
  )
  values (
    p_user_id, p_reference, p_provider, p_offer_ref, p_amount_minor, upper(p_currency), p_itinerary,
    p_itinerary ->> 'origin', p_itinerary ->> 'destination',
    (p_itinerary ->> 'departureTime')::timestamptz,
    (p_itinerary -> 'conditions' ->> 'refundable')::boolean,
    p_adults, p_children, p_infants,
    p_travelers_sealed, p_contact_email_sealed, p_contact_phone_sealed
  )
  returning *
$$;

-- The ledger's payment for the caller's unpaid flight booking, at the booking's price.
create function public.ledger_open_flight_payment(
  p_user_id uuid,
  p_flight_booking_id uuid,
  p_provider text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.flight_bookings;
  v_payment public.payments;
begin
  select * into v_booking from public.flight_bookings as f
    where f.id = p_flight_booking_id and f.user_id = p_user_id
    for update;
  if not found then
    raise exception 'no such flight booking' using errcode = 'PT404';
  end if;
  if v_booking.status <> 'pending_payment' or v_booking.paid_by_payment_id is not null then
    raise exception 'this flight booking is not awaiting payment' using errcode = 'PT409';
  end if;
  insert into public.payments (user_id, provider, amount_minor, currency, flight_booking_id)
    values (p_user_id, p_provider, v_booking.amount_minor, v_booking.currency, v_booking.id)
    returning * into v_payment;
  return v_payment;
end;
$$;

-- After the ledger recorded a capture: the booking takes the payment once. Answers the booking
-- and whether this call took it (false: already paid by it, or it can take no payment — then
-- the whole payment is owed back, which the caller refunds through the ledger).
create function public.flight_booking_take_payment(p_payment_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_booking public.flight_bookings;
  v_taken boolean := false;
begin
  select * into v_payment from public.payments as p where p.id = p_payment_id;
  if not found or v_payment.flight_booking_id is null then
    raise exception 'no flight payment' using errcode = 'PT404';
  end if;
  select * into v_booking from public.flight_bookings as f
    where f.id = v_payment.flight_booking_id for update;
  if v_payment.status = 'captured' and v_booking.status = 'pending_payment'
    and v_booking.paid_by_payment_id is null then
    update public.flight_bookings as f
      set paid_by_payment_id = v_payment.id, payment_status = 'paid'
      where f.id = v_booking.id
      returning * into v_booking;
    v_taken := true;
  end if;
  return jsonb_build_object(
    'booking', to_jsonb(v_booking),
    'taken', v_taken,
    'refund_due', v_payment.status in ('captured', 'partially_refunded')
      and v_booking.paid_by_payment_id is distinct from v_payment.id
  );
end;
$$;

-- A paid booking is ticketed (or, without a provider order, confirmed by us); its email queued.
create function public.confirm_flight_booking(
  p_id uuid,
  p_provider_order_id text,
  p_provider_booking_reference text
) returns public.flight_bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.flight_bookings;
begin
  update public.flight_bookings as f
    set status = 'confirmed', confirmed_at = now(),
      provider_order_id = p_provider_order_id,
      provider_booking_reference = p_provider_booking_reference
    where f.id = p_id and f.status = 'pending_payment' and f.payment_status = 'paid'
    returning * into v_booking;
  if not found then
    select * into v_booking from public.flight_bookings as f where f.id = p_id;
    return v_booking;
  end if;
  if v_booking.user_id is not null then
    perform public.enqueue_notification(
      'email', 'flight_booking_confirmed', 'flight_booking_confirmed:' || v_booking.id,
      null, v_booking.paid_by_payment_id, null, v_booking.user_id,
      jsonb_build_object('flight_booking_id', v_booking.id)
    );
  end if;
  return v_booking;
end;
$$;

-- One caller at a time buys the paid booking's order at the provider; a claim lapses after two
-- minutes (its holder died), so the settle sweep can take it over.
create function public.claim_flight_order(p_id uuid) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with claimed as (
    update public.flight_bookings as f set ordering_claimed_at = now()
      where f.id = p_id and f.status = 'pending_payment' and f.payment_status = 'paid'
        and (f.ordering_claimed_at is null or f.ordering_claimed_at < now() - interval '2 minutes')
      returning 1
  )
  select exists (select 1 from claimed)
$$;

-- The provider refused the order after the capture: the booking failed, its payment is owed back.
create function public.fail_flight_booking(p_id uuid, p_reason text)
returns public.flight_bookings
language sql
volatile
security definer
set search_path = ''
as $$
  update public.flight_bookings as f
    set status = 'failed', failure_reason = left(p_reason, 200),
      payment_status = case when f.paid_by_payment_id is null then f.payment_status else 'refund_due' end
    where f.id = p_id and f.status = 'pending_payment'
    returning *
$$;

-- The owner cancels: an unpaid booking at any time; a paid one when its fare is refundable and
-- it has not departed (refund_due: the API refunds through the ledger). PT404 for anyone else's.
-- A booking ticketed at the provider (a Duffel order) is not cancelled here: refunding it without
-- cancelling the order would leave the traveller the ticket and the money, and the provider
-- decides what a cancellation gives back — that goes through support (PT409).
create function public.cancel_flight_booking(p_user_id uuid, p_id uuid)
returns public.flight_bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.flight_bookings;
begin
  select * into v_booking from public.flight_bookings as f
    where f.id = p_id and f.user_id = p_user_id for update;
  if not found then
    raise exception 'no such flight booking' using errcode = 'PT404';
  end if;
  if v_booking.status = 'cancelled' then
    return v_booking;
  end if;
  if v_booking.status = 'failed' or v_booking.departs_at <= now()
    or (v_booking.paid_by_payment_id is not null and v_booking.refundable is not true) then
    raise exception 'this booking cannot be cancelled' using errcode = 'PT409';
  end if;
  if v_booking.provider_order_id is not null then
    raise exception 'this booking is ticketed with the airline: ask support to cancel it'
      using errcode = 'PT409';
  end if;
  update public.flight_bookings as f
    set status = 'cancelled', cancelled_at = now(),
      payment_status = case when f.paid_by_payment_id is null then f.payment_status else 'refund_due' end
    where f.id = p_id
    returning * into v_booking;
  if v_booking.user_id is not null and v_booking.paid_by_payment_id is not null then
    perform public.enqueue_notification(
      'email', 'flight_booking_cancelled', 'flight_booking_cancelled:' || v_booking.id,
      null, v_booking.paid_by_payment_id, null, v_booking.user_id,
      jsonb_build_object('flight_booking_id', v_booking.id)
    );
  end if;
  return v_booking;
end;
$$;

-- The refund owed by a failed or cancelled booking has been paid back in full.
create function public.flight_booking_refunded(p_id uuid) returns public.flight_bookings
language sql
volatile
security definer
set search_path = ''
as $$
  update public.flight_bookings as f set payment_status = 'refunded'
    where f.id = p_id and f.payment_status = 'refund_due'
    returning *
$$;

select public.restrict_execute('{}',
  'public.flight_bookings_before_update()');
select public.restrict_execute('{service_role}',
  'public.create_flight_booking(uuid, text, text, text, bigint, text, jsonb, int, int, int, text, text, text)',
  'public.ledger_open_flight_payment(uuid, uuid, text)',
  'public.flight_booking_take_payment(uuid)',
  'public.confirm_flight_booking(uuid, text, text)',
  'public.claim_flight_order(uuid)',
  'public.fail_flight_booking(uuid, text)',
  'public.cancel_flight_booking(uuid, uuid)',
  'public.flight_booking_refunded(uuid)');

-- The practice's receipt and refund emails are about a session (the outbox composes them from
-- the booking's session type): a flight payment gets the flight booking's own confirmation and
-- cancellation emails instead, and a shop order's (order_id) its shop's. Only a session's
-- payment, which has a session type, gets them.
create or replace function public.payments_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'captured' and old.status is distinct from 'captured'
    and old.status not in ('partially_refunded', 'refunded')
    and new.session_type_id is not null
    and (new.user_id is not null or new.booking_id is not null) then
    perform public.enqueue_notification(
      'email', 'payment_receipt', 'payment_receipt:' || new.id || ':email',
      new.booking_id, new.id, null, new.user_id
    );
  end if;
  return null;
end;
$$;

create or replace function public.refunds_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
  v_booking uuid;
begin
  if new.status = 'succeeded' and (tg_op = 'INSERT' or old.status <> 'succeeded') then
    select p.user_id, p.booking_id into v_user, v_booking
      from public.payments as p where p.id = new.payment_id and p.session_type_id is not null;
    if v_user is not null or v_booking is not null then
      perform public.enqueue_notification(
        'email', 'refund_issued', 'refund_issued:' || new.id || ':email',
        v_booking, new.payment_id, new.id, v_user
      );
    end if;
  end if;
  return null;
end;
$$;
-- create or replace keeps who may execute them (the notifications migration's grants).
