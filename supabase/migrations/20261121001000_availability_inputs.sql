-- Availability's inputs in one call (issue 16, items 4 and 5): the session type, the practitioner
-- (the one named, or the default: the first active one by display name, then id), the booking
-- rules, the practitioner's working hours, and the exceptions and busy ranges around a run of
-- local dates — what GET /api/availability (one date) and GET /api/availability/calendar (up to
-- 31 dates, a month view) compute the slots from, in one database round trip instead of six.
--
-- Granted to the API roles like busy_ranges and exception_ranges, so it enforces its own rules:
-- - It hands out what anyone may already see, and nothing else: an active session type's
--   duration and buffer, an active practitioner's id and time zone, their working hours, the
--   instants of their time off (not the reason), and the `blocked` instants of live bookings
--   (no ids, no customers, no status), as busy_ranges does. Security definer for the bookings
--   only; every other read is limited to what row-level security shows the anon role.
-- - At most 31 local dates per call, so the ranges span at most 33 days (the dates, and a day
--   either side for any time zone), about what busy_ranges allows: nobody pages through a
--   practitioner's whole calendar in one call. 22023 for a missing or longer run.
-- - An unknown or inactive session type or practitioner gives null in its field, as an unknown
--   id would: the API answers 404.
--
-- Instants are milliseconds since the epoch, which the API uses as they are.
create function public.availability_inputs(
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
    'workingHours', coalesce((
      select jsonb_agg(jsonb_build_object(
          'weekday', w.weekday,
          'start', to_char(w.start_time, 'HH24:MI'),
          'end', case when w.end_time = '24:00'::time then '24:00'
            else to_char(w.end_time, 'HH24:MI') end
        ) order by w.weekday, w.start_time)
      from public.working_hours as w
      where w.practitioner_id = v_practitioner.id
    ), '[]'::jsonb),
    'exceptions', coalesce((
      select jsonb_agg(jsonb_build_array(
          (extract(epoch from lower(e.during)) * 1000)::bigint,
          (extract(epoch from upper(e.during)) * 1000)::bigint
        ) order by lower(e.during))
      from public.schedule_exceptions as e
      where e.practitioner_id = v_practitioner.id and e.during && v_window
    ), '[]'::jsonb),
    -- status in (held, confirmed) matches the partial GiST index of bookings_no_overlap.
    'busy', coalesce((
      select jsonb_agg(jsonb_build_array(
          (extract(epoch from lower(b.blocked)) * 1000)::bigint,
          (extract(epoch from upper(b.blocked)) * 1000)::bigint
        ) order by lower(b.blocked))
      from public.bookings as b
      where b.practitioner_id = v_practitioner.id
        and b.status in ('held', 'confirmed')
        and (b.status = 'confirmed' or b.expires_at > now())
        and b.blocked && v_window
    ), '[]'::jsonb)
  );
end;
$$;

select public.restrict_execute('{anon,authenticated,service_role}',
  'public.availability_inputs(text, uuid, date, integer)');
