-- Staff and admins work through the API (issue 17, items 6 and 7): staff list and open their
-- practitioners' bookings with the payment and consent record beside them, admins manage the
-- catalogue, practitioners, their hours and time off, staff roles and the practice's retention
-- of booking personal data, and a daily job erases that data once the retention has passed.
--
-- Every function here granted to `authenticated` checks the caller's role itself
-- (has_app_role, from the token's app_metadata) and staff scope (is_my_practitioner), because
-- a hostile client reaches it straight through /rest/v1/rpc with its own token. Nobody else
-- learns anything: a staff member asking about another practitioner's booking or practitioner
-- gets PT404, as for an unknown id; a customer calling an admin function gets 42501. Each admin
-- write is one call, one transaction, and records itself in public.staff_actions with the
-- caller as actor; each staff read of customers' data records itself in
-- public.personal_data_reads.
--
-- SQLSTATEs the API maps (lib/admin/admin-errors.ts): 42501 not staff/admin → 403,
-- PT404 → 404, PS409 / 23505 / 23P01 → 409, 22023 / 22007 / 22008 / 23514 → 422.

-- ---------------------------------------------------------------------------------------------
-- The practice's settings: how long booking personal data is kept after the session.

-- Days after a booking's session ends (or its hold lapsed) that its customer's name, email,
-- phone, notes and the link to their account are kept. Null: kept until the practice sets a
-- period (no practice loses records it must keep because of a default).
alter table public.booking_rules
  add column booking_retention_days int
    constraint booking_rules_booking_retention check (booking_retention_days between 1 and 36500);

-- When the retention job erased the booking's personal data; null while it is kept.
alter table public.bookings add column personal_data_erased_at timestamptz;

create index bookings_retention_idx on public.bookings (upper(during))
  where personal_data_erased_at is null;

-- ---------------------------------------------------------------------------------------------
-- Helpers.

-- Raises 42501 unless the caller's token carries the role.
create function public.require_app_role(p_role text) returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not public.has_app_role(p_role) then
    raise exception 'this needs the % role', p_role using errcode = '42501';
  end if;
end;
$$;

-- Whether the caller may see the practitioner's bookings: an admin, or their staff.
create function public.staff_serves(p_practitioner_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select public.has_app_role('admin')
    or (public.has_app_role('staff') and public.is_my_practitioner(p_practitioner_id))
$$;

-- ---------------------------------------------------------------------------------------------
-- Staff reads.

-- The bookings of the caller's practitioners (all practitioners for an admin, or the one named)
-- whose session overlaps [p_from, p_to), at most 31 days and 500 bookings, by start. Lapsed
-- holds are left out. Every booking answered with customer data is logged as read.
create function public.staff_bookings(
  p_from timestamptz,
  p_to timestamptz,
  p_practitioner_id uuid default null
) returns setof jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform public.require_app_role('staff');
  if p_from is null or p_to is null or p_to <= p_from or p_to - p_from > interval '31 days' then
    raise exception 'the range must end after it starts and span at most 31 days'
      using errcode = '22023';
  end if;
  if p_practitioner_id is not null and not public.staff_serves(p_practitioner_id) then
    raise exception 'no such practitioner' using errcode = 'PT404';
  end if;
  select coalesce(array_agg(b.id order by lower(b.during), b.id), '{}') into v_ids
  from (
    select b.id, b.during from public.bookings as b
    where b.during && tstzrange(p_from, p_to)
      and b.status <> 'expired'
      and not (b.status = 'held' and b.expires_at <= now())
      and (p_practitioner_id is null or b.practitioner_id = p_practitioner_id)
      and public.staff_serves(b.practitioner_id)
    order by lower(b.during), b.id
    limit 500
  ) as b;
  insert into public.personal_data_reads (actor, subject_table, subject_id, fields)
  select (select auth.uid()), 'bookings', b.id,
    array['customer_name', 'customer_email', 'customer_phone', 'notes']
  from public.bookings as b
  where b.id = any(v_ids) and b.customer_name_sealed is not null;
  return query
    select public.booking_document(b) from public.bookings as b
    where b.id = any(v_ids)
    order by lower(b.during), b.id;
end;
$$;

-- One booking for its practitioner's staff or an admin, with its payments (and their refunds)
-- and the consent record it rests on (what was agreed and when; the IP and user agent stay
-- with GET /api/consent/{id}, whose read is audited as such). The read of the customer's data
-- is logged. PT404 for anyone else.
create function public.staff_booking_record(p_id uuid) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  perform public.require_app_role('staff');
  select * into v_booking from public.bookings as b where b.id = p_id;
  if not found or not public.staff_serves(v_booking.practitioner_id) then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  if v_booking.customer_name_sealed is not null then
    perform public.record_personal_data_read(
      'bookings', v_booking.id, array['customer_name', 'customer_email', 'customer_phone', 'notes']
    );
  end if;
  return jsonb_build_object(
    'booking', public.booking_document(v_booking),
    'paid_by_payment_id', v_booking.paid_by_payment_id,
    'personal_data_erased_at', v_booking.personal_data_erased_at,
    'payments', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', p.id, 'provider', p.provider, 'status', p.status,
        'amount_minor', p.amount_minor, 'currency', p.currency,
        'refunded_minor', p.refunded_minor, 'created_at', p.created_at,
        'captured_at', p.captured_at,
        'refunds', coalesce((
          select jsonb_agg(jsonb_build_object(
            'id', r.id, 'amount_minor', r.amount_minor, 'status', r.status,
            'created_at', r.created_at
          ) order by r.created_at, r.id)
          from public.refunds as r where r.payment_id = p.id
        ), '[]'::jsonb)
      ) order by p.created_at, p.id)
      from public.payments as p where p.booking_id = v_booking.id
    ), '[]'::jsonb),
    'consent', (
      select jsonb_build_object(
        'id', c.id, 'consent_version', c.consent_version,
        'acknowledgments', to_jsonb(c.acknowledgments),
        'created_at', c.created_at, 'expires_at', c.expires_at
      )
      from public.consent_records as c where c.id = v_booking.consent_id
    )
  );
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Admin writes: one call each, audited.

-- Creates or updates a session type by slug, with its prices: the ones listed are offered (at
-- these amounts), every other price of the type stops being offered. `active: false` retires
-- the type (bookings made with it stay). Answers the type's id.
create function public.admin_put_session_type(p_slug text, p_type jsonb) returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_price jsonb;
begin
  perform public.require_app_role('admin');
  insert into public.session_types as t (
    slug, name, description, duration_minutes, buffer_minutes, requires_consent, sort_order,
    active
  ) values (
    p_slug, p_type ->> 'name', coalesce(p_type ->> 'description', ''),
    (p_type ->> 'durationMinutes')::int, coalesce((p_type ->> 'bufferMinutes')::int, 0),
    coalesce((p_type ->> 'requiresConsent')::boolean, true),
    coalesce((p_type ->> 'sortOrder')::smallint, 0),
    coalesce((p_type ->> 'active')::boolean, true)
  )
  on conflict (slug) do update set
    name = excluded.name, description = excluded.description,
    duration_minutes = excluded.duration_minutes, buffer_minutes = excluded.buffer_minutes,
    requires_consent = excluded.requires_consent, sort_order = excluded.sort_order,
    active = excluded.active
  returning t.id into v_id;
  update public.session_type_prices set active = false where session_type_id = v_id;
  for v_price in select * from jsonb_array_elements(coalesce(p_type -> 'prices', '[]')) loop
    insert into public.session_type_prices (session_type_id, currency, format, amount_minor)
    values (v_id, v_price ->> 'currency', v_price ->> 'format',
      (v_price ->> 'amountMinor')::bigint)
    on conflict (session_type_id, currency, format) do update set
      amount_minor = excluded.amount_minor, active = true;
  end loop;
  perform public.record_staff_action(
    (select auth.uid()), 'session_type.put', 'session_types', v_id,
    jsonb_build_object('slug', p_slug, 'active', coalesce((p_type ->> 'active')::boolean, true),
      'prices', jsonb_array_length(coalesce(p_type -> 'prices', '[]')))
  );
  return v_id;
end;
$$;

-- Creates a practitioner (p_id null) or updates one: display name, time zone, active, and when
-- `hours` is given, their weekly hours replaced by it ({weekdays, start, end} as in
-- supabase/practice.example.json). Answers the practitioner's id; PT404 for an unknown id.
create function public.admin_put_practitioner(p_id uuid, p_practitioner jsonb) returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid := p_id;
  v_hours jsonb;
  v_weekday int;
begin
  perform public.require_app_role('admin');
  if v_id is null then
    insert into public.practitioners (display_name, time_zone, active)
    values (p_practitioner ->> 'displayName', p_practitioner ->> 'timeZone',
      coalesce((p_practitioner ->> 'active')::boolean, true))
    returning id into v_id;
  else
    update public.practitioners as p set
      display_name = coalesce(p_practitioner ->> 'displayName', p.display_name),
      time_zone = coalesce(p_practitioner ->> 'timeZone', p.time_zone),
      active = coalesce((p_practitioner ->> 'active')::boolean, p.active)
    where p.id = v_id;
    if not found then
      raise exception 'no such practitioner' using errcode = 'PT404';
    end if;
  end if;
  if p_practitioner ? 'hours' then
    delete from public.working_hours where practitioner_id = v_id;
    for v_hours in select * from jsonb_array_elements(p_practitioner -> 'hours') loop
      for v_weekday in select (jsonb_array_elements_text(v_hours -> 'weekdays'))::int loop
        insert into public.working_hours (practitioner_id, weekday, start_time, end_time)
        values (v_id, v_weekday, (v_hours ->> 'start')::time, (v_hours ->> 'end')::time);
      end loop;
    end loop;
  end if;
  perform public.record_staff_action(
    (select auth.uid()), case when p_id is null then 'practitioner.create'
      else 'practitioner.update' end,
    'practitioners', v_id,
    jsonb_build_object('hours_replaced', p_practitioner ? 'hours',
      'active', (select p.active from public.practitioners as p where p.id = v_id))
  );
  return v_id;
end;
$$;

-- Adds time off [p_from, p_to) for a practitioner (bookings already made in it stay: staff
-- cancel them). The reason is for staff only. Answers the new row's id.
create function public.admin_add_time_off(
  p_practitioner_id uuid,
  p_from timestamptz,
  p_to timestamptz,
  p_reason text
) returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform public.require_app_role('admin');
  if not exists (select 1 from public.practitioners as p where p.id = p_practitioner_id) then
    raise exception 'no such practitioner' using errcode = 'PT404';
  end if;
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception 'time off must end after it starts' using errcode = '22023';
  end if;
  insert into public.schedule_exceptions (practitioner_id, during, reason)
  values (p_practitioner_id, tstzrange(p_from, p_to), nullif(btrim(p_reason), ''))
  returning id into v_id;
  perform public.record_staff_action(
    (select auth.uid()), 'time_off.add', 'schedule_exceptions', v_id,
    jsonb_build_object('practitioner_id', p_practitioner_id, 'from', p_from, 'to', p_to)
  );
  return v_id;
end;
$$;

create function public.admin_remove_time_off(p_id uuid) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_removed public.schedule_exceptions;
begin
  perform public.require_app_role('admin');
  delete from public.schedule_exceptions as e where e.id = p_id returning * into v_removed;
  if not found then
    raise exception 'no such time off' using errcode = 'PT404';
  end if;
  perform public.record_staff_action(
    (select auth.uid()), 'time_off.remove', 'schedule_exceptions', p_id,
    jsonb_build_object('practitioner_id', v_removed.practitioner_id,
      'from', lower(v_removed.during), 'to', upper(v_removed.during))
  );
end;
$$;

-- Sets an account's role ('staff', 'admin', or null for none) in app_metadata and which
-- practitioner it acts for (a practitioner has at most one staff account: linking moves the
-- practitioner to this account; null unlinks the account from any). The account's next token
-- carries the change (at the latest when its current one expires). PT404 when no account has the
-- email or the practitioner does not exist. Answers the account's id.
create function public.admin_set_staff(p_email text, p_role text, p_practitioner_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
begin
  perform public.require_app_role('admin');
  if p_role is not null and p_role not in ('admin', 'staff') then
    raise exception 'the role must be admin, staff or none' using errcode = '22023';
  end if;
  if p_role is null and p_practitioner_id is not null then
    raise exception 'an account without a role acts for no practitioner' using errcode = '22023';
  end if;
  select u.id into v_user_id from auth.users as u where lower(u.email) = lower(btrim(p_email));
  if v_user_id is null then
    raise exception 'no account has this email' using errcode = 'PT404';
  end if;
  if p_practitioner_id is not null
    and not exists (select 1 from public.practitioners as p where p.id = p_practitioner_id) then
    raise exception 'no such practitioner' using errcode = 'PT404';
  end if;
  update auth.users set raw_app_meta_data =
    (coalesce(raw_app_meta_data, '{}'::jsonb) - 'role' - 'roles')
      || case when p_role is null then '{}'::jsonb else jsonb_build_object('role', p_role) end
    where id = v_user_id;
  update public.practitioners set user_id = null
    where user_id = v_user_id and id is distinct from p_practitioner_id;
  if p_practitioner_id is not null then
    update public.practitioners set user_id = v_user_id where id = p_practitioner_id;
  end if;
  perform public.record_staff_action(
    (select auth.uid()), 'account.set_role', 'users', v_user_id,
    jsonb_build_object('role', p_role, 'practitioner_id', p_practitioner_id)
  );
  return v_user_id;
end;
$$;

-- The practice's settings an admin changes through the API: each key of p_settings present is
-- set (booking_retention_days: days or null; practitioner_assignment: 'first_active' or
-- 'first_free', see 20261121001400), the others are left as they are. Answers them as stored.
create function public.admin_set_practice_settings(p_settings jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rules public.booking_rules;
  v_unknown text;
begin
  perform public.require_app_role('admin');
  select k into v_unknown from jsonb_object_keys(coalesce(p_settings, '{}'::jsonb)) as k
    where k not in ('booking_retention_days', 'practitioner_assignment') limit 1;
  if v_unknown is not null then
    raise exception 'no such setting: %', v_unknown using errcode = '22023';
  end if;
  update public.booking_rules as r set
    booking_retention_days = case when p_settings ? 'booking_retention_days'
      then (p_settings ->> 'booking_retention_days')::int else r.booking_retention_days end,
    practitioner_assignment = case when p_settings ? 'practitioner_assignment'
      then p_settings ->> 'practitioner_assignment' else r.practitioner_assignment end,
    updated_at = now()
    where r.id
    returning * into v_rules;
  if not found then
    raise exception 'public.booking_rules has no row' using errcode = 'P0002';
  end if;
  perform public.record_staff_action(
    (select auth.uid()), 'settings.update', 'booking_rules',
    '00000000-0000-0000-0000-000000000000', p_settings
  );
  return jsonb_build_object(
    'booking_retention_days', v_rules.booking_retention_days,
    'practitioner_assignment', v_rules.practitioner_assignment
  );
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Retention: the daily job (api/cron/purge-bookings.ts) erases the personal data of bookings
-- whose session ended (or hold lapsed) more than booking_retention_days ago. The booking stays
-- as the financial record — session type, practitioner, format, times, amount, currency,
-- status, refund due, its payments and refunds — with nothing that names the customer: the
-- sealed name, email, phone and notes, the email hash, the manage token hash, the cancellation
-- reason they gave and the link to their account are nulled, and its payments lose the link to
-- the account too. Live bookings (held, confirmed) are never touched. Answers how many bookings
-- it erased; running it again erases nothing new.
create function public.purge_booking_personal_data() returns int
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_days int := (select r.booking_retention_days from public.booking_rules as r where r.id);
  v_ids uuid[];
begin
  if v_days is null then
    return 0;
  end if;
  with erased as (
    update public.bookings as b set
      customer_name_sealed = null,
      customer_email_sealed = null,
      customer_email_hash = null,
      customer_phone_sealed = null,
      notes_sealed = null,
      manage_token_hash = null,
      cancellation_reason = null,
      user_id = null,
      sms_opt_in = false,
      personal_data_erased_at = now()
    where b.personal_data_erased_at is null
      and upper(b.during) < now() - make_interval(days => v_days)
      and (b.status in ('completed', 'cancelled', 'expired')
        or (b.status = 'held' and b.expires_at <= now())
        or (b.status = 'confirmed' and upper(b.during) < now()))
    returning b.id
  )
  select coalesce(array_agg(id), '{}') into v_ids from erased;
  update public.payments as p set user_id = null
    where p.booking_id = any(v_ids) and p.user_id is not null;
  return coalesce(array_length(v_ids, 1), 0);
end;
$$;

select public.restrict_execute('{}', 'public.require_app_role(text)', 'public.staff_serves(uuid)');
select public.restrict_execute('{authenticated,service_role}',
  'public.staff_bookings(timestamptz, timestamptz, uuid)',
  'public.staff_booking_record(uuid)',
  'public.admin_put_session_type(text, jsonb)',
  'public.admin_put_practitioner(uuid, jsonb)',
  'public.admin_add_time_off(uuid, timestamptz, timestamptz, text)',
  'public.admin_remove_time_off(uuid)',
  'public.admin_set_staff(text, text, uuid)',
  'public.admin_set_practice_settings(jsonb)');
select public.restrict_execute('{service_role}', 'public.purge_booking_personal_data()');
