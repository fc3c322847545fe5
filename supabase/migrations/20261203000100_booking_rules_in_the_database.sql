-- The booking functions are the API too (issue #13). Everything granted to anon or authenticated
-- is callable straight through the Data API (/rest/v1/rpc/…) with the anon key and a customer's
-- own token, so each such function now enforces every rule itself and takes none as an argument:
--
-- - booking_rules: the practice's rules (hold length, change/cancel window, minimum notice,
--   horizon, slot grid) in one row the functions read. GET /api/availability reads the same row,
--   so the slots it shows and the slots the database accepts are one grid.
-- - Writes only the server may make are not granted to the API roles at all: create_booking and
--   change_booking take sealed personal data (the database cannot tell ciphertext from text),
--   record_consent takes the request's IP and user agent as evidence. The server calls them with
--   the service role after verifying the caller, and names the acting user (p_user_id).
-- - A guest's manage-token hash is honoured only from the server: the API derives it from the
--   token with a key the database does not hold, so from any other caller it would be a copy of
--   a database value used as a password. Clients that send one get 42501.
-- - Staff standing is read from auth.users for the acting user, so a server call on behalf of a
--   user has the same standing as that user's own token.
-- - Sealed columns only take the sealed format (v1.<key id>.<iv>.<ciphertext>.<tag>), so not
--   even a server bug can store personal data in the clear.
--
-- New SQLSTATE: 28000 the acting account no longer exists → 401 unauthorized.

create table public.booking_rules (
  -- One row: the practice's rules.
  id boolean primary key default true constraint booking_rules_one_row check (id),
  -- A hold keeps its slot this long for the customer to pay, then lapses by itself.
  hold_minutes int not null constraint booking_rules_hold check (hold_minutes between 1 and 60),
  -- Customers may reschedule or cancel a confirmed booking up to this long before it starts.
  change_window_minutes int not null
    constraint booking_rules_change_window check (change_window_minutes between 0 and 43200),
  -- A slot must start at least this long after now…
  minimum_notice_minutes int not null
    constraint booking_rules_notice check (minimum_notice_minutes between 0 and 43200),
  -- …and less than this many days after it.
  horizon_days int not null constraint booking_rules_horizon check (horizon_days between 1 and 730),
  -- Candidate starts lie this many minutes apart in local time, from each working interval's start.
  slot_step_minutes int not null
    constraint booking_rules_slot_step check (slot_step_minutes between 5 and 240),
  updated_at timestamptz not null default now()
);

insert into public.booking_rules (
  hold_minutes, change_window_minutes, minimum_notice_minutes, horizon_days, slot_step_minutes
) values (10, 1440, 120, 60, 30);

alter table public.booking_rules enable row level security;
create policy "anyone reads the booking rules"
  on public.booking_rules for select
  to anon, authenticated
  using (true);
revoke all on table public.booking_rules from anon, authenticated;
grant select on table public.booking_rules to anon, authenticated;

-- The rules, for the functions below. Without the row nothing is booked: missing rules must
-- never read as "no rules".
create function public.current_booking_rules() returns public.booking_rules
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_rules public.booking_rules;
begin
  select * into v_rules from public.booking_rules as r where r.id;
  if not found then
    raise exception 'public.booking_rules has no row: the practice has no booking rules'
      using errcode = 'P0002';
  end if;
  return v_rules;
end;
$$;

-- Ciphertext in the sealed format (lib/crypto/sealed-value.ts), or null.
create function public.is_sealed(p_value text) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_value is null
    or p_value ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
$$;

alter table public.bookings
  add constraint bookings_customer_name_sealed_format check (public.is_sealed(customer_name_sealed)),
  add constraint bookings_customer_email_sealed_format
    check (public.is_sealed(customer_email_sealed)),
  add constraint bookings_customer_phone_sealed_format
    check (public.is_sealed(customer_phone_sealed)),
  add constraint bookings_notes_sealed_format check (public.is_sealed(notes_sealed));
alter table public.consent_records
  add constraint consent_records_ip_sealed_format check (public.is_sealed(ip_sealed));

-- has_app_role for a named user instead of the token: the same reading of app_metadata.
create function public.user_has_app_role(p_user_id uuid, p_role text) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from auth.users as u,
      lateral (
        select u.raw_app_meta_data ->> 'role' as role
          where jsonb_typeof(u.raw_app_meta_data -> 'role') = 'string'
        union all
        select jsonb_array_elements_text(u.raw_app_meta_data -> 'roles')
          where jsonb_typeof(u.raw_app_meta_data -> 'roles') = 'array'
      ) as granted
    where u.id = p_user_id
      and (granted.role = p_role or (p_role = 'staff' and granted.role = 'admin'))
  )
$$;

-- Whether the call comes from the server (the service role), which alone may name the acting
-- user and present a manage-token hash.
create function public.called_by_server() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.role() = 'service_role', false)
$$;

-- The user a client-callable booking function acts for: the token's. A manage-token hash from
-- anyone but the server is refused (see the header).
create function public.booking_requester(p_manage_token_hash text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
begin
  if p_manage_token_hash is not null and not public.called_by_server() then
    raise exception 'manage tokens are presented to the API, not to the database'
      using errcode = '42501';
  end if;
  return auth.uid();
end;
$$;

-- The user a server-only function acts for, checked to exist, and remembered for the rest of the
-- transaction so the booking's history names them (bookings_record_event).
create function public.act_for_user(p_user_id uuid) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  if not public.called_by_server() then
    raise exception 'only the server acts for a user' using errcode = '42501';
  end if;
  if p_user_id is not null and not exists (select 1 from auth.users as u where u.id = p_user_id)
  then
    raise exception 'the account no longer exists' using errcode = '28000';
  end if;
  perform set_config('bastion.acting_user', coalesce(p_user_id::text, ''), true);
end;
$$;

create or replace function public.bookings_record_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into public.booking_events (booking_id, from_status, to_status, actor, detail)
    values (
      new.id,
      case when tg_op = 'UPDATE' then old.status end,
      new.status,
      case when new.status <> 'expired' then coalesce(
        auth.uid(), nullif(current_setting('bastion.acting_user', true), '')::uuid
      ) end,
      case when new.status = 'expired' then jsonb_build_object('expires_at', new.expires_at)
        else '{}'::jsonb end
    );
  end if;
  return null;
end;
$$;

-- The booking document gains `changeable_until`: until when its customer may reschedule or
-- cancel it online (the start minus the rules' change window), so an app offers only what the
-- database will accept; and `sms_opt_in`, so it can show whether texts are on.
create or replace function public.booking_document(p_booking public.bookings) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_booking.id,
    'status', case when p_booking.status = 'held' and p_booking.expires_at <= now()
      then 'expired' else p_booking.status end,
    'session_type', t.slug,
    'format', p_booking.format,
    'starts_at', lower(p_booking.during),
    'ends_at', upper(p_booking.during),
    'time_zone', p.time_zone,
    'expires_at', case when p_booking.status = 'held' then p_booking.expires_at end,
    'changeable_until', lower(p_booking.during) - make_interval(mins => r.change_window_minutes),
    'amount_minor', p_booking.amount_minor,
    'currency', p_booking.currency,
    'customer_name_sealed', p_booking.customer_name_sealed,
    'customer_email_sealed', p_booking.customer_email_sealed,
    'customer_phone_sealed', p_booking.customer_phone_sealed,
    'notes_sealed', p_booking.notes_sealed,
    'sms_opt_in', p_booking.sms_opt_in,
    'guest', p_booking.user_id is null and p_booking.manage_token_hash is not null,
    'cancellation_reason', p_booking.cancellation_reason,
    'refund_due_minor', p_booking.refund_due_minor,
    'created_at', p_booking.created_at,
    'practitioner_id', p_booking.practitioner_id,
    'blocked_from', lower(p_booking.blocked),
    'blocked_to', upper(p_booking.blocked)
  )
  from public.session_types as t, public.practitioners as p, public.booking_rules as r
  where t.id = p_booking.session_type_id and p.id = p_booking.practitioner_id and r.id
$$;

-- Who may act on a booking, for the acting user or guest: 'customer' (owner, or the guest whose
-- token hash the server presents), 'staff' (its practitioner's staff, or an admin), or null.
drop function public.require_booking_actor(public.bookings, text);
drop function public.booking_actor(public.bookings, text);

create function public.booking_actor(
  p_booking public.bookings,
  p_user_id uuid,
  p_manage_token_hash text
) returns text
language sql stable
security definer
set search_path = ''
as $$
  select case
    when p_user_id is not null and p_booking.user_id = p_user_id then 'customer'
    when p_manage_token_hash is not null and p_booking.manage_token_hash = p_manage_token_hash
      then 'customer'
    when p_user_id is not null and public.user_has_app_role(p_user_id, 'admin') then 'staff'
    when p_user_id is not null and public.user_has_app_role(p_user_id, 'staff')
      and exists (
        select 1 from public.practitioners as p
        where p.id = p_booking.practitioner_id and p.user_id = p_user_id
      )
      then 'staff'
  end
$$;

create function public.require_booking_actor(
  p_booking public.bookings,
  p_user_id uuid,
  p_manage_token_hash text
) returns text
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  v_actor text := public.booking_actor(p_booking, p_user_id, p_manage_token_hash);
begin
  if v_actor is null then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  return v_actor;
end;
$$;

-- Whether a session may start at this instant: on the slot grid inside the practitioner's working
-- hours of that local day, not during time off, at least the minimum notice from now and before
-- the horizon. BKSLT otherwise. The buffer may run past working hours.
create or replace function public.check_bookable(p_practitioner_id uuid, p_during tstzrange)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_rules public.booking_rules := public.current_booking_rules();
  v_time_zone text;
  v_local_start timestamp;
  v_local_end timestamp;
begin
  select p.time_zone into v_time_zone from public.practitioners as p
    where p.id = p_practitioner_id and p.active;
  if not found then
    raise exception 'unknown practitioner: %', p_practitioner_id using errcode = 'PT404';
  end if;
  if lower(p_during) < now() + make_interval(mins => v_rules.minimum_notice_minutes) then
    raise exception 'the start is in the past or too soon' using errcode = 'BKSLT';
  end if;
  if lower(p_during) >= now() + make_interval(days => v_rules.horizon_days) then
    raise exception 'the start is beyond the booking horizon' using errcode = 'BKSLT';
  end if;
  v_local_start := lower(p_during) at time zone v_time_zone;
  v_local_end := upper(p_during) at time zone v_time_zone;
  if not exists (
    select 1 from public.working_hours as w
    where w.practitioner_id = p_practitioner_id
      and w.weekday = extract(isodow from v_local_start)
      and v_local_start >= v_local_start::date + w.start_time
      and v_local_end <= v_local_start::date + w.end_time
      -- numeric, not rounded: 10:29:59.6 is not 10:30
      and extract(epoch from v_local_start - (v_local_start::date + w.start_time))
        % (v_rules.slot_step_minutes * 60) = 0
  ) then
    raise exception 'not a slot of the practitioner''s working hours' using errcode = 'BKSLT';
  end if;
  if exists (
    select 1 from public.schedule_exceptions as e
    where e.practitioner_id = p_practitioner_id and e.during && p_during
  ) then
    raise exception 'the practitioner is away' using errcode = 'BKSLT';
  end if;
end;
$$;

-- Places a hold (a confirmed booking when the session is free) for the user the server names,
-- or for a guest (p_user_id null) by the hash of the token the server made. Server only: the
-- customer's data arrives sealed. The price comes from session_type_prices, the hold length from
-- booking_rules. One transaction: stale holds in the way expire, then the insert wins the slot
-- or fails with 23P01.
drop function public.create_booking(
  text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid, text, int
);

create function public.create_booking(
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
  if p_format is null or p_format not in ('video', 'in_person') then
    raise exception 'format must be video or in_person' using errcode = '22023';
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

-- One booking for its owner, staff, or (from the server) its guest; PT404 for anyone else.
-- Staff reads of the customer's data are logged in the same transaction.
create or replace function public.read_booking(p_id uuid, p_manage_token_hash text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := public.booking_requester(p_manage_token_hash);
  v_booking public.bookings;
begin
  v_booking := public.lock_booking(p_id);
  if public.require_booking_actor(v_booking, v_user, p_manage_token_hash) = 'staff' then
    perform public.record_personal_data_read(
      'bookings', v_booking.id, array['customer_name', 'customer_email', 'customer_phone', 'notes']
    );
  end if;
  return public.booking_document(v_booking);
end;
$$;

-- Moves a held or confirmed booking to another slot, replaces its notes and/or turns texts on
-- or off, for the user the server names or a guest. Server only: the notes arrive sealed.
-- Customers may do so up to the rules' change window before the current start; staff at any
-- time. The new slot is checked as a new booking's would be; the exclusion constraint refuses an
-- overlap (23P01).
drop function public.change_booking(uuid, text, timestamptz, boolean, text, interval, boolean);

create function public.change_booking(
  p_id uuid,
  p_user_id uuid,
  p_manage_token_hash text,
  p_start timestamptz,
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
  v_rules public.booking_rules := public.current_booking_rules();
  v_booking public.bookings;
  v_actor text;
  v_type public.session_types;
  v_during tstzrange;
  v_blocked tstzrange;
begin
  perform public.act_for_user(p_user_id);
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, p_user_id, p_manage_token_hash);
  if v_booking.status not in ('held', 'confirmed')
    or (v_booking.status = 'held' and v_booking.expires_at <= now()) then
    raise exception 'only a live booking can be changed' using errcode = 'PT409';
  end if;
  if v_actor = 'customer'
    and lower(v_booking.during) - now() < make_interval(mins => v_rules.change_window_minutes)
  then
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

  if coalesce(p_change_notes, false) then
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

-- What a reschedule needs to choose its new slot, without personal data.
create or replace function public.booking_change_facts(
  p_id uuid,
  p_manage_token_hash text default null
) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user uuid := public.booking_requester(p_manage_token_hash);
  v_booking public.bookings;
begin
  select * into v_booking from public.bookings as b where b.id = p_id;
  if not found then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  perform public.require_booking_actor(v_booking, v_user, p_manage_token_hash);
  return jsonb_build_object(
    'session_type', (select t.slug from public.session_types as t
      where t.id = v_booking.session_type_id),
    'practitioner_id', v_booking.practitioner_id,
    'blocked_from', lower(v_booking.blocked),
    'blocked_to', upper(v_booking.blocked)
  );
end;
$$;

-- Cancels a booking. p_holds_only: only an unpaid hold (DELETE /api/bookings/:id). Customers
-- may cancel a hold at any time and a confirmed booking up to the rules' change window before it
-- starts, with a full refund; staff may cancel any live booking, with a full refund. A session
-- that has started is not cancelled by anyone. The refund owed is recorded for the payments module.
drop function public.cancel_booking(uuid, text, text, interval, boolean);

create function public.cancel_booking(
  p_id uuid,
  p_manage_token_hash text,
  p_reason text,
  p_holds_only boolean
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rules public.booking_rules := public.current_booking_rules();
  v_user uuid := public.booking_requester(p_manage_token_hash);
  v_booking public.bookings;
  v_actor text;
begin
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, v_user, p_manage_token_hash);
  if coalesce(p_holds_only, false) and v_booking.status <> 'held' then
    raise exception 'only an unpaid hold can be withdrawn; cancel the booking instead'
      using errcode = 'PT409';
  end if;
  if v_booking.status = 'confirmed' and lower(v_booking.during) <= now() then
    raise exception 'the session has already started' using errcode = 'PT409';
  end if;
  if v_booking.status = 'confirmed' and v_actor = 'customer'
    and lower(v_booking.during) - now() < make_interval(mins => v_rules.change_window_minutes)
  then
    raise exception 'too close to the session to cancel it' using errcode = 'BKWIN';
  end if;
  -- A lapsed hold is already free: it expires rather than being cancelled.
  if v_booking.status = 'held' and v_booking.expires_at <= now() then
    raise exception 'the hold has already expired' using errcode = 'PT409';
  end if;
  update public.bookings as b
    set status = 'cancelled',
      cancellation_reason = p_reason,
      refund_due_minor = case when v_booking.status = 'confirmed' then v_booking.amount_minor end
    where b.id = p_id
    returning * into v_booking;
  return public.booking_document(v_booking);
end;
$$;

-- Staff confirm a hold (paid outside the system, or a courtesy).
create or replace function public.confirm_booking(p_id uuid) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  v_booking := public.lock_booking(p_id);
  if public.require_booking_actor(v_booking, auth.uid(), null) <> 'staff' then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  update public.bookings as b set status = 'confirmed', expires_at = null
    where b.id = p_id
    returning * into v_booking;
  return public.booking_document(v_booking);
end;
$$;

-- Texts about a booking on or off, with no time window: declining texts must always be possible.
create or replace function public.set_booking_sms_opt_in(
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
  v_user uuid := public.booking_requester(p_manage_token_hash);
  v_booking public.bookings;
begin
  if p_opt_in is null then
    raise exception 'opt-in must be true or false' using errcode = '22023';
  end if;
  v_booking := public.lock_booking(p_id);
  perform public.require_booking_actor(v_booking, v_user, p_manage_token_hash);
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

-- Records a consent for the user the server names, or a guest (p_user_id null). Server only: the
-- IP (sealed) and the user agent are evidence taken from the request, never typed by a client.
drop function public.record_consent(text, text, text, text[], text, text);

create function public.record_consent(
  p_user_id uuid,
  p_session_type_slug text,
  p_consent_version text,
  p_email_hash text,
  p_acknowledgments text[],
  p_ip_sealed text,
  p_user_agent text
) returns table (id uuid, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_version public.consent_versions;
  v_session_type_id uuid;
  v_given text[];
begin
  perform public.act_for_user(p_user_id);
  select * into v_version from public.consent_versions as v
    where v.version = p_consent_version and v.active;
  if not found then
    raise exception 'unknown or retired consent version: %', p_consent_version
      using errcode = 'VC002';
  end if;

  select t.id into v_session_type_id from public.session_types as t
    where t.slug = p_session_type_slug and t.active;
  if not found then
    raise exception 'unknown session type: %', p_session_type_slug using errcode = 'PT404';
  end if;

  -- The same items as the version requires, as a set: none missing, none it does not know.
  v_given := array(select distinct item from unnest(p_acknowledgments) as item order by item);
  if array_position(v_given, null) is not null
    or not (v_given @> v_version.required_items and v_given <@ v_version.required_items) then
    raise exception 'the acknowledgments do not match the items of consent version %',
      v_version.version
      using errcode = 'VC001',
        detail = 'required: ' || array_to_string(v_version.required_items, ', ');
  end if;

  insert into public.consent_records as r (
    consent_version, session_type_id, email_hash, user_id, acknowledgments, ip_sealed,
    user_agent, expires_at
  )
  values (
    v_version.version, v_session_type_id, p_email_hash, p_user_id, v_given,
    p_ip_sealed, p_user_agent, now() + make_interval(days => v_version.retention_days)
  )
  returning r.id, r.expires_at into id, expires_at;
  return next;
end;
$$;

-- Supabase's default privileges hand the API roles every sequence too. They insert into no
-- table directly, so they need none: take them away, now and for what later migrations create.
revoke all on all sequences in schema public from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;

-- Internal helpers: called by the functions above, never through the API. is_sealed stays
-- executable by the service role, whose writes the check constraints above evaluate it for.
revoke execute on function public.is_sealed(text) from public, anon, authenticated;
grant execute on function public.is_sealed(text) to service_role;
revoke execute on function
  public.current_booking_rules(),
  public.user_has_app_role(uuid, text),
  public.called_by_server(),
  public.booking_requester(text),
  public.act_for_user(uuid),
  public.booking_actor(public.bookings, uuid, text),
  public.require_booking_actor(public.bookings, uuid, text),
  public.bookings_record_event()
  from public, anon, authenticated, service_role;

-- The server's writes: the service role only.
revoke execute on function
  public.create_booking(
    uuid, text, text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid
  ),
  public.change_booking(uuid, uuid, text, timestamptz, boolean, text, boolean),
  public.record_consent(uuid, text, text, text, text[], text, text)
  from public, anon, authenticated;
grant execute on function
  public.create_booking(
    uuid, text, text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid
  ),
  public.change_booking(uuid, uuid, text, timestamptz, boolean, text, boolean),
  public.record_consent(uuid, text, text, text, text[], text, text)
  to service_role;

-- A signed-in customer or staff member acts through their own token; guests only through the
-- server, which presents their token's hash.
revoke execute on function
  public.read_booking(uuid, text),
  public.booking_change_facts(uuid, text),
  public.cancel_booking(uuid, text, text, boolean),
  public.set_booking_sms_opt_in(uuid, text, boolean)
  from public, anon;
grant execute on function
  public.read_booking(uuid, text),
  public.booking_change_facts(uuid, text),
  public.cancel_booking(uuid, text, text, boolean),
  public.set_booking_sms_opt_in(uuid, text, boolean)
  to authenticated, service_role;
