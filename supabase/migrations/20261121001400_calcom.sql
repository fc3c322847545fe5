-- Issue 17, items 4 and 5: Cal.com as a scheduling source, and more than one practitioner.
--
-- Item 5: with booking_rules.practitioner_assignment = 'first_free', "no practitioner named"
-- means the practice's pool instead of its first practitioner.
-- - The pool: every active practitioner in the practice's time zone, the time zone of the first
--   active practitioner by display name, then id (the order availability always used). The
--   customer picks a local date and time label; practitioners in another time zone would read
--   that label as another instant, so they are only reachable by naming them.
-- - availability_inputs answers `pool` (each member's working hours, exceptions and busy
--   ranges), still in one call; the API lists a slot as available when any member has it free
--   (the union, lib/scheduling/availability.ts).
-- - create_booking_at tries the members in that same order and books the first one
--   create_booking accepts for the slot (every rule kept, each attempt in its own
--   subtransaction, so a taken slot of one member is simply the next member's turn). One call,
--   one transaction: two customers racing for the last free member cannot both get them
--   (bookings_no_overlap); the loser gets the next free member, or BKSLT/23P01 when none is.
-- - The default stays 'first_active' (today's behaviour, which every client and test relies on
--   where many practitioners share one database); a practice with several practitioners turns
--   it on.
--
-- Item 4: Cal.com.
-- - webhook_events takes 'calcom' as a provider: Cal.com's signed webhooks go through the same
--   inbox (stored once, processed once, retried by the sweep).
-- - calcom_bookings links a booking of ours to its Cal.com booking (uid, id) when the session
--   type is scheduled on Cal.com. It is also the sync queue: `dirty` says the booking changed
--   (confirmed, cancelled, moved) since Cal.com last heard of it; lib/scheduling/calcom/sync.ts
--   claims dirty rows and makes Cal.com match ours (create, cancel, reschedule), with backoff.
--   The trigger below marks a row dirty in the transaction that changes the booking, so every
--   path that confirms (payments, staff), cancels or moves a booking is synced without knowing
--   about Cal.com; a Cal.com outage only delays the sync, never the booking.
-- - calcom_apply_cancelled / calcom_apply_rescheduled apply what Cal.com's webhooks report to
--   ours, and record it on the link first, so the sync has nothing to send back.
-- Only the server reads or writes any of it.

-- ---------------------------------------------------------------------------------------------
-- Item 5: the practice's pool.

-- How a booking that names no practitioner is assigned: 'first_active' (as before: the first
-- active practitioner by display name, then id) or 'first_free' (the first member of the pool
-- free at that time). Public like the other rules: it only says how the practice books.
alter table public.booking_rules
  add column practitioner_assignment text not null default 'first_active'
    constraint booking_rules_practitioner_assignment
      check (practitioner_assignment in ('first_active', 'first_free'));

-- One practitioner's schedule facts around a window, as availability_inputs answers them.
create function public.practitioner_availability_facts(p_id uuid, p_window tstzrange)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_id,
    'workingHours', coalesce((
      select jsonb_agg(jsonb_build_object(
          'weekday', w.weekday,
          'start', to_char(w.start_time, 'HH24:MI'),
          'end', case when w.end_time = '24:00'::time then '24:00'
            else to_char(w.end_time, 'HH24:MI') end
        ) order by w.weekday, w.start_time)
      from public.working_hours as w
      where w.practitioner_id = p_id
    ), '[]'::jsonb),
    'exceptions', coalesce((
      select jsonb_agg(jsonb_build_array(
          (extract(epoch from lower(e.during)) * 1000)::bigint,
          (extract(epoch from upper(e.during)) * 1000)::bigint
        ) order by lower(e.during))
      from public.schedule_exceptions as e
      where e.practitioner_id = p_id and e.during && p_window
    ), '[]'::jsonb),
    'busy', coalesce((
      select jsonb_agg(jsonb_build_array(
          (extract(epoch from lower(b.blocked)) * 1000)::bigint,
          (extract(epoch from upper(b.blocked)) * 1000)::bigint
        ) order by lower(b.blocked))
      from public.bookings as b
      where b.practitioner_id = p_id
        and b.status in ('held', 'confirmed')
        and (b.status = 'confirmed' or b.expires_at > now())
        and b.blocked && p_window
    ), '[]'::jsonb)
  )
$$;

select public.restrict_execute('{}', 'public.practitioner_availability_facts(uuid, tstzrange)');

-- As before for a named practitioner (or when the practice assigns the first active one); with
-- none named and practitioner_assignment = 'first_free', also `pool`: every active practitioner
-- in the first one's time zone, in booking order, with their facts. Same grants, same safety:
-- the same public facts, for at most 31 dates.
create or replace function public.availability_inputs(
  p_session_type text,
  p_practitioner_id uuid,
  p_from date,
  p_days integer
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_rules public.booking_rules := public.current_booking_rules();
  v_type jsonb;
  v_practitioner public.practitioners;
  v_window tstzrange;
  v_facts jsonb;
begin
  if p_session_type is null or p_from is null or p_days is null or p_days not between 1 and 31 then
    raise exception 'a session type and a run of 1 to 31 dates are required'
      using errcode = '22023';
  end if;
  select jsonb_build_object(
      'durationMinutes', t.duration_minutes, 'bufferMinutes', t.buffer_minutes
    ) into v_type
    from public.session_types as t
    where t.slug = p_session_type and t.active;
  select * into v_practitioner
    from public.practitioners as p
    where p.active and (p_practitioner_id is null or p.id = p_practitioner_id)
    order by p.display_name, p.id
    limit 1;
  -- Every time zone is within ±14 hours of UTC: [first date − 1 day, last date + 2 days) in UTC
  -- covers each local date of the run.
  v_window := tstzrange(
    (p_from - 1)::timestamp at time zone 'UTC',
    (p_from + p_days + 1)::timestamp at time zone 'UTC',
    '[)'
  );
  v_facts := case when v_practitioner.id is null then null
    else public.practitioner_availability_facts(v_practitioner.id, v_window) end;
  return jsonb_build_object(
    'sessionType', v_type,
    'practitioner', case when v_practitioner.id is null then null else jsonb_build_object(
      'id', v_practitioner.id, 'timeZone', v_practitioner.time_zone
    ) end,
    'rules', jsonb_build_object(
      'minimumNoticeMinutes', v_rules.minimum_notice_minutes,
      'horizonDays', v_rules.horizon_days,
      'slotStepMinutes', v_rules.slot_step_minutes
    ),
    'workingHours', coalesce(v_facts -> 'workingHours', '[]'::jsonb),
    'exceptions', coalesce(v_facts -> 'exceptions', '[]'::jsonb),
    'busy', coalesce(v_facts -> 'busy', '[]'::jsonb),
    'pool', case
      when p_practitioner_id is not null or v_practitioner.id is null
        or v_rules.practitioner_assignment <> 'first_free' then null
      else (
        select jsonb_agg(public.practitioner_availability_facts(p.id, v_window)
            order by p.display_name, p.id)
        from public.practitioners as p
        where p.active and p.time_zone = v_practitioner.time_zone
      ) end
  );
end;
$$;

select public.restrict_execute('{anon,authenticated,service_role}',
  'public.availability_inputs(text, uuid, date, integer)');

-- As before for a named practitioner (or when the practice assigns the first active one); with
-- none named and practitioner_assignment = 'first_free', the members of the pool (above) in
-- booking order, and the first one create_booking accepts for the slot. book_session_at (the
-- guest payments migration) books through this function, so a paid booking is assigned alike.
create or replace function public.create_booking_at(
  p_user_id uuid,
  p_manage_token_hash text,
  p_session_type_slug text,
  p_format text,
  p_practitioner_id uuid,
  p_date date,
  p_minutes integer,
  p_currency text,
  p_customer_name_sealed text,
  p_customer_email_sealed text,
  p_customer_email_hash text,
  p_customer_phone_sealed text,
  p_notes_sealed text,
  p_consent_accepted boolean,
  p_consent_id uuid
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_pool boolean := p_practitioner_id is null
    and (public.current_booking_rules()).practitioner_assignment = 'first_free';
  v_first public.practitioners;
  v_practitioner public.practitioners;
  v_wall timestamp;
  v_start timestamptz;
  v_state text;
  v_message text;
begin
  if p_date is null or p_minutes is null or p_minutes not between 0 and 1439 then
    raise exception 'a local date and a time of day are required' using errcode = '22023';
  end if;
  select * into v_first from public.practitioners as p
    where p.active and (p_practitioner_id is null or p.id = p_practitioner_id)
    order by p.display_name, p.id
    limit 1;
  if not found then
    raise exception 'no active practitioner %', coalesce(p_practitioner_id::text, '')
      using errcode = 'BKPRA';
  end if;
  v_wall := p_date + make_interval(mins => p_minutes);
  for v_practitioner in
    select * from public.practitioners as p
    where p.id = v_first.id or (v_pool and p.active and p.time_zone = v_first.time_zone)
    order by p.display_name, p.id
  loop
    -- The candidates are the wall time minus each offset in force a day before, at and a day
    -- after it (offsets are within ±14 hours), kept when the clock really reads v_wall then.
    for v_start in
      select c.instant
      from (
        select distinct (v_wall - ((x at time zone v_practitioner.time_zone) - (x at time zone 'UTC')))
            at time zone 'UTC' as instant
        from unnest(array[
          (v_wall - interval '1 day') at time zone 'UTC',
          v_wall at time zone 'UTC',
          (v_wall + interval '1 day') at time zone 'UTC'
        ]) as x
      ) as c
      where c.instant at time zone v_practitioner.time_zone = v_wall
      order by c.instant
    loop
      begin
        return public.create_booking(
          p_user_id, p_manage_token_hash, p_session_type_slug, p_format, v_practitioner.id,
          v_start, p_currency, p_customer_name_sealed, p_customer_email_sealed,
          p_customer_email_hash, p_customer_phone_sealed, p_notes_sealed, p_consent_accepted,
          p_consent_id
        );
      exception when sqlstate 'BKSLT' or sqlstate '23P01' then
        -- Taken or not bookable: the second instant of a repeated hour, or the next member of
        -- the pool, may still be free.
        get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
      end;
    end loop;
  end loop;
  if v_state is null then
    raise exception 'the clock does not read % on % in %', v_wall::time, p_date,
      v_first.time_zone using errcode = 'BKSLT';
  end if;
  raise exception '%', v_message using errcode = v_state;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.create_booking_at(uuid, text, text, text, uuid, date, integer, text, text, text, text, text, text, boolean, uuid)');

-- ---------------------------------------------------------------------------------------------
-- Item 4: Cal.com.

alter table public.webhook_events drop constraint webhook_events_provider;
alter table public.webhook_events add constraint webhook_events_provider
  check (provider in ('razorpay', 'stripe', 'sandbox', 'calcom'));

create table public.calcom_bookings (
  booking_id uuid primary key references public.bookings (id) on delete cascade,
  event_type_id bigint not null constraint calcom_bookings_event_type_positive
    check (event_type_id > 0),
  -- Cal.com's booking, once made: its uid (which a reschedule there replaces) and numeric id.
  calcom_uid text constraint calcom_bookings_uid_length check (char_length(calcom_uid) between 1 and 200),
  calcom_id bigint,
  -- What Cal.com holds now: its start, and whether it was cancelled (there or by us).
  calcom_start timestamptz,
  calcom_cancelled boolean not null default false,
  -- The sync queue: Cal.com has to hear of a change; the next attempt; a claim; the last error
  -- (ours, never Cal.com's text or anything personal).
  dirty boolean not null default true,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text constraint calcom_bookings_last_error_length check (char_length(last_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index calcom_bookings_uid_idx on public.calcom_bookings (calcom_uid)
  where calcom_uid is not null;
create index calcom_bookings_dirty_idx on public.calcom_bookings (next_attempt_at) where dirty;

alter table public.calcom_bookings enable row level security;
revoke all on table public.calcom_bookings from anon, authenticated;

-- A confirmed, cancelled or moved booking has news for Cal.com.
create function public.bookings_calcom_dirty() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status or new.during is distinct from old.during then
    update public.calcom_bookings
       set dirty = true, attempts = 0, next_attempt_at = now(), last_error = null,
           claimed_until = null, updated_at = now()
     where booking_id = new.id;
  end if;
  return null;
end;
$$;

create trigger bookings_calcom_dirty
  after update of status, during on public.bookings
  for each row execute function public.bookings_calcom_dirty();

select public.restrict_execute('{}', 'public.bookings_calcom_dirty()');

-- Up to p_limit dirty links that are due, claimed for two minutes, with what the sync needs.
create function public.calcom_sync_claim(p_limit int) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  with claimed as (
    update public.calcom_bookings as c
       set claimed_until = now() + interval '2 minutes', attempts = c.attempts + 1,
           updated_at = now()
     where c.booking_id in (
       select d.booking_id from public.calcom_bookings as d
        where d.dirty and d.next_attempt_at <= now() and d.attempts < 8
          and (d.claimed_until is null or d.claimed_until < now())
        order by d.next_attempt_at
        limit least(greatest(p_limit, 1), 50)
        for update skip locked
     )
    returning c.*
  )
  select coalesce(jsonb_agg(jsonb_build_object(
      'bookingId', c.booking_id,
      'eventTypeId', c.event_type_id,
      'calcomUid', c.calcom_uid,
      'calcomStart', c.calcom_start,
      'calcomCancelled', c.calcom_cancelled,
      'attempts', c.attempts,
      'claimedUntil', c.claimed_until,
      'status', b.status,
      'start', lower(b.during),
      'timeZone', p.time_zone,
      'customerNameSealed', b.customer_name_sealed,
      'customerEmailSealed', b.customer_email_sealed,
      'cancellationReason', b.cancellation_reason
    )), '[]'::jsonb) into v_rows
  from claimed as c
  join public.bookings as b on b.id = c.booking_id
  join public.practitioners as p on p.id = b.practitioner_id;
  return v_rows;
end;
$$;

select public.restrict_execute('{service_role}', 'public.calcom_sync_claim(integer)');

-- The sync's outcome for a claimed row: what Cal.com holds now (kept whatever happened to the
-- booking meanwhile, so a Cal.com booking is never lost and never made twice), and clean again
-- only if the booking did not change since the claim (the trigger clears the claim).
create function public.calcom_sync_done(
  p_booking_id uuid,
  p_claimed_until timestamptz,
  p_uid text,
  p_id bigint,
  p_start timestamptz,
  p_cancelled boolean
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.calcom_bookings
     set calcom_uid = coalesce(p_uid, calcom_uid),
         calcom_id = coalesce(p_id, calcom_id),
         calcom_start = coalesce(p_start, calcom_start),
         calcom_cancelled = calcom_cancelled or coalesce(p_cancelled, false),
         dirty = dirty and claimed_until is distinct from p_claimed_until,
         attempts = case when claimed_until is not distinct from p_claimed_until then 0
           else attempts end,
         claimed_until = null,
         last_error = null,
         updated_at = now()
   where booking_id = p_booking_id
$$;

-- A failed attempt: tried again after 2^attempts minutes (at most six hours), eight attempts in
-- all; p_final (Cal.com refused the request itself) stops at once. The booking is untouched.
create function public.calcom_sync_failed(
  p_booking_id uuid,
  p_claimed_until timestamptz,
  p_error text,
  p_final boolean
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.calcom_bookings
     set attempts = case when p_final then 8 else attempts end,
         next_attempt_at = now() + least(
           power(2, least(attempts, 20)) * interval '1 minute', interval '6 hours'
         ),
         claimed_until = null,
         last_error = left(p_error, 500),
         updated_at = now()
   where booking_id = p_booking_id and claimed_until is not distinct from p_claimed_until
$$;

select public.restrict_execute('{service_role}',
  'public.calcom_sync_done(uuid, timestamptz, text, bigint, timestamptz, boolean)',
  'public.calcom_sync_failed(uuid, timestamptz, text, boolean)');

-- Cal.com cancelled the booking (its webhook, verified by the API). Cal.com's emails let the
-- attendee cancel there, and its webhook does not say who did, so ours follows the customer's
-- rules (cancel_booking): a confirmed session that has started, or is within the change window,
-- is left as it is for staff to decide (the inbox records why); otherwise ours is cancelled and a
-- confirmed booking's price is due back. Answers what happened, for the webhook inbox.
create function public.calcom_apply_cancelled(p_uid text, p_reason text) returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_link public.calcom_bookings;
  v_booking public.bookings;
begin
  select * into v_link from public.calcom_bookings where calcom_uid = p_uid for update;
  if not found then
    return 'ignored: not our booking';
  end if;
  update public.calcom_bookings
     set calcom_cancelled = true, updated_at = now()
   where booking_id = v_link.booking_id;
  select * into v_booking from public.bookings where id = v_link.booking_id for update;
  if v_booking.status not in ('held', 'confirmed') then
    return 'ignored: booking already ' || v_booking.status;
  end if;
  if v_booking.status = 'confirmed' and lower(v_booking.during) - now() < make_interval(
      mins => (public.current_booking_rules()).change_window_minutes) then
    return 'ignored: within the change window or started; staff decide';
  end if;
  update public.bookings
     set status = 'cancelled',
         cancellation_reason = left(coalesce(p_reason, 'Cancelled on Cal.com'), 500),
         refund_due_minor = case when v_booking.status = 'confirmed' then v_booking.amount_minor end
   where id = v_booking.id;
  -- The trigger marked the link dirty; Cal.com already knows.
  update public.calcom_bookings set dirty = false where booking_id = v_link.booking_id;
  return 'cancelled';
end;
$$;

select public.restrict_execute('{service_role}', 'public.calcom_apply_cancelled(text, text)');

-- Cal.com moved the booking (a reschedule there makes a new uid): ours moves to the new start,
-- keeping its length and buffer, and the link follows the new uid. As with a cancellation, the
-- customer's rule holds: a booking within the change window (or started), or a move to a start
-- within it, is left where it is for staff. The overlap constraint still
-- holds: a move onto another live booking of ours fails (23P01) and stays in the inbox.
create function public.calcom_apply_rescheduled(
  p_old_uid text,
  p_new_uid text,
  p_new_id bigint,
  p_start timestamptz
) returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_link public.calcom_bookings;
  v_booking public.bookings;
  v_length interval;
  v_buffer interval;
begin
  select * into v_link from public.calcom_bookings
    where calcom_uid = p_old_uid or calcom_uid = p_new_uid
    for update;
  if not found then
    return 'ignored: not our booking';
  end if;
  select * into v_booking from public.bookings where id = v_link.booking_id for update;
  update public.calcom_bookings
     set calcom_uid = p_new_uid, calcom_id = coalesce(p_new_id, calcom_id),
         calcom_start = p_start, updated_at = now()
   where booking_id = v_link.booking_id;
  if v_booking.status not in ('held', 'confirmed') then
    return 'ignored: booking already ' || v_booking.status;
  end if;
  if lower(v_booking.during) = p_start then
    return 'ignored: already at that time';
  end if;
  if least(lower(v_booking.during), p_start) - now() < make_interval(
      mins => (public.current_booking_rules()).change_window_minutes) then
    return 'ignored: within the change window; staff decide';
  end if;
  v_length := upper(v_booking.during) - lower(v_booking.during);
  v_buffer := upper(v_booking.blocked) - upper(v_booking.during);
  update public.bookings
     set during = tstzrange(p_start, p_start + v_length, '[)'),
         blocked = tstzrange(p_start, p_start + v_length + v_buffer, '[)')
   where id = v_booking.id;
  update public.calcom_bookings set dirty = false where booking_id = v_link.booking_id;
  return 'rescheduled';
end;
$$;

select public.restrict_execute('{service_role}',
  'public.calcom_apply_rescheduled(text, text, bigint, timestamptz)');

-- The every-minute pg_cron job (bastion-deliver-notifications) calls the delivery when a
-- notification is due; a Cal.com sync whose backoff ended is due work for it too, since the
-- delivery runs the sync (lib/notify/outbox/deliver.ts).
create or replace function public.notifications_due() returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1
      from public.notifications as n
     where n.next_attempt_at <= now()
       and (n.status = 'queued' or (n.status = 'sending' and n.claimed_until < now()))
  ) or exists (
    select 1
      from public.calcom_bookings as c
     where c.dirty and c.next_attempt_at <= now() and c.attempts < 8
       and (c.claimed_until is null or c.claimed_until < now())
  )
$$;

select public.restrict_execute('{}', 'public.notifications_due()');
