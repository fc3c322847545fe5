-- Notifications staff ask for, reminders, and customers' SMS consent (issue #7). Everything here
-- only enqueues rows in public.notifications (20261121001100); delivery is lib/notify's.
--
-- Staff (POST /api/notifications/email|sms|batch) send templates about a booking, never a text
-- or an address of their own: the recipient is always the booking's customer, read at delivery.
-- The functions run as the caller, so the same rule as for reading a booking decides which
-- bookings staff may write about (admins: any; staff: their practitioner's), and the API needs
-- no service-role client for them.
--
-- SQLSTATEs the API maps (lib/notify/requests/notification-errors.ts):
--   PT404  no such booking, or not one the caller may act on              → 404 not_found
--   PT409  the template does not fit the booking's state                   → 409 conflict
--   NTSMS  the customer has no phone number or did not agree to SMS        → 409 conflict
--   42501  not staff (the API checks the role first: this is the backstop) → 403 forbidden
--   22023  bad arguments (the API validates first)                         → 500, a bug of ours

-- Whether the caller acts for the booking as staff: an admin, or the staff of its practitioner.
create function public.is_booking_staff(p_booking public.bookings) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select public.has_app_role('admin')
    or (public.has_app_role('staff') and public.is_my_practitioner(p_booking.practitioner_id))
$$;

-- The customers' phone numbers (sealed) and SMS consent for the bookings the caller may act on
-- as staff, so the API can check the number and count it against the per-destination limit
-- before it enqueues anything. Reading a phone number is logged, as read_booking logs it.
create function public.booking_sms_recipients(p_booking_ids uuid[])
returns table (booking_id uuid, customer_phone_sealed text, sms_opt_in boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  if not public.has_app_role('staff') then
    raise exception 'staff only' using errcode = '42501';
  end if;
  if p_booking_ids is null or cardinality(p_booking_ids) > 50 then
    raise exception 'between 0 and 50 bookings' using errcode = '22023';
  end if;
  for v_booking in
    select * from public.bookings as b where b.id = any (p_booking_ids)
  loop
    continue when not public.is_booking_staff(v_booking);
    if v_booking.customer_phone_sealed is not null then
      perform public.record_personal_data_read('bookings', v_booking.id, array['customer_phone']);
    end if;
    booking_id := v_booking.id;
    customer_phone_sealed := v_booking.customer_phone_sealed;
    sms_opt_in := v_booking.sms_opt_in;
    return next;
  end loop;
end;
$$;

-- Enqueues what staff asked for: p_requests is a JSON array of {channel, template, booking_id}.
-- All or nothing, in one transaction. The idempotency key names the caller, the hash of the
-- request's Idempotency-Key and the message, so a retried request — even after the API's own
-- idempotency record is gone — finds its rows and answers their ids instead of sending again.
-- Answers the notifications' ids in the order asked.
create function public.request_notifications(
  p_requests jsonb,
  p_request_key text,
  p_locale text default 'en'
) returns uuid[]
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_caller uuid := auth.uid();
  v_request record;
  v_booking public.bookings;
  v_data jsonb;
  v_key text;
  v_id uuid;
  v_ids uuid[] := '{}';
begin
  if v_caller is null or not public.has_app_role('staff') then
    raise exception 'staff only' using errcode = '42501';
  end if;
  if jsonb_typeof(p_requests) is distinct from 'array'
    or jsonb_array_length(p_requests) not between 1 and 50 then
    raise exception 'between 1 and 50 notifications' using errcode = '22023';
  end if;
  if p_request_key is null or p_request_key !~ '^[0-9a-f]{64}$' then
    raise exception 'the request key is the hex SHA-256 of the Idempotency-Key'
      using errcode = '22023';
  end if;

  for v_request in
    select r.channel, r.template, r.booking_id
    from jsonb_to_recordset(p_requests) as r (channel text, template text, booking_id uuid)
  loop
    if v_request.channel is null or v_request.channel not in ('email', 'sms') then
      raise exception 'channel must be email or sms' using errcode = '22023';
    end if;
    select * into v_booking from public.bookings as b where b.id = v_request.booking_id;
    if not found or not public.is_booking_staff(v_booking) then
      raise exception 'no such booking' using errcode = 'PT404';
    end if;
    -- The customer's data was erased with their account: there is nobody to tell.
    if v_booking.customer_email_sealed is null then
      raise exception 'the booking has no customer any more' using errcode = 'PT409';
    end if;
    v_data := '{}'::jsonb;
    case v_request.template
      when 'booking_confirmation' then
        if v_booking.status <> 'confirmed' then
          raise exception 'only a confirmed booking is confirmed' using errcode = 'PT409';
        end if;
      when 'booking_cancellation' then
        if v_booking.status <> 'cancelled' then
          raise exception 'only a cancelled booking is cancelled' using errcode = 'PT409';
        end if;
      when 'booking_reminder' then
        -- The reminder says "tomorrow" or "starts soon": only true within the last day.
        if v_booking.status <> 'confirmed' or lower(v_booking.during) <= now()
          or lower(v_booking.during) > now() + interval '24 hours' then
          raise exception 'a reminder is for a confirmed session in the next 24 hours'
            using errcode = 'PT409';
        end if;
        v_data := jsonb_build_object('kind', case
          when lower(v_booking.during) <= now() + interval '1 hour' then '1h' else '24h' end);
      else
        -- booking_rescheduled needs the start it moved from, which only the move itself knows.
        raise exception 'template % is not sent on request', v_request.template
          using errcode = '22023';
    end case;
    if v_request.channel = 'sms'
      and (not v_booking.sms_opt_in or v_booking.customer_phone_sealed is null) then
      raise exception 'the customer did not agree to SMS' using errcode = 'NTSMS';
    end if;

    v_key := 'staff_request:' || v_caller || ':' || p_request_key || ':' || v_request.channel
      || ':' || v_request.template || ':' || v_booking.id;
    insert into public.notifications (
      channel, template, locale, booking_id, data, idempotency_key
    )
    values (
      v_request.channel, v_request.template, coalesce(p_locale, 'en'), v_booking.id, v_data,
      v_key
    )
    on conflict (idempotency_key) do nothing
    returning id into v_id;
    if v_id is null then
      select n.id into v_id from public.notifications as n where n.idempotency_key = v_key;
    end if;
    v_ids := v_ids || v_id;
  end loop;
  return v_ids;
end;
$$;

-- The reminder sweep (api/cron/reminders.ts): booking_reminder 24 hours and 1 hour before every
-- confirmed session, by email, and by SMS when the customer agreed and gave a number.
-- - Due: the reminder's instant (start minus 24 h or 1 h) has passed, at most 6 hours ago, so a
--   late or skipped run still sends; never once the session has started, and never a reminder
--   due before the booking existed (a booking made 20 hours ahead has its confirmation, not a
--   "tomorrow" reminder too).
-- - Instants, not wall clocks: start minus 24 hours is exact on either side of a daylight-saving
--   change (the email shows the local time in the practitioner's zone).
-- - Once: the unique key booking_reminder:<kind>:<booking id>:<channel> makes a second or
--   overlapping run add nothing — the later insert waits for the earlier one's commit, then
--   finds the key taken. A booking moved after its reminder went out gets no second one of that
--   kind; the rescheduled notice carries the new time.
-- Answers how many notifications it enqueued.
create function public.enqueue_due_reminders(p_now timestamptz) returns int
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select b.id, k.kind, b.sms_opt_in and b.customer_phone_sealed is not null as by_sms
    from public.bookings as b
    cross join (values ('24h', interval '24 hours'), ('1h', interval '1 hour')) as k (kind, lead_time)
    where b.status = 'confirmed'
      and b.customer_email_sealed is not null
      and lower(b.during) > p_now
      and lower(b.during) <= p_now + interval '24 hours'
      and lower(b.during) - k.lead_time <= p_now
      and lower(b.during) - k.lead_time > p_now - interval '6 hours'
      and lower(b.during) - k.lead_time >= b.created_at
  ),
  messages as (
    select d.id, d.kind, 'email' as channel from due as d
    union all
    select d.id, d.kind, 'sms' from due as d where d.by_sms
  ),
  enqueued as (
    insert into public.notifications (channel, template, booking_id, data, idempotency_key)
    select m.channel, 'booking_reminder', m.id, jsonb_build_object('kind', m.kind),
      'booking_reminder:' || m.kind || ':' || m.id || ':' || m.channel
    from messages as m
    on conflict (idempotency_key) do nothing
    returning 1
  )
  select count(*)::int from enqueued
$$;

-- The sweep's one read: confirmed sessions by start.
create index bookings_confirmed_start_idx on public.bookings (lower(during))
  where status = 'confirmed';

-- A customer (or their guest link, or staff) turns SMS notifications for the booking on or off
-- (PUT /api/bookings/:id smsReminders). The API checks the number against the SMS rules first;
-- here only that there is one. Same access rule as change_booking; no time window: declining
-- texts must always be possible.
create function public.set_booking_sms_opt_in(
  p_id uuid,
  p_manage_token_hash text,
  p_opt_in boolean
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  if p_opt_in is null then
    raise exception 'opt-in must be true or false' using errcode = '22023';
  end if;
  v_booking := public.lock_booking(p_id);
  perform public.require_booking_actor(v_booking, p_manage_token_hash);
  if p_opt_in and v_booking.customer_phone_sealed is null then
    raise exception 'the booking has no phone number' using errcode = 'PT409';
  end if;
  if p_opt_in and v_booking.status not in ('held', 'confirmed') then
    raise exception 'only a live booking takes SMS reminders' using errcode = 'PT409';
  end if;
  update public.bookings as b set sms_opt_in = p_opt_in
    where b.id = p_id
    returning * into v_booking;
  return public.booking_document(v_booking);
end;
$$;

revoke execute on function public.is_booking_staff(public.bookings)
  from public, anon, authenticated, service_role;

revoke execute on function
  public.booking_sms_recipients(uuid[]),
  public.request_notifications(jsonb, text, text)
  from public, anon;
grant execute on function
  public.booking_sms_recipients(uuid[]),
  public.request_notifications(jsonb, text, text)
  to authenticated;

revoke execute on function public.enqueue_due_reminders(timestamptz)
  from public, anon, authenticated;
grant execute on function public.enqueue_due_reminders(timestamptz) to service_role;

revoke execute on function public.set_booking_sms_opt_in(uuid, text, boolean) from public;
grant execute on function public.set_booking_sms_opt_in(uuid, text, boolean)
  to anon, authenticated;
