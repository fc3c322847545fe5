-- Bookings: a customer's hold on, and then booking of, one session with one practitioner, and
-- what availability reads. The database keeps the invariants, so no check-then-write code in
-- the API can race past them:
--
-- - No double booking. Each live booking (held or confirmed) blocks its practitioner for
--   `blocked` = [start, end + the session type's buffer), and an exclusion constraint refuses two
--   live bookings of one practitioner whose blocked ranges overlap: the loser of any race gets
--   SQLSTATE 23P01, which the API answers as 409 slot_unavailable. `during` is the session
--   itself, [start, end), what the customer sees. Ranges are half-open, so a booking that starts
--   exactly when another one's buffer ends fits. As in lib/scheduling/slots.ts, exceptions and
--   working hours concern the session only; the buffer may run past the end of the day.
-- - Holds expire without a job. A hold counts only until expires_at: creating or moving a booking
--   first marks the stale holds that overlap the requested slot as expired, in the same
--   transaction. expire_stale_holds() is the cron sweep that tidies up the rest.
-- - The life of a booking is a state machine (held → confirmed | expired | cancelled,
--   confirmed → completed | cancelled); a trigger refuses every other change of status with
--   SQLSTATE PT409 ("illegal booking transition: a -> b"), which PostgREST answers with 409, and
--   records every status, from the first, in the append-only booking_events.
-- - The practice's rules (hold length, change/cancel window, minimum notice, horizon, slot grid)
--   come from booking_rules, never from the caller.
--
-- The booking functions are the API too: everything granted to anon or authenticated is
-- callable straight through the Data API with the anon key and a customer's own token, so each
-- function enforces every rule itself and takes none as an argument.
-- - Nobody writes bookings through the Data API. create_booking and change_booking take sealed
--   personal data (the database cannot tell ciphertext from text), so they are the server's
--   alone: it calls them with the service role after verifying the caller, and names the acting
--   user (p_user_id, act_for_user). Reading, cancelling, confirming and turning texts on or off
--   are open to the caller's own token.
-- - Who may act on a booking: its owner; a guest presenting the booking's manage token (the API
--   derives the hash from the token with a key the database does not hold, so a hash is honoured
--   only from the server: from any other caller it would be a copy of a database value used as a
--   password, and gets 42501); staff acting as its practitioner (is_my_practitioner), and admins.
--   Staff standing is read from auth.users for the acting user, so a server call on behalf of a
--   user has the same standing as that user's own token. Everyone else learns nothing: the
--   functions answer PT404 as for an unknown id.
--
-- SQLSTATEs the API maps (lib/bookings/booking-errors.ts):
--   23P01  the slot overlaps a live booking (bookings_no_overlap)        → 409 slot_unavailable
--   BKSLT  not a slot: outside working hours or the slot grid, during
--          time off, too soon or beyond the horizon                        → 409 slot_unavailable
--   BKCNS  the session type needs a matching, unexpired consent record     → 422 consent_required
--   BKWIN  the customer is past the cancellation/change window             → 409 cancellation_window_closed
--   PT409  the change is not allowed in the booking's state                → 409 conflict
--   PT404  no such booking (or not the caller's)                           → 404 not_found
--   28000  the acting account no longer exists                             → 401 unauthorized
--   22023  bad arguments (the API validates first; this is the backstop)   → 500, a bug of ours
--
-- Personal data: the customer's name, email, phone and notes arrive sealed by the API and the
-- email also as a keyed lookup hash; the sealed columns take only the sealed format
-- (public.is_sealed). Deleting the customer's account sets user_id to null (the business keeps
-- the booking, for its accounts) and the trigger then erases the sealed values, the hashes and
-- the notes, so the row that stays holds no personal data.

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
  -- Computed by create_booking from session_type_prices, in minor units.
  amount_minor bigint not null constraint bookings_amount_nonnegative check (amount_minor >= 0),
  currency char(3) not null constraint bookings_currency_iso check (currency ~ '^[A-Z]{3}$'),
  -- Ciphertexts and a lookup hash made by the API; null once the customer's account is deleted.
  customer_name_sealed text
    constraint bookings_customer_name_sealed_length
      check (char_length(customer_name_sealed) between 1 and 2000)
    constraint bookings_customer_name_sealed_format check (public.is_sealed(customer_name_sealed)),
  customer_email_sealed text
    constraint bookings_customer_email_sealed_length
      check (char_length(customer_email_sealed) between 1 and 2000)
    constraint bookings_customer_email_sealed_format
      check (public.is_sealed(customer_email_sealed)),
  customer_email_hash text constraint bookings_customer_email_hash_length
    check (char_length(customer_email_hash) between 1 and 200),
  customer_phone_sealed text
    constraint bookings_customer_phone_sealed_length
      check (char_length(customer_phone_sealed) between 1 and 2000)
    constraint bookings_customer_phone_sealed_format
      check (public.is_sealed(customer_phone_sealed)),
  -- A hash of the secret link a guest manages their booking with (user_id null).
  manage_token_hash text constraint bookings_manage_token_hash_length
    check (char_length(manage_token_hash) between 1 and 200),
  -- What customers write to their therapist: health information, sealed like the rest.
  notes_sealed text
    constraint bookings_notes_sealed_length check (char_length(notes_sealed) <= 2000)
    constraint bookings_notes_sealed_format check (public.is_sealed(notes_sealed)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The consent record the booking rests on (consent_for_booking).
  consent_id uuid references public.consent_records (id) on delete set null,
  cancellation_reason text
    constraint bookings_cancellation_reason_length check (char_length(cancellation_reason) <= 500),
  -- What the cancellation policy owes back, in minor units, for the payments module to refund.
  refund_due_minor bigint
    constraint bookings_refund_due_range check (refund_due_minor between 0 and amount_minor),
  -- The payment that paid for the booking (the first captured one; later ones are refunded). Its
  -- foreign key is added with public.payments (the payments migration).
  paid_by_payment_id uuid,
  -- Whether the customer asked for texts about the booking as well as email (notifications).
  sms_opt_in boolean not null default false,
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
create index bookings_manage_token_hash_idx on public.bookings (manage_token_hash)
  where manage_token_hash is not null;
-- read_consent_record asks which bookings rest on a consent record.
create index bookings_consent_id_idx on public.bookings (consent_id);
-- The reminder sweep's one read (enqueue_due_reminders): confirmed sessions by start.
create index bookings_confirmed_start_idx on public.bookings (lower(during))
  where status = 'confirmed';

-- Append-only: every status a booking has had, with who changed it (null: the system — an
-- expiry, a payment confirming a hold — or a guest) and when.
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
    new.notes_sealed := null;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger bookings_before_update
  before update on public.bookings
  for each row execute function public.bookings_before_update();

-- Runs as the table owner (security definer) so that it can write booking_events whoever
-- changed the booking. The actor is the signed-in caller, or the user the server acts for in
-- this transaction (act_for_user); expiry is the system's doing.
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

-- The staff audit (staff_actions): a booking confirmed, cancelled, moved or changed by the staff
-- of its practitioner or an admin, not its customer, whichever function made the change and
-- whether the user's token or the server acting for them (bastion.acting_user) called it. Their
-- standing is read as booking_actor reads it. An expiry is the system's doing even when a user's
-- new booking swept the lapsed hold away.
create function public.bookings_record_staff_action() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor uuid := coalesce(
    auth.uid(), nullif(current_setting('bastion.acting_user', true), '')::uuid
  );
begin
  if v_actor is null or v_actor is not distinct from old.user_id
    or not (
      public.user_has_app_role(v_actor, 'admin')
      or exists (
        select 1 from public.practitioners as p
        where p.id = new.practitioner_id and p.user_id = v_actor
      )
    ) then
    return null;
  end if;
  if new.status is distinct from old.status and new.status <> 'expired' then
    perform public.record_staff_action(
      v_actor,
      case new.status
        when 'confirmed' then 'booking.confirm'
        when 'cancelled' then 'booking.cancel'
        else 'booking.' || new.status
      end,
      'bookings', new.id,
      jsonb_build_object('from_status', old.status, 'to_status', new.status)
        || case when new.refund_due_minor is not null
             then jsonb_build_object('refund_due_minor', new.refund_due_minor) else '{}' end
    );
  end if;
  if new.during is distinct from old.during then
    perform public.record_staff_action(
      v_actor, 'booking.reschedule', 'bookings', new.id,
      jsonb_build_object('from', lower(old.during), 'to', lower(new.during))
    );
  end if;
  if new.notes_sealed is distinct from old.notes_sealed
    or new.sms_opt_in is distinct from old.sms_opt_in then
    perform public.record_staff_action(
      v_actor, 'booking.change', 'bookings', new.id,
      jsonb_build_object(
        'notes_changed', new.notes_sealed is distinct from old.notes_sealed,
        'sms_opt_in', new.sms_opt_in
      )
    );
  end if;
  return null;
end;
$$;

create trigger bookings_record_staff_action
  after update of status, during, notes_sealed, sms_opt_in on public.bookings
  for each row execute function public.bookings_record_staff_action();

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
  using (public.has_app_role('staff') and public.is_my_practitioner(practitioner_id));

create policy "Admins read all bookings"
  on public.bookings for select
  to authenticated
  using (public.has_app_role('admin'));

-- Whoever may read the booking may read its history (the subquery is filtered by the policies
-- on bookings).
create policy "Readers of a booking read its events"
  on public.booking_events for select
  to authenticated
  using (exists (select 1 from public.bookings as b where b.id = booking_events.booking_id));

-- ---------------------------------------------------------------------------------------------
-- Internal helpers: called by the functions below, never through the API.

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

-- Who may act on a booking, for the acting user or guest: 'customer' (owner, or the guest whose
-- token hash the server presents), 'staff' (its practitioner's staff, or an admin), or null.
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

-- The booking, locked for the caller's read or change; PT404 when it does not exist, the same
-- answer require_booking_actor gives a caller who may not act on it.
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

-- What the API answers about a booking (lib/bookings/booking-view.ts), plus what it needs to
-- invalidate cached availability. `status` is as of now: a hold past its expiry reads expired
-- before the sweep has marked it. `changeable_until` is until when its customer may reschedule
-- or cancel it online (the start minus the rules' change window), so an app offers only what
-- the database will accept; `sms_opt_in` shows whether texts are on.
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

-- Whether a session may start at this instant: on the slot grid inside the practitioner's working
-- hours of that local day, not during time off, at least the minimum notice from now and before
-- the horizon. BKSLT otherwise. The buffer may run past working hours.
create function public.check_bookable(p_practitioner_id uuid, p_during tstzrange)
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

-- ---------------------------------------------------------------------------------------------
-- The booking functions.

-- Places a hold (a confirmed booking when the session is free) for the user the server names,
-- or for a guest (p_user_id null) by the hash of the token the server made. Server only: the
-- customer's data arrives sealed. The price comes from session_type_prices, the hold length from
-- booking_rules. One transaction: stale holds in the way expire, then the insert wins the slot
-- or fails with 23P01.
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
create function public.read_booking(p_id uuid, p_manage_token_hash text default null)
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

-- PUT /api/bookings/:id as one transaction: moves a held or confirmed booking to another slot,
-- replaces its notes and/or turns texts on or off (so a PUT that moves a booking and turns texts
-- on commits both or neither), for the user the server names or a guest. Server only: the notes
-- arrive sealed. Customers may do so up to the rules' change window before the current start;
-- staff at any time. The new slot is checked as a new booking's would be; the exclusion
-- constraint refuses an overlap (23P01).
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

-- What a reschedule needs to choose its new slot (the session type and the range the booking
-- keeps free), with no personal data, so a staff reschedule writes no personal_data_reads row.
create function public.booking_change_facts(
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

-- Texts about a booking on or off (PUT /api/bookings/:id smsReminders alone), with no time
-- window: declining texts must always be possible. The API checks the number against the SMS
-- rules first; here only that there is one.
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

-- The cron sweep: every hold past its expiry becomes expired; answers which ranges it freed, so
-- the API can forget the cached availability around them.
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

select public.restrict_execute('{}',
  'public.bookings_before_update()',
  'public.bookings_record_event()',
  'public.booking_events_append_only()',
  'public.bookings_record_staff_action()',
  'public.booking_requester(text)',
  'public.booking_actor(public.bookings, uuid, text)',
  'public.require_booking_actor(public.bookings, uuid, text)',
  'public.lock_booking(uuid)',
  'public.booking_document(public.bookings)',
  'public.check_bookable(uuid, tstzrange)',
  'public.expire_holds_in_the_way(uuid, tstzrange)',
  'public.consent_for_booking(public.session_types, text, uuid)');

-- The server's writes and sweep: the service role only.
select public.restrict_execute('{service_role}',
  'public.create_booking(uuid, text, text, text, uuid, timestamptz, text, text, text, text, text, text, boolean, uuid)',
  'public.change_booking(uuid, uuid, text, timestamptz, boolean, text, boolean)',
  'public.expire_stale_holds()');

-- A signed-in customer or staff member acts through their own token; guests only through the
-- server, which presents their token's hash.
select public.restrict_execute('{authenticated,service_role}',
  'public.read_booking(uuid, text)',
  'public.my_bookings(int, timestamptz, uuid)',
  'public.booking_change_facts(uuid, text)',
  'public.cancel_booking(uuid, text, text, boolean)',
  'public.confirm_booking(uuid)',
  'public.set_booking_sms_opt_in(uuid, text, boolean)');

-- ---------------------------------------------------------------------------------------------
-- What availability (GET/POST /api/availability, lib/scheduling/availability.ts) reads besides
-- the public catalogue: when a practitioner is busy and when they are away, as plain instants.
--
-- - busy_ranges: the API roles may not read bookings (they hold personal data), yet every
--   visitor must see which slots are taken. This security-definer function hands out only the
--   `blocked` range ([start, end + buffer)) of each live booking — held and not yet expired, or
--   confirmed — of one active practitioner in one window: no ids, no customers, no status, so
--   nobody learns whose booking it is or whether it is merely a hold.
-- - exception_ranges: the API roles may already read schedule_exceptions.during (not the
--   reason); this returns the same ranges as two timestamptz columns, so the API need not parse
--   Postgres' range text. Security invoker: row-level security applies as to a direct read.
--
-- Both take a half-open window [p_from, p_to) of at most 31 days (availability asks for three)
-- and answer 22023 for a missing, reversed or longer window, so nobody can page through a
-- practitioner's whole calendar in one call.

-- The window both functions below accept, as a range; 22023 for anything else. Pure arithmetic:
-- it keeps its default grants.
create function public.calendar_window(
  p_practitioner_id uuid,
  p_from timestamptz,
  p_to timestamptz
)
returns tstzrange
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_practitioner_id is null or p_from is null or p_to is null or p_from >= p_to
    or p_to - p_from > interval '31 days' then
    raise exception 'a practitioner and a window [from, to) of at most 31 days are required'
      using errcode = '22023';
  end if;
  return tstzrange(p_from, p_to, '[)');
end;
$$;

create function public.busy_ranges(p_practitioner_id uuid, p_from timestamptz, p_to timestamptz)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  requested tstzrange := public.calendar_window(p_practitioner_id, p_from, p_to);
begin
  -- status in (held, confirmed) matches the partial GiST index of bookings_no_overlap.
  return query
    select lower(b.blocked), upper(b.blocked)
    from public.bookings as b
    where b.practitioner_id = p_practitioner_id
      and b.status in ('held', 'confirmed')
      and (b.status = 'confirmed' or b.expires_at > now())
      and b.blocked && requested
      and exists (
        select 1 from public.practitioners as p where p.id = p_practitioner_id and p.active
      )
    order by lower(b.blocked);
end;
$$;

create function public.exception_ranges(
  p_practitioner_id uuid,
  p_from timestamptz,
  p_to timestamptz
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  requested tstzrange := public.calendar_window(p_practitioner_id, p_from, p_to);
begin
  return query
    select lower(e.during), upper(e.during)
    from public.schedule_exceptions as e
    where e.practitioner_id = p_practitioner_id
      and e.during && requested
    order by lower(e.during);
end;
$$;

select public.restrict_execute('{anon,authenticated,service_role}',
  'public.busy_ranges(uuid, timestamptz, timestamptz)',
  'public.exception_ranges(uuid, timestamptz, timestamptz)');
