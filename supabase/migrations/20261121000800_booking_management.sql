-- Managing bookings through the API (issue #5): guests as well as signed-in customers, consent,
-- notes sealed like the rest of the customer's data, and every change a customer, a guest or
-- staff makes as one security-definer function, so each is one transaction and decides who may
-- do it in one place (booking_actor). Replaces create_booking_hold (20261121000400) by
-- create_booking, and expire_stale_holds by a version that says which ranges it freed.
--
-- Who may act on a booking:
-- - its owner (user_id = auth.uid()),
-- - a guest presenting the booking's manage token (the API sends its keyed hash; the token
--   itself is never stored),
-- - staff acting as its practitioner (is_my_practitioner), and admins.
-- Everyone else learns nothing: the functions answer PT404 as for an unknown id.
--
-- SQLSTATEs the API maps (lib/bookings/booking-errors.ts):
--   23P01  the slot overlaps a live booking (bookings_no_overlap)        → 409 slot_unavailable
--   BKSLT  outside working hours, during time off, or in the past          → 409 slot_unavailable
--   BKCNS  the session type needs a matching, unexpired consent record     → 422 consent_required
--   BKWIN  the customer is past the cancellation/change window             → 409 cancellation_window_closed
--   PT409  the change is not allowed in the booking's state                → 409 conflict
--   PT404  no such booking (or not the caller's)                           → 404 not_found
--   22023  bad arguments (the API validates first; this is the backstop)   → 500, a bug of ours

-- Customers write notes to their therapist: health information, sealed like the rest.
alter table public.bookings rename column notes to notes_sealed;
alter table public.bookings rename constraint bookings_notes_length to bookings_notes_sealed_length;

alter table public.bookings
  add column consent_id uuid references public.consent_records (id) on delete set null,
  add column cancellation_reason text
    constraint bookings_cancellation_reason_length check (char_length(cancellation_reason) <= 500),
  -- What the cancellation policy owes back, in minor units, for the payments module to refund.
  add column refund_due_minor bigint
    constraint bookings_refund_due_range check (refund_due_minor between 0 and amount_minor);

create index bookings_manage_token_hash_idx on public.bookings (manage_token_hash)
  where manage_token_hash is not null;

create or replace function public.bookings_before_update() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status and not (
    (old.status = 'held' and new.status in ('confirmed', 'expired', 'cancelled'))
    or (old.status = 'confirmed' and new.status in ('completed', 'cancelled'))
  ) then
    raise exception 'illegal booking transition: % -> %', old.status, new.status
      using errcode = 'PT409',
        hint = 'A hold may be confirmed, expire or be cancelled; a confirmed booking may be completed or cancelled.';
  end if;
  -- The account was deleted (on delete set null): keep the booking, drop what identifies them.
  if old.user_id is not null and new.user_id is null then
    new.customer_name_sealed := null;
    new.customer_email_sealed := null;
    new.customer_email_hash := null;
    new.customer_phone_sealed := null;
    new.manage_token_hash := null;
    new.notes_sealed := null;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

-- Roles as the API sees them (has_app_role reads `role` and `roles`, admin implying staff).
drop policy "Staff read the bookings of their practitioner" on public.bookings;
drop policy "Admins read all bookings" on public.bookings;

create policy "Staff read the bookings of their practitioner"
  on public.bookings for select
  to authenticated
  using (public.has_app_role('staff') and public.is_my_practitioner(practitioner_id));

create policy "Admins read all bookings"
  on public.bookings for select
  to authenticated
  using (public.has_app_role('admin'));

-- Whether the caller may act on the booking, and as whom: 'customer' (owner or guest with the
-- token), 'staff' (its practitioner's staff, or an admin), or null.
create function public.booking_actor(p_booking public.bookings, p_manage_token_hash text)
returns text
language sql stable
security definer
set search_path = ''
as $$
  select case
    when p_booking.user_id is not null and p_booking.user_id = (select auth.uid()) then 'customer'
    when p_manage_token_hash is not null and p_booking.manage_token_hash = p_manage_token_hash
      then 'customer'
    when public.has_app_role('admin') then 'staff'
    when public.has_app_role('staff') and public.is_my_practitioner(p_booking.practitioner_id)
      then 'staff'
  end
$$;

-- The booking, locked for the caller's read or change, and the caller's standing towards it;
-- PT404 when it does not exist or the caller may not act on it (indistinguishable on purpose).
create function public.lock_booking(p_id uuid) returns public.bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  select * into v_booking from public.bookings as b where b.id = p_id for update;
  if not found then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  return v_booking;
end;
$$;

create function public.require_booking_actor(p_booking public.bookings, p_manage_token_hash text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_actor text := public.booking_actor(p_booking, p_manage_token_hash);
begin
  if v_actor is null then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  return v_actor;
end;
$$;

-- What the API answers about a booking (lib/bookings/booking-view.ts), plus what it needs to
-- invalidate cached availability. `status` is as of now: a hold past its expiry reads expired
-- before the sweep has marked it.
create function public.booking_document(p_booking public.bookings) returns jsonb
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
    'amount_minor', p_booking.amount_minor,
    'currency', p_booking.currency,
    'customer_name_sealed', p_booking.customer_name_sealed,
    'customer_email_sealed', p_booking.customer_email_sealed,
    'customer_phone_sealed', p_booking.customer_phone_sealed,
    'notes_sealed', p_booking.notes_sealed,
    'guest', p_booking.user_id is null and p_booking.manage_token_hash is not null,
    'cancellation_reason', p_booking.cancellation_reason,
    'refund_due_minor', p_booking.refund_due_minor,
    'created_at', p_booking.created_at,
    'practitioner_id', p_booking.practitioner_id,
    'blocked_from', lower(p_booking.blocked),
    'blocked_to', upper(p_booking.blocked)
  )
  from public.session_types as t, public.practitioners as p
  where t.id = p_booking.session_type_id and p.id = p_booking.practitioner_id
$$;

-- Whether the practitioner works the whole session and is not away, and it is not past:
-- BKSLT otherwise. The local day of the start decides; the buffer may run past working hours.
create function public.check_bookable(p_practitioner_id uuid, p_during tstzrange) returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_time_zone text;
  v_local_start timestamp;
  v_local_end timestamp;
begin
  select p.time_zone into v_time_zone from public.practitioners as p
    where p.id = p_practitioner_id and p.active;
  if not found then
    raise exception 'unknown practitioner: %', p_practitioner_id using errcode = 'PT404';
  end if;
  if lower(p_during) < now() then
    raise exception 'the start is in the past' using errcode = 'BKSLT';
  end if;
  v_local_start := lower(p_during) at time zone v_time_zone;
  v_local_end := upper(p_during) at time zone v_time_zone;
  if not exists (
    select 1 from public.working_hours as w
    where w.practitioner_id = p_practitioner_id
      and w.weekday = extract(isodow from v_local_start)
      and v_local_start >= v_local_start::date + w.start_time
      and v_local_end <= v_local_start::date + w.end_time
  ) then
    raise exception 'outside the practitioner''s working hours' using errcode = 'BKSLT';
  end if;
  if exists (
    select 1 from public.schedule_exceptions as e
    where e.practitioner_id = p_practitioner_id and e.during && p_during
  ) then
    raise exception 'the practitioner is away' using errcode = 'BKSLT';
  end if;
end;
$$;

-- Holds past their expiry that overlap the range stop counting now, not at the next sweep.
create function public.expire_holds_in_the_way(p_practitioner_id uuid, p_blocked tstzrange)
returns void
language sql
volatile
security definer
set search_path = ''
as $$
  update public.bookings as b
    set status = 'expired'
    where b.practitioner_id = p_practitioner_id
      and b.status = 'held'
      and b.expires_at <= now()
      and b.blocked && p_blocked
$$;

-- The consent record a booking of this type by this email rests on: the one named, or else the
-- latest; it must be for this session type and email and not expired. Null when none is needed.
create function public.consent_for_booking(
  p_session_type public.session_types,
  p_customer_email_hash text,
  p_consent_id uuid
) returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_consent_id uuid;
begin
  if not p_session_type.requires_consent and p_consent_id is null then
    return null;
  end if;
  select c.id into v_consent_id
    from public.consent_records as c
    where c.session_type_id = p_session_type.id
      and c.email_hash = p_customer_email_hash
      and c.expires_at > now()
      and (p_consent_id is null or c.id = p_consent_id)
    order by c.created_at desc
    limit 1;
  if v_consent_id is null then
    raise exception 'no consent record for % with this email', p_session_type.slug
      using errcode = 'BKCNS';
  end if;
  return v_consent_id;
end;
$$;

drop function public.create_booking_hold(
  text, text, uuid, timestamptz, text, text, text, text, int, text
);

-- Places a hold (a confirmed booking when the session is free) for the signed-in caller, or for
-- a guest when p_manage_token_hash is given and nobody is signed in. The price comes from
-- session_type_prices for the type, format and currency, never from the caller. One call, one
-- transaction: stale holds in the way expire, then the insert wins the slot or fails with 23P01.
create function public.create_booking(
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
  p_consent_id uuid,
  p_manage_token_hash text,
  p_hold_minutes int default 10
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_type public.session_types;
  v_amount bigint;
  v_during tstzrange;
  v_blocked tstzrange;
  v_booking public.bookings;
begin
  if v_user is null and p_manage_token_hash is null then
    raise exception 'a guest booking needs a manage token' using errcode = '22023';
  end if;
  if v_user is not null and p_manage_token_hash is not null then
    raise exception 'signed-in customers manage bookings with their account' using errcode = '22023';
  end if;
  if p_format is null or p_format not in ('video', 'in_person') then
    raise exception 'format must be video or in_person' using errcode = '22023';
  end if;
  if p_start is null or p_practitioner_id is null or p_session_type_slug is null
    or p_currency is null then
    raise exception 'session type, practitioner, start and currency are required'
      using errcode = '22023';
  end if;
  if p_hold_minutes is null or p_hold_minutes not between 1 and 60 then
    raise exception 'hold minutes must be between 1 and 60' using errcode = '22023';
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
    v_user, p_practitioner_id, v_type.id, p_format, v_during, v_blocked,
    case when v_amount = 0 then 'confirmed' else 'held' end,
    case when v_amount = 0 then null else now() + make_interval(mins => p_hold_minutes) end,
    v_amount, upper(p_currency), p_customer_name_sealed, p_customer_email_sealed,
    p_customer_email_hash, p_customer_phone_sealed, p_notes_sealed,
    public.consent_for_booking(v_type, p_customer_email_hash, p_consent_id),
    p_manage_token_hash
  )
  returning * into v_booking;

  return public.booking_document(v_booking);
end;
$$;

-- One booking for its owner, its guest (by token), or staff; PT404 for anyone else. Staff and
-- admins get the customer's personal data, so their reads are logged in the same transaction.
create function public.read_booking(p_id uuid, p_manage_token_hash text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_actor text;
begin
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, p_manage_token_hash);
  if v_actor = 'staff' then
    perform public.record_personal_data_read(
      'bookings', v_booking.id, array['customer_name', 'customer_email', 'customer_phone', 'notes']
    );
  end if;
  return public.booking_document(v_booking);
end;
$$;

-- The caller's own bookings, newest first, a page at a time: the rows after the cursor
-- (created_at, id) of the last one seen.
create function public.my_bookings(
  p_limit int,
  p_after_created_at timestamptz default null,
  p_after_id uuid default null
) returns setof jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'sign in to list bookings' using errcode = '42501';
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'limit must be between 1 and 100' using errcode = '22023';
  end if;
  return query
    select public.booking_document(b)
    from public.bookings as b
    where b.user_id = (select auth.uid())
      and (p_after_created_at is null or (b.created_at, b.id) < (p_after_created_at, p_after_id))
    order by b.created_at desc, b.id desc
    limit p_limit;
end;
$$;

-- Moves a held or confirmed booking to another start, and/or replaces its notes. Customers may
-- do so up to p_window before the current start; staff at any time. The new slot is checked as
-- a new booking would be, and the exclusion constraint refuses an overlap (23P01).
create function public.change_booking(
  p_id uuid,
  p_manage_token_hash text,
  p_start timestamptz,
  p_change_notes boolean,
  p_notes_sealed text,
  p_window interval
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

  return public.booking_document(v_booking);
end;
$$;

-- Cancels a booking. p_holds_only: only an unpaid hold (DELETE /api/bookings/:id). Customers
-- may cancel a hold at any time and a confirmed booking up to p_window before it starts, with a
-- full refund; staff may cancel any live booking, with a full refund. The refund owed is
-- recorded for the payments module.
create function public.cancel_booking(
  p_id uuid,
  p_manage_token_hash text,
  p_reason text,
  p_window interval,
  p_holds_only boolean
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_actor text;
begin
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, p_manage_token_hash);
  if p_holds_only and v_booking.status <> 'held' then
    raise exception 'only an unpaid hold can be withdrawn; cancel the booking instead'
      using errcode = 'PT409';
  end if;
  if v_booking.status = 'confirmed' and v_actor = 'customer'
    and lower(v_booking.during) - now() < p_window then
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

-- Staff confirm a hold (paid outside the system, or a courtesy). A hold still marked held has
-- kept its slot, since creating any overlapping booking expires it first.
create function public.confirm_booking(p_id uuid) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
  v_actor text;
begin
  v_booking := public.lock_booking(p_id);
  v_actor := public.require_booking_actor(v_booking, null);
  if v_actor <> 'staff' then
    raise exception 'no such booking' using errcode = 'PT404';
  end if;
  update public.bookings as b set status = 'confirmed', expires_at = null
    where b.id = p_id
    returning * into v_booking;
  return public.booking_document(v_booking);
end;
$$;

-- The cron sweep: every hold past its expiry becomes expired; answers which ranges it freed, so
-- the API can forget the cached availability around them.
drop function public.expire_stale_holds();
create function public.expire_stale_holds()
returns table (practitioner_id uuid, blocked_from timestamptz, blocked_to timestamptz)
language sql
volatile
security definer
set search_path = ''
as $$
  update public.bookings as b set status = 'expired'
    where b.status = 'held' and b.expires_at <= now()
    returning b.practitioner_id, lower(b.blocked), upper(b.blocked)
$$;

revoke execute on function
  public.booking_actor(public.bookings, text),
  public.lock_booking(uuid),
  public.require_booking_actor(public.bookings, text),
  public.booking_document(public.bookings),
  public.check_bookable(uuid, tstzrange),
  public.expire_holds_in_the_way(uuid, tstzrange),
  public.consent_for_booking(public.session_types, text, uuid)
  from public, anon, authenticated, service_role;

revoke execute on function
  public.create_booking(
    text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid, text, int
  ),
  public.read_booking(uuid, text),
  public.change_booking(uuid, text, timestamptz, boolean, text, interval),
  public.cancel_booking(uuid, text, text, interval, boolean)
  from public;
grant execute on function
  public.create_booking(
    text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid, text, int
  ),
  public.read_booking(uuid, text),
  public.change_booking(uuid, text, timestamptz, boolean, text, interval),
  public.cancel_booking(uuid, text, text, interval, boolean)
  to anon, authenticated;

revoke execute on function public.my_bookings(int, timestamptz, uuid), public.confirm_booking(uuid)
  from public, anon;
grant execute on function public.my_bookings(int, timestamptz, uuid), public.confirm_booking(uuid)
  to authenticated;

revoke execute on function public.expire_stale_holds() from public, anon, authenticated;
grant execute on function public.expire_stale_holds() to service_role;
