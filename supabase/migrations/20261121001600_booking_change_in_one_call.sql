-- PUT /api/bookings/:id as one transaction, and without reading personal data it does not use.
-- - change_booking also takes the SMS opt-in, so a PUT that moves a booking and turns texts on
--   commits both or neither (set_booking_sms_opt_in stays for a PUT that changes only that:
--   declining texts has no time window).
-- - booking_change_facts answers what a reschedule needs to choose its new slot (the session
--   type and the range the booking keeps free), with no personal data: a staff reschedule no
--   longer goes through read_booking and writes a personal_data_reads row nobody read.

drop function public.change_booking(uuid, text, timestamptz, boolean, text, interval);

create function public.change_booking(
  p_id uuid,
  p_manage_token_hash text,
  p_start timestamptz,
  p_change_notes boolean,
  p_notes_sealed text,
  p_window interval,
  p_sms_opt_in boolean default null
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_actor text;
  v_type public.session_types;
  v_during tstzrange;
  v_blocked tstzrange;
begin
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, p_manage_token_hash);
  if v_booking.status not in ('held', 'confirmed')
    or (v_booking.status = 'held' and v_booking.expires_at <= now()) then
    raise exception 'only a live booking can be changed' using errcode = 'PT409';
  end if;
  if v_actor = 'customer' and lower(v_booking.during) - now() < p_window then
    raise exception 'too close to the session to change it' using errcode = 'BKWIN';
  end if;

  if p_start is not null and p_start <> lower(v_booking.during) then
    select * into v_type from public.session_types as t where t.id = v_booking.session_type_id;
    v_during := tstzrange(p_start, p_start + make_interval(mins => v_type.duration_minutes), '[)');
    v_blocked := tstzrange(
      p_start, upper(v_during) + make_interval(mins => v_type.buffer_minutes), '[)'
    );
    perform public.check_bookable(v_booking.practitioner_id, v_during);
    perform public.expire_holds_in_the_way(v_booking.practitioner_id, v_blocked);
    update public.bookings as b set during = v_during, blocked = v_blocked
      where b.id = p_id
      returning * into v_booking;
  end if;

  if p_change_notes then
    update public.bookings as b set notes_sealed = p_notes_sealed
      where b.id = p_id
      returning * into v_booking;
  end if;

  if p_sms_opt_in is not null then
    if p_sms_opt_in and v_booking.customer_phone_sealed is null then
      raise exception 'the booking has no phone number' using errcode = 'PT409';
    end if;
    update public.bookings as b set sms_opt_in = p_sms_opt_in
      where b.id = p_id
      returning * into v_booking;
  end if;

  return public.booking_document(v_booking);
end;
$$;

create function public.booking_change_facts(p_id uuid, p_manage_token_hash text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  select * into v_booking from public.bookings as b where b.id = p_id;
  if not found then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  perform public.require_booking_actor(v_booking, p_manage_token_hash);
  return jsonb_build_object(
    'session_type', (select t.slug from public.session_types as t
      where t.id = v_booking.session_type_id),
    'practitioner_id', v_booking.practitioner_id,
    'blocked_from', lower(v_booking.blocked),
    'blocked_to', upper(v_booking.blocked)
  );
end;
$$;

revoke execute on function
  public.change_booking(uuid, text, timestamptz, boolean, text, interval, boolean),
  public.booking_change_facts(uuid, text)
  from public;
grant execute on function
  public.change_booking(uuid, text, timestamptz, boolean, text, interval, boolean),
  public.booking_change_facts(uuid, text)
  to anon, authenticated;
