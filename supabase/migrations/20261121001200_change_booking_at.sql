-- PUT /api/bookings/:id moving a booking, in one database round trip (issue 16, item 4). The API
-- used to read the booking's facts, then the new day's availability (to turn the local date and
-- time label into the slot's instant), then call change_booking: three round trips.
-- change_booking_at takes the local date and time and does it in one transaction, as
-- create_booking_at does for a new booking: the instant(s) at which the booking's practitioner's
-- clock reads that time on that date (none in a spring-forward gap: BKSLT; in a fall-back overlap
-- the first that change_booking accepts), then change_booking, which keeps every rule (who may
-- change it, the change window, the slot's grid, notice, horizon, time off and overlap — the
-- booking's own old time excepted, so a session may move by half an hour into it).
-- Server only, like change_booking: the notes arrive sealed.
create function public.change_booking_at(
  p_id uuid,
  p_user_id uuid,
  p_manage_token_hash text,
  p_date date,
  p_minutes integer,
  p_change_notes boolean,
  p_notes_sealed text,
  p_sms_opt_in boolean default null
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_time_zone text;
  v_wall timestamp;
  v_start timestamptz;
  v_state text;
  v_message text;
begin
  if p_date is null or p_minutes is null or p_minutes not between 0 and 1439 then
    raise exception 'a local date and a time of day are required' using errcode = '22023';
  end if;
  select p.time_zone into v_time_zone
    from public.bookings as b join public.practitioners as p on p.id = b.practitioner_id
    where b.id = p_id;
  if not found then
    -- change_booking answers for a booking that does not exist (or is not the caller's) alike.
    return public.change_booking(
      p_id, p_user_id, p_manage_token_hash, null, p_change_notes, p_notes_sealed, p_sms_opt_in
    );
  end if;
  v_wall := p_date + make_interval(mins => p_minutes);
  for v_start in
    select c.instant
    from (
      select distinct (v_wall - ((x at time zone v_time_zone) - (x at time zone 'UTC')))
          at time zone 'UTC' as instant
      from unnest(array[
        (v_wall - interval '1 day') at time zone 'UTC',
        v_wall at time zone 'UTC',
        (v_wall + interval '1 day') at time zone 'UTC'
      ]) as x
    ) as c
    where c.instant at time zone v_time_zone = v_wall
    order by c.instant
  loop
    begin
      return public.change_booking(
        p_id, p_user_id, p_manage_token_hash, v_start, p_change_notes, p_notes_sealed,
        p_sms_opt_in
      );
    exception when sqlstate 'BKSLT' or sqlstate '23P01' then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
    end;
  end loop;
  if v_state is null then
    raise exception 'the clock does not read % on % in %', v_wall::time, p_date, v_time_zone
      using errcode = 'BKSLT';
  end if;
  raise exception '%', v_message using errcode = v_state;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.change_booking_at(uuid, uuid, text, date, integer, boolean, text, boolean)');
