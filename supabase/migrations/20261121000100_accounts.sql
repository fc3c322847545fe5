-- Accounts: the profile people keep about themselves, their synced settings, and deleting one's
-- own account. Account mail (welcome, password reset, "this address already has an account")
-- goes through the outbox: see the notifications migration.

-- ---------------------------------------------------------------------------------------------
-- Profiles: one row per auth user. A trigger creates the row when the user signs up; the user
-- reads only their own row and changes only the columns that are theirs to change. The API
-- (lib/accounts/profile.ts) validates the same rules as the checks below, and more strictly
-- where SQL cannot (time zone names).
--
-- The name and phone are personal data, sealed like a booking's: the API seals them (lib/crypto,
-- contexts profiles.full_name and profiles.phone) and only the server writes them
-- (lib/accounts/write-profile.ts), since the database cannot tell ciphertext from text. A name the
-- database received in the clear — from the user_metadata of an account that existed before
-- this migration ran (the backfill below) — waits in full_name_unsealed (and a phone in
-- phone_unsealed), which only its owner can read and nobody but the server write, until
-- `npm run reencrypt` seals it into full_name_sealed and clears it
-- (lib/admin/seal-unsealed-profiles.ts).

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name_unsealed text
    constraint profiles_full_name_length check (char_length(full_name_unsealed) between 1 and 200)
    constraint profiles_full_name_printable check (full_name_unsealed !~ '[[:cntrl:]]'),
  -- E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
  phone_unsealed text
    constraint profiles_phone_e164 check (phone_unsealed ~ '^\+[1-9][0-9]{1,14}$'),
  -- A BCP 47 language tag, stored in its canonical form (en-GB, pt-BR, zh-Hant-TW).
  locale text constraint profiles_locale_bcp47 check (
    char_length(locale) <= 35 and locale ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$'
  ),
  -- An IANA time zone name (Europe/Paris). A check constraint may not look names up in
  -- pg_timezone_names, so SQL keeps to the shape and the API checks that the zone exists.
  time_zone text constraint profiles_time_zone_name check (
    char_length(time_zone) <= 64 and time_zone ~ '^[A-Za-z][A-Za-z0-9_+/-]*$'
  ),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Only the sealed format, so not even a server bug stores the clear text here. The pattern is
  -- public.is_sealed's, written out: users update their own row (locale, time zone), so the
  -- checks run as them, and is_sealed is not theirs to execute.
  full_name_sealed text constraint profiles_full_name_sealed_format check (
    char_length(full_name_sealed) <= 2000
    and full_name_sealed ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
  ),
  phone_sealed text constraint profiles_phone_sealed_format check (
    char_length(phone_sealed) <= 2000
    and phone_sealed ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
  )
);

alter table public.profiles enable row level security;

-- Supabase's default privileges grant the API roles everything; narrow them to what a user may
-- do: read their row (the sealed values open only on the server), and change locale and time
-- zone (never the name or phone, never id or the timestamps). Rows are created by the trigger
-- below and removed with the user, so users get no insert or delete privilege and no insert or
-- delete policy.
revoke all on table public.profiles from anon, authenticated;
grant select, update (locale, time_zone) on table public.profiles to authenticated;

create policy "Users read their own profile"
  on public.profiles for select
  to authenticated
  using ((select auth.uid()) = id);

create policy "Users update their own profile"
  on public.profiles for update
  to authenticated
  using ((select auth.uid()) = id)
  with check ((select auth.uid()) = id);

create function public.profiles_set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function public.profiles_set_updated_at();

-- Supabase's standard new-user trigger: the profile row, and nothing from user_metadata. Whatever
-- name the client sent to the Auth API stays with Auth (SQL holds no key to seal it with), and
-- registration stores the sealed one (lib/accounts/write-profile.ts).
create function public.handle_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id) values (new.id);
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- Users who signed up before this migration ran get their row too, with the name they gave at
-- sign-up cleaned to fit the checks above (user_metadata is whatever the client sent), for
-- `npm run reencrypt` to seal.
insert into public.profiles (id, full_name_unsealed)
select
  id,
  nullif(left(btrim(regexp_replace(raw_user_meta_data ->> 'full_name', '[[:cntrl:]]', ' ', 'g')), 200), '')
from auth.users
on conflict (id) do nothing;

-- Deleting one's own account (DELETE /api/users/me). Deleting the auth user removes every row
-- that references it with on delete cascade: the profile, settings, sessions.
--
-- Records the business must keep after the person is gone — bookings, payments and refunds,
-- consent given, the audit trail — reference auth.users with on delete set null and hold no
-- personal data themselves beyond what their triggers erase then. Deleting the user keeps those
-- records, anonymised, instead of blocking the deletion or taking the records with it.
--
-- The database itself insists on a recent sign-in: the function is callable with any user's
-- access token straight through the Data API, not only through Bastion, so a stolen token that
-- is older than a few minutes must not be able to delete the account. The amr claim holds when
-- each way of signing in to the session last happened (a refresh keeps those times), so it dates
-- the sign-in, not the token. Bastion's password check signs in anew and calls this with the
-- new session's token. PT403 makes PostgREST answer 403.
create function public.delete_my_account() returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  claims jsonb := auth.jwt();
  signed_in_at numeric;
begin
  select max((entry ->> 'timestamp')::numeric)
    into signed_in_at
    from jsonb_array_elements(
      case when jsonb_typeof(claims -> 'amr') = 'array' then claims -> 'amr' else '[]' end
    ) as entry
   where entry ->> 'timestamp' ~ '^[0-9]{1,12}$';
  if signed_in_at is null or signed_in_at < extract(epoch from now()) - 300 then
    raise exception 'reauthentication required'
      using errcode = 'PT403',
            hint = 'Sign in again, or confirm with the password, within 5 minutes.';
  end if;
  delete from auth.users where id = (select auth.uid());
end;
$$;

-- Only a signed-in user may call it (for anyone else auth.uid() is null and it would do nothing,
-- but the grant says whom it is for). Trigger functions are never called directly.
select public.restrict_execute('{authenticated}', 'public.delete_my_account()');
select public.restrict_execute('{}',
  'public.handle_new_user()',
  'public.profiles_set_updated_at()');

-- ---------------------------------------------------------------------------------------------
-- A user's settings document, synced between the web app and browser-extension devices, with a
-- bounded history of earlier versions.
--
-- Every write goes through public.write_settings(), a compare-and-swap on `version`: a write
-- names the version it was based on and lands only if that is still the current one, so two
-- devices editing the same version can never both win and silently overwrite each other.
--
-- Why SECURITY DEFINER rather than invoker + insert/update policies: a policy can say whose row
-- a write touches, but not how. With update rights a user could set any version, rewrite or
-- delete history, or skip the history entirely. Here the API roles may only read (RLS: their
-- own rows); the function is the one writer, and every statement in it names the row by
-- auth.uid() — never by an argument — so a caller can only ever touch their own settings.

create table public.user_settings (
  user_id uuid primary key references auth.users (id) on delete cascade,
  schema_version int not null constraint user_settings_schema_version_positive
    check (schema_version >= 1),
  -- The measure the API checks before it calls (lib/settings/document.ts), kept here too so
  -- no path around the API can store more.
  document jsonb not null
    constraint user_settings_document_object check (jsonb_typeof(document) = 'object')
    constraint user_settings_document_size check (octet_length(document::text) <= 65536),
  version bigint not null constraint user_settings_version_positive check (version >= 1),
  updated_at timestamptz not null default now(),
  updated_by_device text constraint user_settings_device_length
    check (char_length(updated_by_device) between 1 and 100)
);

-- Append-only for users: only write_settings() adds to it, and it trims what falls out of the
-- window it keeps.
create table public.settings_history (
  user_id uuid not null references auth.users (id) on delete cascade,
  version bigint not null,
  schema_version int not null,
  document jsonb not null
    constraint settings_history_document_size check (octet_length(document::text) <= 65536),
  device text,
  created_at timestamptz not null default now(),
  primary key (user_id, version)
);

alter table public.user_settings enable row level security;
alter table public.settings_history enable row level security;

create policy "users read their settings" on public.user_settings for select to authenticated
  using ((select auth.uid()) = user_id);
create policy "users read their settings history" on public.settings_history for select
  to authenticated using ((select auth.uid()) = user_id);

-- Supabase grants the API roles everything on new tables; RLS without write policies already
-- refuses writes, and taking the grants away says the same thing at the door.
revoke all on table public.user_settings, public.settings_history from anon, authenticated;
grant select on table public.user_settings, public.settings_history to authenticated;

-- Writes the caller's settings if p_base_version is still the current version (0 or null: no
-- settings yet), appends the new version to the history and keeps the last 50 there. Answers
-- `applied` and the settings as they now are: the new copy, or on a conflict the server's copy
-- the caller should merge with (version 0 and nulls when there is none).
--
-- Concurrency, under PostgREST's READ COMMITTED: for a first version, concurrent inserts wait on
-- the primary key and all but one do nothing; later, `update … where version = base` takes the
-- row lock, and a writer that waited re-checks the condition against the committed winner and
-- updates nothing. The read after a miss is a new statement, so it sees the winner's copy.
create function public.write_settings(
  p_base_version bigint,
  p_document jsonb,
  p_schema_version int,
  p_device text,
  out applied boolean,
  out version bigint,
  out schema_version int,
  out document jsonb,
  out updated_at timestamptz,
  out updated_by_device text
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  written public.user_settings;
begin
  if caller is null then
    raise exception 'write_settings needs a signed-in user' using errcode = '42501';
  end if;

  if coalesce(p_base_version, 0) = 0 then
    insert into public.user_settings as s
      (user_id, schema_version, document, version, updated_at, updated_by_device)
    values (caller, p_schema_version, p_document, 1, now(), p_device)
    on conflict (user_id) do nothing
    returning s.* into written;
  else
    update public.user_settings as s
    set schema_version = p_schema_version,
        document = p_document,
        version = s.version + 1,
        updated_at = now(),
        updated_by_device = p_device
    where s.user_id = caller and s.version = p_base_version
    returning s.* into written;
  end if;

  if written.user_id is null then
    select false, s.version, s.schema_version, s.document, s.updated_at, s.updated_by_device
    into applied, version, schema_version, document, updated_at, updated_by_device
    from public.user_settings as s
    where s.user_id = caller;
    applied := false;
    version := coalesce(version, 0);
    return;
  end if;

  insert into public.settings_history as h (user_id, version, schema_version, document, device,
    created_at)
  values (caller, written.version, written.schema_version, written.document,
    written.updated_by_device, written.updated_at);
  -- Versions of one user are consecutive (only this function writes them), so this keeps
  -- exactly the newest 50.
  delete from public.settings_history as h
  where h.user_id = caller and h.version <= written.version - 50;

  applied := true;
  version := written.version;
  schema_version := written.schema_version;
  document := written.document;
  updated_at := written.updated_at;
  updated_by_device := written.updated_by_device;
end
$$;

select public.restrict_execute('{authenticated,service_role}',
  'public.write_settings(bigint, jsonb, int, text)');
