-- The Cal.com sync's claim is no longer given up when the booking changes while a sync is in
-- flight (20261121001400_calcom.sql cleared it, so a second worker could claim the row and act on
-- a link whose Cal.com booking the first was still creating). Instead each change counts:
-- `changes` goes up in the trigger, the claim hands its value to the sync, and the sync's outcome
-- leaves the link clean only if no change came in meanwhile; otherwise it is due again at once,
-- for the worker that holds no claim to act on what Cal.com holds by then.

alter table public.calcom_bookings add column changes bigint not null default 0;

create or replace function public.bookings_calcom_dirty() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status or new.during is distinct from old.during then
    update public.calcom_bookings
       set dirty = true, changes = changes + 1, attempts = 0, next_attempt_at = now(),
           last_error = null, updated_at = now()
     where booking_id = new.id;
  end if;
  return null;
end;
$$;

select public.restrict_execute('{}', 'public.bookings_calcom_dirty()');

create or replace function public.calcom_sync_claim(p_limit int) returns jsonb
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
      'changes', c.changes,
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

drop function public.calcom_sync_done(uuid, timestamptz, text, bigint, timestamptz, boolean);

-- What Cal.com holds now is always kept (a Cal.com booking is never lost, nor made twice); the
-- link is clean only if the booking did not change since the claim.
create function public.calcom_sync_done(
  p_booking_id uuid,
  p_claimed_until timestamptz,
  p_changes bigint,
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
         dirty = changes is distinct from p_changes,
         attempts = 0,
         next_attempt_at = now(),
         claimed_until = null,
         last_error = null,
         updated_at = now()
   where booking_id = p_booking_id and claimed_until is not distinct from p_claimed_until
$$;

select public.restrict_execute('{service_role}',
  'public.calcom_sync_done(uuid, timestamptz, bigint, text, bigint, timestamptz, boolean)');
