-- POST /api/bookings in one database round trip (issue 16, item 4). The API used to read the
-- day's availability first (to turn the local date and time label the customer picked into the
-- slot's instant, and to refuse a taken slot early), then call create_booking: two round trips.
-- create_booking_at takes the local date and time as the customer saw them and does both in one
-- transaction: it resolves the practitioner (the one named, or the default: the first active one
-- by display name, then id, as availability picks), finds the instant(s) at which the
-- practitioner's clock reads that time on that date, and books the first one create_booking
-- accepts. create_booking keeps every rule (notice, horizon, working hours and slot grid, time
-- off, overlap, consent, price, hold length), so what this adds is only the local time:
-- - a time the clock skips that day (a spring-forward gap) is no slot: BKSLT;
-- - a time it reads twice (a fall-back overlap) books the first of the two instants that is
--   free, as the API did with the first free slot of that label;
-- - no active practitioner with that id (or none at all): BKPRA, which the API answers 404.
-- Server only, like create_booking: it takes sealed personal data.
create function public.create_booking_at(
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
  v_practitioner public.practitioners;
  v_wall timestamp;
  v_start timestamptz;
  v_state text;
  v_message text;
begin
  if p_date is null or p_minutes is null or p_minutes not between 0 and 1439 then
    raise exception 'a local date and a time of day are required' using errcode = '22023';
  end if;
  select * into v_practitioner from public.practitioners as p
    where p.active and (p_practitioner_id is null or p.id = p_practitioner_id)
    order by p.display_name, p.id
    limit 1;
  if not found then
    raise exception 'no active practitioner %', coalesce(p_practitioner_id::text, '')
      using errcode = 'BKPRA';
  end if;
  v_wall := p_date + make_interval(mins => p_minutes);
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
      -- Taken or not bookable: the second instant of a repeated hour may still be free.
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
    end;
  end loop;
  if v_state is null then
    raise exception 'the clock does not read % on % in %', v_wall::time, p_date,
      v_practitioner.time_zone using errcode = 'BKSLT';
  end if;
  raise exception '%', v_message using errcode = v_state;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.create_booking_at(uuid, text, text, text, uuid, date, integer, text, text, text, text, text, text, boolean, uuid)');
