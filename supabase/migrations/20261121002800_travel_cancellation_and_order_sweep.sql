-- Flight bookings, second part (issue 23, lib/travel/):
--
-- - A ticketed Duffel booking is cancelled at Duffel by its owner where the fare allows it:
--   Duffel quotes the cancellation (what it refunds, in which currency, to where), the quote is
--   recorded on the booking before it is confirmed (so a retry after a lost answer finds it and
--   asks Duffel about that quote instead of starting a second one), and once Duffel confirmed
--   it the booking is cancelled with what Duffel refunds (never more than was paid) owed back
--   through the ledger. One caller at a time works on a cancellation (a claim that lapses).
-- - The order sweep (POST /api/cron/flight-orders) finds paid Duffel bookings whose order
--   attempt got no answer, after a grace period.
-- - An admin reading someone else's flight booking through the API (its travellers opened) is
--   recorded in public.personal_data_reads; the owner reading their own is not (as for the
--   practice's bookings). Through the Data API an admin gets the sealed columns only.

alter table public.flight_bookings
  -- Duffel's order cancellation (ore_…) quoted for this booking, and what it refunds in minor
  -- units of the booking's currency (at most amount_minor).
  add column provider_cancellation_id text constraint flight_bookings_cancellation_id_length
    check (char_length(provider_cancellation_id) between 1 and 200),
  add column refund_minor bigint constraint flight_bookings_refund_minor_range
    check (refund_minor >= 0 and refund_minor <= amount_minor),
  -- Set while one caller works on the cancellation at the provider; lapses after 2 minutes.
  add column cancellation_claimed_at timestamptz;

create index flight_bookings_unordered_idx on public.flight_bookings (updated_at)
  where status = 'pending_payment' and payment_status = 'paid';

-- The owner starts cancelling a ticketed (provider-ordered) booking: checks what
-- cancel_flight_booking checks and claims the cancellation. Answers {booking, claimed}:
-- claimed false with the booking cancelled already (a repeat), PT409 when the fare does not
-- allow it or another cancellation of it is under way, PT404 for anyone else's.
create function public.claim_flight_cancellation(p_user_id uuid, p_id uuid)
returns jsonb
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
    return jsonb_build_object('booking', to_jsonb(v_booking), 'claimed', false);
  end if;
  if v_booking.status <> 'confirmed' or v_booking.provider_order_id is null
    or v_booking.departs_at <= now() or v_booking.refundable is not true then
    raise exception 'this booking cannot be cancelled' using errcode = 'PT409';
  end if;
  if v_booking.cancellation_claimed_at is not null
    and v_booking.cancellation_claimed_at > now() - interval '2 minutes' then
    raise exception 'a cancellation of this booking is under way' using errcode = 'PT409';
  end if;
  update public.flight_bookings as f set cancellation_claimed_at = now()
    where f.id = p_id
    returning * into v_booking;
  return jsonb_build_object('booking', to_jsonb(v_booking), 'claimed', true);
end;
$$;

-- The quote about to be confirmed (or null to forget a refused or expired one).
create function public.record_flight_cancellation_quote(p_id uuid, p_cancellation_id text)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.flight_bookings as f set provider_cancellation_id = p_cancellation_id
    where f.id = p_id and f.status = 'confirmed'
$$;

-- The claim ends without a cancellation (the quote was refused, the provider failed).
create function public.release_flight_cancellation(p_id uuid)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.flight_bookings as f set cancellation_claimed_at = null
    where f.id = p_id and f.status = 'confirmed'
$$;

-- The provider confirmed the cancellation: the booking is cancelled, what it refunds (capped at
-- what was paid) is owed back, and the cancellation email is queued. Idempotent.
create function public.flight_booking_cancelled_at_provider(p_id uuid, p_refund_minor bigint)
returns public.flight_bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.flight_bookings;
begin
  update public.flight_bookings as f
    set status = 'cancelled', cancelled_at = now(), cancellation_claimed_at = null,
      refund_minor = least(greatest(p_refund_minor, 0), f.amount_minor),
      payment_status = case
        when f.paid_by_payment_id is null then f.payment_status
        when least(greatest(p_refund_minor, 0), f.amount_minor) = 0 then f.payment_status
        else 'refund_due' end
    where f.id = p_id and f.status = 'confirmed'
    returning * into v_booking;
  if not found then
    select * into v_booking from public.flight_bookings as f where f.id = p_id;
    return v_booking;
  end if;
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

-- Paid Duffel bookings still waiting for their order after the grace period: the attempt got no
-- answer (its claim is older than the grace) or never started. Oldest first.
create function public.flight_bookings_awaiting_order(p_grace interval, p_limit int)
returns setof public.flight_bookings
language sql
stable
security definer
set search_path = ''
as $$
  select * from public.flight_bookings as f
    where f.status = 'pending_payment' and f.payment_status = 'paid' and f.provider = 'duffel'
      and f.updated_at < now() - p_grace
      and (f.ordering_claimed_at is null or f.ordering_claimed_at < now() - p_grace)
    order by f.updated_at, f.id
    limit p_limit
$$;

-- One flight booking for its owner or an admin (RLS's rule, enforced here), with an admin's
-- read of someone else's booking recorded in the same transaction. PT404 otherwise.
create function public.read_flight_booking(p_id uuid)
returns public.flight_bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.flight_bookings;
  v_caller uuid := (select auth.uid());
begin
  select * into v_booking from public.flight_bookings as f where f.id = p_id;
  if not found or v_caller is null
    or (v_booking.user_id is distinct from v_caller and not public.has_app_role('admin')) then
    raise exception 'no such flight booking' using errcode = 'PT404';
  end if;
  if v_booking.user_id is distinct from v_caller then
    insert into public.personal_data_reads (actor, subject_table, subject_id, fields)
      values (v_caller, 'flight_bookings', v_booking.id, array['travelers']);
  end if;
  return v_booking;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.claim_flight_cancellation(uuid, uuid)',
  'public.record_flight_cancellation_quote(uuid, text)',
  'public.release_flight_cancellation(uuid)',
  'public.flight_booking_cancelled_at_provider(uuid, bigint)',
  'public.flight_bookings_awaiting_order(interval, int)');
select public.restrict_execute('{authenticated}',
  'public.read_flight_booking(uuid)');

-- Whether the order sweep has anything to do now: a paid Duffel booking waiting for its order
-- past the grace period (lib/travel/order-sweep.ts FLIGHT_ORDER_GRACE_MINUTES).
create function public.flight_orders_due() returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1 from public.flight_bookings as f
      where f.status = 'pending_payment' and f.payment_status = 'paid' and f.provider = 'duffel'
        and f.updated_at < now() - interval '15 minutes'
  )
$$;

-- The order sweep every 15 minutes where pg_cron is on (as bastion-settle-payments is), calling
-- the endpoint only when a booking is due; Vercel Cron runs it daily as the safety net.
create function public.schedule_flight_order_sweep() returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is null then
    raise exception 'pg_cron is not enabled in this database'
      using errcode = 'feature_not_supported';
  end if;
  perform cron.schedule(
    'bastion-flight-orders',
    '*/15 * * * *',
    $job$select public.call_bastion('/api/cron/flight-orders') where public.flight_orders_due()$job$
  );
end;
$$;

do $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is not null then
    perform public.schedule_flight_order_sweep();
  end if;
end
$$;

select public.restrict_execute('{}',
  'public.flight_orders_due()',
  'public.schedule_flight_order_sweep()');
