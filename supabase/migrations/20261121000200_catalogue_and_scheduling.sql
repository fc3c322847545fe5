-- The catalogue and the practitioners' schedules: what can be booked, at what price, when
-- practitioners work, and the practice's booking rules. Everything here is public by nature —
-- the SPA shows it to visitors before they sign in, and availability is computed from it — so
-- the API roles may read the active rows; nobody but the server writes (npm run setup, through
-- the service role: the practice setup migration).
--
-- Money is an integer in minor units with an ISO 4217 currency; working hours are local wall
-- clock times in the practitioner's IANA time zone; exceptions are UTC instants.

-- Exclusion constraints below compare uuid and smallint columns with = inside a GiST index.
create extension if not exists btree_gist with schema extensions;

create table public.session_types (
  id uuid primary key default gen_random_uuid(),
  -- The stable name the SPA and bookings use (individual, couples, family, free).
  slug text not null
    constraint session_types_slug_key unique
    constraint session_types_slug_format check (slug ~ '^[a-z][a-z0-9_-]{0,49}$'),
  name text not null constraint session_types_name_length
    check (char_length(btrim(name)) between 1 and 100),
  description text not null constraint session_types_description_length
    check (char_length(description) <= 2000),
  duration_minutes int not null constraint session_types_duration_range
    check (duration_minutes > 0 and duration_minutes <= 1440),
  -- Kept free after a session before the next one may start (notes, a break).
  buffer_minutes int not null default 0 constraint session_types_buffer_range
    check (buffer_minutes >= 0 and buffer_minutes <= 1440),
  -- Whether the client must give informed consent before the session. Opt out, not in.
  requires_consent boolean not null default true,
  -- The order the catalogue is shown in (lower first).
  sort_order smallint not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- One price per session type, currency and format. Free sessions have a price of 0, so that
-- "free" is stated rather than inferred from a missing row.
create table public.session_type_prices (
  session_type_id uuid not null references public.session_types (id) on delete cascade,
  currency char(3) not null constraint session_type_prices_currency_iso
    check (currency ~ '^[A-Z]{3}$'),
  format text not null constraint session_type_prices_format
    check (format in ('video', 'in_person')),
  amount_minor bigint not null constraint session_type_prices_amount_nonnegative
    check (amount_minor >= 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (session_type_id, currency, format)
);

create table public.practitioners (
  id uuid primary key default gen_random_uuid(),
  -- The staff account that acts as this practitioner, if any. Deleting the account keeps the
  -- practitioner (and the bookings made with them).
  user_id uuid constraint practitioners_user_id_key unique
    references auth.users (id) on delete set null,
  display_name text not null
    constraint practitioners_display_name_length
      check (char_length(btrim(display_name)) between 1 and 200)
    constraint practitioners_display_name_printable check (display_name !~ '[[:cntrl:]]'),
  -- The IANA zone the working hours are in (Asia/Kolkata). The trigger below checks that the
  -- zone exists; a check constraint cannot look it up.
  time_zone text not null constraint practitioners_time_zone_name check (
    char_length(time_zone) <= 64 and time_zone ~ '^[A-Za-z][A-Za-z0-9_+/-]*$'
  ),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- Only names Postgres knows, spelled as it knows them: `at time zone` would also take POSIX
-- strings such as 'UTC+5' (with the sign inverted) and any capitalisation, which the SPA's Intl
-- and the availability code would read differently.
create function public.practitioners_check_time_zone() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.time_zone) then
    raise exception 'unknown time zone: %', new.time_zone
      using errcode = '22023', hint = 'Use an IANA time zone name such as Asia/Kolkata.';
  end if;
  return new;
end;
$$;

create trigger practitioners_check_time_zone
  before insert or update of time_zone on public.practitioners
  for each row execute function public.practitioners_check_time_zone();

-- Weekly working hours, as local wall-clock times in the practitioner's time zone, so they
-- follow daylight saving time. weekday is ISO 8601: 1 = Monday … 7 = Sunday, as Postgres'
-- extract(isodow …) and Temporal's dayOfWeek count. A day may have several intervals (a lunch
-- break splits it in two); intervals are half-open [start, end), so 10:00–13:00 and 13:00–14:00
-- touch without overlapping, and end_time may be 24:00 for "until midnight". An interval never
-- crosses midnight: split it across two days.
create table public.working_hours (
  id uuid primary key default gen_random_uuid(),
  practitioner_id uuid not null references public.practitioners (id) on delete cascade,
  weekday smallint not null constraint working_hours_weekday_iso check (weekday between 1 and 7),
  start_time time not null,
  end_time time not null,
  constraint working_hours_start_before_end check (start_time < end_time),
  -- No two intervals of one practitioner on one weekday overlap. Postgres has no range of time
  -- of day, so both ends are placed on the same arbitrary date; 24:00 lands on the next day.
  constraint working_hours_no_overlap exclude using gist (
    practitioner_id with =,
    weekday with =,
    tsrange(date '2000-01-03' + start_time, date '2000-01-03' + end_time) with &&
  )
);

-- Time off, holidays, a closed clinic: instants in UTC, half-open, bounded at both ends.
create table public.schedule_exceptions (
  id uuid primary key default gen_random_uuid(),
  practitioner_id uuid not null references public.practitioners (id) on delete cascade,
  during tstzrange not null
    constraint schedule_exceptions_during_not_empty check (not isempty(during))
    constraint schedule_exceptions_during_bounded
      check (not lower_inf(during) and not upper_inf(during))
    constraint schedule_exceptions_during_half_open
      check (lower_inc(during) and not upper_inc(during)),
  -- For staff only (it may say why someone is away): the API roles cannot read this column.
  reason text constraint schedule_exceptions_reason_length
    check (char_length(btrim(reason)) between 1 and 500),
  created_at timestamptz not null default now()
);

-- Availability asks "which exceptions of this practitioner overlap this window".
create index schedule_exceptions_practitioner_during_idx
  on public.schedule_exceptions using gist (practitioner_id, during);

alter table public.session_types enable row level security;
alter table public.session_type_prices enable row level security;
alter table public.practitioners enable row level security;
alter table public.working_hours enable row level security;
alter table public.schedule_exceptions enable row level security;

-- Supabase grants the API roles everything on new tables. They only ever read here, and only
-- the columns that are public: a practitioner's staff account and the reason for time off stay
-- with the server.
revoke all on table public.session_types, public.session_type_prices, public.practitioners,
  public.working_hours, public.schedule_exceptions
  from anon, authenticated;
grant select on table public.session_types, public.session_type_prices, public.working_hours
  to anon, authenticated;
grant select (id, display_name, time_zone, active, created_at) on table public.practitioners
  to anon, authenticated;
grant select (id, practitioner_id, during, created_at) on table public.schedule_exceptions
  to anon, authenticated;

create policy "anyone reads active session types"
  on public.session_types for select
  to anon, authenticated
  using (active);

create policy "anyone reads active prices of active session types"
  on public.session_type_prices for select
  to anon, authenticated
  using (
    active
    and exists (
      select 1 from public.session_types as t
      where t.id = session_type_prices.session_type_id and t.active
    )
  );

create policy "anyone reads active practitioners"
  on public.practitioners for select
  to anon, authenticated
  using (active);

create policy "anyone reads working hours of active practitioners"
  on public.working_hours for select
  to anon, authenticated
  using (
    exists (
      select 1 from public.practitioners as p
      where p.id = working_hours.practitioner_id and p.active
    )
  );

create policy "anyone reads schedule exceptions of active practitioners"
  on public.schedule_exceptions for select
  to anon, authenticated
  using (
    exists (
      select 1 from public.practitioners as p
      where p.id = schedule_exceptions.practitioner_id and p.active
    )
  );

-- Whether the caller is the staff account acting as this practitioner: staff see and act on
-- what belongs to the bookings of the practitioner they are linked to (bookings, payments,
-- disputes, consent records, notifications), admins on everything. Security definer because the
-- API roles may not read practitioners.user_id; it answers only about the caller.
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

select public.restrict_execute('{}', 'public.practitioners_check_time_zone()');
select public.restrict_execute('{authenticated,service_role}', 'public.is_my_practitioner(uuid)');

-- ---------------------------------------------------------------------------------------------
-- The practice's booking rules, in one row the booking functions read. GET /api/availability
-- reads the same row (lib/scheduling/booking-rules.ts), so the slots it shows and the slots the
-- database accepts are one grid.

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

-- The rules, for the booking functions. Without the row nothing is booked: missing rules must
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

select public.restrict_execute('{}', 'public.current_booking_rules()');
