-- The MindfulQALB SPA's session formats: `chat`, `audio` and `call` (its free consultation)
-- beside `video` and `in_person`. A format is a price row of the session type
-- (session_type_prices): a practice offers one by giving it a price (PUT
-- /api/admin/session-types/{slug}); bookings and payments keep the format they were made in.
-- The session type's duration is the booking's whatever the format.

alter table public.session_type_prices drop constraint session_type_prices_format;
alter table public.session_type_prices add constraint session_type_prices_format
  check (format in ('video', 'in_person', 'chat', 'audio', 'call'));
alter table public.bookings drop constraint bookings_format;
alter table public.bookings add constraint bookings_format
  check (format in ('video', 'in_person', 'chat', 'audio', 'call'));
alter table public.payments drop constraint payments_format;
alter table public.payments add constraint payments_format
  check (format in ('video', 'in_person', 'chat', 'audio', 'call'));

-- create_booking as in 20261121000400_bookings.sql, taking the new formats (a format still
-- needs an active price row of the session type to be booked).
create or replace function public.create_booking(
  p_user_id uuid,
  p_manage_token_hash text,
  p_session_type_slug text,
  p_format text,
  p_practitioner_id uuid,
  p_start timestamptz,
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
  v_rules public.booking_rules := public.current_booking_rules();
  v_type public.session_types;
  v_amount bigint;
  v_during tstzrange;
  v_blocked tstzrange;
  v_booking public.bookings;
begin
  perform public.act_for_user(p_user_id);
  if (p_user_id is null) = (p_manage_token_hash is null) then
    raise exception 'a booking is either a user''s or a guest''s with a manage token'
      using errcode = '22023';
  end if;
  if p_format is null or p_format not in ('video', 'in_person', 'chat', 'audio', 'call') then
    raise exception 'format must be video, in_person, chat, audio or call' using errcode = '22023';
  end if;
  if p_start is null or p_practitioner_id is null or p_session_type_slug is null
    or p_currency is null then
    raise exception 'session type, practitioner, start and currency are required'
      using errcode = '22023';
  end if;
  if p_customer_name_sealed is null or p_customer_email_sealed is null
    or p_customer_email_hash is null then
    raise exception 'customer name and email are required' using errcode = '22023';
  end if;

  select * into v_type from public.session_types as t
    where t.slug = p_session_type_slug and t.active;
  if not found then
    raise exception 'unknown session type: %', p_session_type_slug using errcode = 'PT404';
  end if;

  select pr.amount_minor into v_amount from public.session_type_prices as pr
    where pr.session_type_id = v_type.id and pr.format = p_format
      and pr.currency = upper(p_currency) and pr.active;
  if not found then
    raise exception 'no % price for % in %', p_format, p_session_type_slug, upper(p_currency)
      using errcode = 'PT404';
  end if;

  if v_type.requires_consent and not coalesce(p_consent_accepted, false) then
    raise exception 'the client has not accepted the consent terms' using errcode = 'BKCNS';
  end if;

  v_during := tstzrange(p_start, p_start + make_interval(mins => v_type.duration_minutes), '[)');
  v_blocked := tstzrange(
    p_start, upper(v_during) + make_interval(mins => v_type.buffer_minutes), '[)'
  );
  perform public.check_bookable(p_practitioner_id, v_during);
  perform public.expire_holds_in_the_way(p_practitioner_id, v_blocked);

  insert into public.bookings (
    user_id, practitioner_id, session_type_id, format, during, blocked, status, expires_at,
    amount_minor, currency, customer_name_sealed, customer_email_sealed, customer_email_hash,
    customer_phone_sealed, notes_sealed, consent_id, manage_token_hash
  )
  values (
    p_user_id, p_practitioner_id, v_type.id, p_format, v_during, v_blocked,
    case when v_amount = 0 then 'confirmed' else 'held' end,
    case when v_amount = 0 then null
      else now() + make_interval(mins => v_rules.hold_minutes) end,
    v_amount, upper(p_currency), p_customer_name_sealed, p_customer_email_sealed,
    p_customer_email_hash, p_customer_phone_sealed, p_notes_sealed,
    public.consent_for_booking(v_type, p_customer_email_hash, p_consent_id),
    p_manage_token_hash
  )
  returning * into v_booking;

  return public.booking_document(v_booking);
end;
$$;
