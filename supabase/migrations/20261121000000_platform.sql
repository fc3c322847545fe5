-- What every domain's migration relies on: the health probe, how grants are written, roles as
-- the API sees them, the sealed format of personal data, the server acting for a user, and the
-- two append-only audit logs.
--
-- One file per domain, applied in file-name order. Once released, a migration is never edited:
-- a change is a new file appended after these.

-- The health check's probe (lib/db/health.ts calls it with the anon key): the cheapest query
-- that goes through the API gateway, PostgREST and Postgres. It reads nothing, so granting it to
-- anon reveals nothing; an empty search_path keeps it from resolving anything a caller created.
create function public.health() returns text
language sql stable
set search_path = ''
as $$ select 'ok' $$;

-- ---------------------------------------------------------------------------------------------
-- Grants.
--
-- Everything granted to anon or authenticated is callable straight through the Data API
-- (/rest/v1/rpc/…), and Supabase's default privileges grant the API roles everything created
-- in public: every function starts executable by PUBLIC, anon, authenticated and service_role.
-- Each migration therefore says, once per function, who may call it: restrict_execute takes
-- execute from PUBLIC and every API role and gives it back to the roles named. An empty list
-- leaves the function to its owner: trigger functions, and helpers only other functions call.
-- tests/security/data-api.test.ts holds the API roles to a reviewed list.
create function public.restrict_execute(p_roles text[], variadic p_functions regprocedure[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_function regprocedure;
  v_role text;
begin
  foreach v_function in array p_functions loop
    execute format(
      'revoke execute on function %s from public, anon, authenticated, service_role', v_function
    );
    foreach v_role in array p_roles loop
      execute format('grant execute on function %s to %I', v_function, v_role);
    end loop;
  end loop;
end;
$$;

revoke execute on function public.restrict_execute(text[], regprocedure[])
  from public, anon, authenticated, service_role;

select public.restrict_execute('{anon,authenticated,service_role}', 'public.health()');

-- Supabase's default privileges hand the API roles every sequence too. They insert into no
-- table directly, so they need none.
alter default privileges in schema public revoke all on sequences from anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- Roles and who is acting.

-- The caller's role as the API sees it (lib/auth/roles.ts): from the token's app_metadata,
-- `role` (one) or `roles` (a list), admin implying staff. app_metadata is set by the server
-- only; user_metadata, which users edit, is never read. Policies and functions ask this instead
-- of reading the claim each their own way.
create function public.has_app_role(p_role text) returns boolean
language sql stable
set search_path = ''
as $$
  with metadata as (select coalesce(auth.jwt() -> 'app_metadata', '{}'::jsonb) as m)
  select exists (
    select 1 from metadata,
      lateral (
        select m ->> 'role' as role where jsonb_typeof(m -> 'role') = 'string'
        union all
        select jsonb_array_elements_text(m -> 'roles') where jsonb_typeof(m -> 'roles') = 'array'
      ) as granted
    where granted.role = p_role or (p_role = 'staff' and granted.role = 'admin')
  )
$$;

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
-- user and present a guest's manage-token hash.
create function public.called_by_server() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(auth.role() = 'service_role', false)
$$;

-- The user a server-only function acts for, checked to exist (28000 when the account is gone,
-- which the API answers with 401), and remembered for the rest of the transaction so the
-- booking's history and the staff audit name them (bookings_record_event,
-- bookings_record_staff_action).
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

select public.restrict_execute('{anon,authenticated,service_role}', 'public.has_app_role(text)');
select public.restrict_execute('{}',
  'public.user_has_app_role(uuid, text)',
  'public.called_by_server()',
  'public.act_for_user(uuid)');

-- ---------------------------------------------------------------------------------------------
-- Personal data.
--
-- Customers' names, emails, phones, notes and consent IPs are sealed by the API (lib/crypto,
-- AES-256-GCM with a key id, so keys rotate) and stored only sealed; Postgres never sees them in
-- the clear. Sealed columns take only this format (v1.<key id>.<iv>.<ciphertext>.<tag>), so not
-- even a server bug can store personal data in the clear. It stays executable by the service
-- role, whose writes the check constraints evaluate it for.
create function public.is_sealed(p_value text) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_value is null
    or p_value ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
$$;

select public.restrict_execute('{service_role}', 'public.is_sealed(text)');

-- ---------------------------------------------------------------------------------------------
-- Audit.
--
-- - personal_data_reads: who read which personal data of whom, written by the security-definer
--   functions that hand staff and admins decryptable customer data (a customer reading their own
--   booking is not logged).
-- - staff_actions: who did what to which row and when, with a few facts that identify nobody
--   (amounts, statuses, session times, template names; never names, notes or reasons people
--   typed). Each row is written in the transaction of the action it records, by triggers on the
--   tables staff change (bookings, refunds, notifications) and by read_consent_record.
--
-- Both are append-only and read by nobody through the Data API: audits use the service role or
-- SQL.

create table public.personal_data_reads (
  id bigint generated always as identity primary key,
  actor uuid references auth.users (id) on delete set null,
  -- What was read: a table and a row of it, and which personal fields.
  subject_table text not null,
  subject_id uuid not null,
  fields text[] not null,
  at timestamptz not null default now()
);

create index personal_data_reads_subject_idx on public.personal_data_reads (subject_table, subject_id);

alter table public.personal_data_reads enable row level security;
revoke all on table public.personal_data_reads from anon, authenticated;
revoke update, delete, truncate on table public.personal_data_reads from service_role;

-- Called by the security-definer read functions, in the transaction of the read.
create function public.record_personal_data_read(
  p_subject_table text,
  p_subject_id uuid,
  p_fields text[]
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.personal_data_reads (actor, subject_table, subject_id, fields)
  values ((select auth.uid()), p_subject_table, p_subject_id, p_fields)
$$;

create table public.staff_actions (
  id bigint generated always as identity primary key,
  -- Who acted; null only once their account is deleted.
  actor uuid references auth.users (id) on delete set null,
  -- <subject>.<verb>: payment.refund, booking.confirm, consent_record.read, …
  action text not null constraint staff_actions_action_format
    check (action ~ '^[a-z_]{1,40}\.[a-z_]{1,40}$'),
  subject_table text not null constraint staff_actions_subject_table_format
    check (subject_table ~ '^[a-z_]{1,63}$'),
  subject_id uuid not null,
  detail jsonb not null default '{}'::jsonb constraint staff_actions_detail_small_object
    check (jsonb_typeof(detail) = 'object' and char_length(detail::text) <= 2000),
  at timestamptz not null default now()
);

create index staff_actions_subject_idx on public.staff_actions (subject_table, subject_id);
create index staff_actions_actor_idx on public.staff_actions (actor, at);

-- Refuses every change and deletion, whoever asks, the table owner included. The one change
-- allowed is the database's own: the actor's account deleted (on delete set null), which is done
-- once the account is gone, so nobody can anonymise the row of an account that still exists.
create function public.staff_actions_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and old.actor is not null and new.actor is null
    and to_jsonb(new) - 'actor' = to_jsonb(old) - 'actor'
    and not exists (select 1 from auth.users as u where u.id = old.actor) then
    return new;
  end if;
  raise exception 'staff_actions is append-only' using errcode = '42501';
end;
$$;

create trigger staff_actions_append_only
  before update or delete on public.staff_actions
  for each row execute function public.staff_actions_append_only();

create trigger staff_actions_no_truncate
  before truncate on public.staff_actions
  for each statement execute function public.staff_actions_append_only();

alter table public.staff_actions enable row level security;
revoke all on table public.staff_actions from anon, authenticated;
revoke insert, update, delete, truncate on table public.staff_actions from service_role;

-- The one writer, for the triggers and for any other function or server path that acts for
-- staff. p_actor is explicit: a function running with the staff member's token passes
-- auth.uid(), the server passes the caller it verified.
create function public.record_staff_action(
  p_actor uuid,
  p_action text,
  p_subject_table text,
  p_subject_id uuid,
  p_detail jsonb default '{}'::jsonb
) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_actor is null then
    raise exception 'a staff action names who acted' using errcode = '22023';
  end if;
  insert into public.staff_actions (actor, action, subject_table, subject_id, detail)
  values (p_actor, p_action, p_subject_table, p_subject_id, coalesce(p_detail, '{}'::jsonb));
end;
$$;

select public.restrict_execute('{}', 'public.staff_actions_append_only()');
select public.restrict_execute('{service_role}',
  'public.record_personal_data_read(text, uuid, text[])',
  'public.record_staff_action(uuid, text, text, uuid, jsonb)');
