-- Bookings (issue #5): a customer's hold on, and then booking of, one session with one
-- practitioner. The database keeps the invariants, so no check-then-write code in the API can
-- race past them:
--
-- - No double booking. Each live booking (held or confirmed) blocks its practitioner for
--   `blocked` = [start, end + the session type's buffer), and an exclusion constraint refuses two
--   live bookings of one practitioner whose blocked ranges overlap: the loser of any race gets
--   SQLSTATE 23P01, which the API answers as 409 slot_unavailable. `during` is the session
--   itself, [start, end), what the customer sees. Ranges are half-open, so a booking that starts
--   exactly when another one's buffer ends fits. As in lib/scheduling/slots.ts, exceptions and
--   working hours concern the session only; the buffer may run past the end of the day.
-- - Holds expire without a job. A hold counts only until expires_at: create_booking_hold first
--   marks the stale holds that overlap the requested slot as expired, in the same transaction,
--   and then inserts. expire_stale_holds() is the cron sweep that tidies up the rest.
-- - The life of a booking is a state machine (held → confirmed | expired | cancelled,
--   confirmed → completed | cancelled); a trigger refuses every other change of status with
--   SQLSTATE PT409 ("illegal booking transition: a -> b"), which PostgREST answers with 409, and
--   records every status, from the first, in the append-only booking_events.
-- - Nobody writes bookings through the Data API. Customers create holds with
--   create_booking_hold (security definer, it takes the caller from auth.uid() and the price from
--   session_type_prices, never from the caller); everything else (confirming after payment,
--   cancelling, completing) goes through the service role or later security-definer functions.
--
-- Personal data: the customer's name, email and phone arrive sealed by the API (lib/crypto,
-- AES-256-GCM with a key id) and the email also as a keyed lookup hash; Postgres never sees
-- them in the clear. Deleting the customer's account sets user_id to null (the business keeps
-- the booking, for its accounts) and the trigger then erases the sealed values, the hash and the
-- notes, so the row that stays holds no personal data. Guest bookings (user_id null from the
-- start, with a manage_token_hash) come later: for now create_booking_hold requires a signed-in
-- caller.

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete set null,
  practitioner_id uuid not null references public.practitioners (id),
  session_type_id uuid not null references public.session_types (id),
  format text not null constraint bookings_format check (format in ('video', 'in_person')),
  -- The session, [start, end).
  during tstzrange not null
    constraint bookings_during_not_empty check (not isempty(during))
    constraint bookings_during_bounded check (not lower_inf(during) and not upper_inf(during))
    constraint bookings_during_half_open check (lower_inc(during) and not upper_inc(during)),
  -- The session and the buffer after it, [start, end + buffer): what the booking keeps free.
  blocked tstzrange not null,
  status text not null constraint bookings_status
    check (status in ('held', 'confirmed', 'completed', 'expired', 'cancelled')),
  -- When a hold stops counting. Kept after the hold ends, to show when it lapsed.
  expires_at timestamptz,
  -- Computed by create_booking_hold from session_type_prices, in minor units.
  amount_minor bigint not null constraint bookings_amount_nonnegative check (amount_minor >= 0),
  currency char(3) not null constraint bookings_currency_iso check (currency ~ '^[A-Z]{3}$'),
  -- Ciphertexts and a lookup hash made by the API; null once the customer's account is deleted.
  customer_name_sealed text constraint bookings_customer_name_sealed_length
    check (char_length(customer_name_sealed) between 1 and 2000),
  customer_email_sealed text constraint bookings_customer_email_sealed_length
    check (char_length(customer_email_sealed) between 1 and 2000),
  customer_email_hash text constraint bookings_customer_email_hash_length
    check (char_length(customer_email_hash) between 1 and 200),
  customer_phone_sealed text constraint bookings_customer_phone_sealed_length
    check (char_length(customer_phone_sealed) between 1 and 2000),
  -- A hash of the secret link a guest manages their booking with (guests come later).
  manage_token_hash text constraint bookings_manage_token_hash_length
    check (char_length(manage_token_hash) between 1 and 200),
  notes text constraint bookings_notes_length check (char_length(notes) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bookings_blocked_covers_during check (
    lower(blocked) = lower(during) and upper(blocked) >= upper(during)
    and lower_inc(blocked) and not upper_inc(blocked)
  ),
  constraint bookings_held_expires check (status <> 'held' or expires_at is not null),
  -- Two live bookings of one practitioner never overlap, buffers included. btree_gist (schema
  -- extensions) supplies the default GiST operator class for uuid; default operator classes are
  -- found in the catalogue, not through search_path, so this works with any search_path.
  constraint bookings_no_overlap exclude using gist (
    practitioner_id with =,
    blocked with &&
  ) where (status in ('held', 'confirmed'))
);

-- "My bookings", newest first; and the sweep's "holds past their expiry".
create index bookings_user_id_idx on public.bookings (user_id, created_at desc);
create index bookings_held_expires_at_idx on public.bookings (expires_at) where status = 'held';
create index bookings_customer_email_hash_idx on public.bookings (customer_email_hash);

-- Append-only: every status a booking has had, with who changed it (null: the system, such as
-- an expiry, or the server itself) and when.
create table public.booking_events (
  id bigint generated always as identity primary key,
  booking_id uuid not null references public.bookings (id),
  from_status text,
  to_status text not null,
  actor uuid references auth.users (id) on delete set null,
  at timestamptz not null default now(),
  detail jsonb not null default '{}'::jsonb
);

create index booking_events_booking_id_idx on public.booking_events (booking_id, id);

-- The state machine, updated_at, and the erasure of personal data when the account goes.
create function public.bookings_before_update() returns trigger
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
    new.notes := null;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger bookings_before_update
  before update on public.bookings
  for each row execute function public.bookings_before_update();

-- Runs as the table owner (security definer) so that it can write booking_events whoever
-- changed the booking. The actor is the signed-in caller, if any; expiry is the system's doing.
create function public.bookings_record_event() returns trigger
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
      case when new.status <> 'expired' then auth.uid() end,
      case when new.status = 'expired' then jsonb_build_object('expires_at', new.expires_at)
        else '{}'::jsonb end
    );
  end if;
  return null;
end;
$$;

create trigger bookings_record_event
  after insert or update of status on public.bookings
  for each row execute function public.bookings_record_event();

create function public.booking_events_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The actor's account being deleted (on delete set null) is the one change allowed.
  if tg_op = 'UPDATE' and old.actor is not null and new.actor is null
    and (new.id, new.booking_id, new.from_status, new.to_status, new.at, new.detail)
      is not distinct from (old.id, old.booking_id, old.from_status, old.to_status, old.at, old.detail)
  then
    return new;
  end if;
  raise exception 'booking_events is append-only' using errcode = '42501';
end;
$$;

create trigger booking_events_append_only
  before update or delete on public.booking_events
  for each row execute function public.booking_events_append_only();

-- Whether the caller is the staff account acting as this practitioner. Security definer because
-- the API roles may not read practitioners.user_id; it answers only about the caller.
create function public.is_my_practitioner(p_practitioner_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.practitioners as p
    where p.id = p_practitioner_id and p.user_id = (select auth.uid())
  )
$$;

alter table public.bookings enable row level security;
alter table public.booking_events enable row level security;

-- Read only, and only through the policies below; writes go through the functions.
revoke all on table public.bookings, public.booking_events from anon, authenticated;
grant select on table public.bookings, public.booking_events to authenticated;

create policy "Customers read their own bookings"
  on public.bookings for select
  to authenticated
  using (user_id = (select auth.uid()));

create policy "Staff read the bookings of their practitioner"
  on public.bookings for select
  to authenticated
  using (
    (select auth.jwt() -> 'app_metadata' ->> 'role') = 'staff'
    and public.is_my_practitioner(practitioner_id)
  );

create policy "Admins read all bookings"
  on public.bookings for select
  to authenticated
  using ((select auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');

-- Whoever may read the booking may read its history (the subquery is filtered by the policies
-- on bookings).
create policy "Readers of a booking read its events"
  on public.booking_events for select
  to authenticated
  using (exists (select 1 from public.bookings as b where b.id = booking_events.booking_id));

-- Places a hold (or, for a free session, a confirmed booking) for the signed-in caller. One call,
-- one transaction: stale holds in the way expire, then the insert either wins the slot or fails
-- with 23P01. Other errors: 42501 not signed in; 22023 bad arguments; PT404 unknown or inactive
-- session type, practitioner or price; PT422 "slot_unavailable: …" outside working hours, during
-- an exception or in the past.
--
-- The price is the active session_type_prices row for the type, format and p_currency (the API
-- chooses the currency; INR, the practice's own, unless told otherwise).
create function public.create_booking_hold(
  p_session_type_slug text,
  p_format text,
  p_practitioner_id uuid,
  p_start timestamptz,
  p_customer_name_sealed text,
  p_customer_email_sealed text,
  p_customer_email_hash text,
  p_customer_phone_sealed text,
  p_hold_minutes int default 10,
  p_currency text default 'INR'
) returns public.bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_type public.session_types;
  v_time_zone text;
  v_amount bigint;
  v_during tstzrange;
  v_blocked tstzrange;
  v_local_start timestamp;
  v_local_end timestamp;
  v_booking public.bookings;
begin
  if v_user is null then
    raise exception 'sign in to book' using errcode = '42501';
  end if;
  if p_format is null or p_format not in ('video', 'in_person') then
    raise exception 'format must be video or in_person' using errcode = '22023';
  end if;
  if p_start is null or p_practitioner_id is null or p_session_type_slug is null then
    raise exception 'session type, practitioner and start are required' using errcode = '22023';
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

  select p.time_zone into v_time_zone from public.practitioners as p
    where p.id = p_practitioner_id and p.active;
  if not found then
    raise exception 'unknown practitioner: %', p_practitioner_id using errcode = 'PT404';
  end if;

  select pr.amount_minor into v_amount from public.session_type_prices as pr
    where pr.session_type_id = v_type.id and pr.format = p_format
      and pr.currency = upper(p_currency) and pr.active;
  if not found then
    raise exception 'no % price for % in %', p_format, p_session_type_slug, upper(p_currency)
      using errcode = 'PT404';
  end if;

  v_during := tstzrange(p_start, p_start + make_interval(mins => v_type.duration_minutes), '[)');
  v_blocked := tstzrange(
    p_start, upper(v_during) + make_interval(mins => v_type.buffer_minutes), '[)'
  );

  if p_start < now() then
    raise exception 'slot_unavailable: the start is in the past' using errcode = 'PT422';
  end if;

  -- The session lies inside one working interval of its local day (the buffer may run past it).
  v_local_start := p_start at time zone v_time_zone;
  v_local_end := upper(v_during) at time zone v_time_zone;
  if not exists (
    select 1 from public.working_hours as w
    where w.practitioner_id = p_practitioner_id
      and w.weekday = extract(isodow from v_local_start)
      and v_local_start >= v_local_start::date + w.start_time
      and v_local_end <= v_local_start::date + w.end_time
  ) then
    raise exception 'slot_unavailable: outside the practitioner''s working hours'
      using errcode = 'PT422';
  end if;

  if exists (
    select 1 from public.schedule_exceptions as e
    where e.practitioner_id = p_practitioner_id and e.during && v_during
  ) then
    raise exception 'slot_unavailable: the practitioner is away' using errcode = 'PT422';
  end if;

  -- Holds past their expiry stop counting now, not when the sweep next runs.
  update public.bookings as b
    set status = 'expired'
    where b.practitioner_id = p_practitioner_id
      and b.status = 'held'
      and b.expires_at <= now()
      and b.blocked && v_blocked;

  insert into public.bookings (
    user_id, practitioner_id, session_type_id, format, during, blocked, status, expires_at,
    amount_minor, currency, customer_name_sealed, customer_email_sealed, customer_email_hash,
    customer_phone_sealed
  )
  values (
    v_user, p_practitioner_id, v_type.id, p_format, v_during, v_blocked,
    case when v_amount = 0 then 'confirmed' else 'held' end,
    case when v_amount = 0 then null else now() + make_interval(mins => p_hold_minutes) end,
    v_amount, upper(p_currency), p_customer_name_sealed, p_customer_email_sealed,
    p_customer_email_hash, p_customer_phone_sealed
  )
  returning * into v_booking;

  return v_booking;
end;
$$;

-- The cron sweep: every hold past its expiry becomes expired. Returns how many.
create function public.expire_stale_holds() returns int
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  update public.bookings set status = 'expired'
    where status = 'held' and expires_at <= now();
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

revoke execute on function public.bookings_before_update(), public.bookings_record_event(),
  public.booking_events_append_only()
  from public, anon, authenticated, service_role;
revoke execute on function public.is_my_practitioner(uuid) from public, anon;
grant execute on function public.is_my_practitioner(uuid) to authenticated;
revoke execute on function
  public.create_booking_hold(text, text, uuid, timestamptz, text, text, text, text, int, text)
  from public, anon;
grant execute on function
  public.create_booking_hold(text, text, uuid, timestamptz, text, text, text, text, int, text)
  to authenticated;
revoke execute on function public.expire_stale_holds() from public, anon, authenticated;
grant execute on function public.expire_stale_holds() to service_role;
