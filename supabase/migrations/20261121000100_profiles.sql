-- Profiles: the personal details people keep about themselves, one row per auth user. A trigger
-- creates the row when the user signs up; the user reads and changes only their own row, and
-- only the columns that are theirs to change. The API (lib/accounts/profile.ts) validates the
-- same rules as the checks below, and more strictly where SQL cannot (time zone names).

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text
    constraint profiles_full_name_length check (char_length(full_name) between 1 and 200)
    constraint profiles_full_name_printable check (full_name !~ '[[:cntrl:]]'),
  -- E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
  phone text constraint profiles_phone_e164 check (phone ~ '^\+[1-9][0-9]{1,14}$'),
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
  updated_at timestamptz not null default now()
);

alter table public.profiles enable row level security;

-- Supabase's default privileges grant the API roles everything; narrow them to what a user may
-- do: read their row, and change the four columns that are theirs (never id or the timestamps).
-- Rows are created by the trigger below and removed with the user, so users get no insert or
-- delete privilege and no insert or delete policy.
revoke all on table public.profiles from anon, authenticated;
grant select, update (full_name, phone, locale, time_zone) on table public.profiles
  to authenticated;

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

-- Supabase's standard new-user trigger. Registration passes the name as user_metadata.full_name;
-- user_metadata is whatever the client sent to the Auth API, so the name is cleaned to fit the
-- checks above rather than let an odd value make the whole sign-up fail.
create function public.handle_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name)
  values (
    new.id,
    nullif(
      left(btrim(regexp_replace(new.raw_user_meta_data ->> 'full_name', '[[:cntrl:]]', ' ', 'g')), 200),
      ''
    )
  );
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- Users who signed up before this migration get their row too.
insert into public.profiles (id, full_name)
select
  id,
  nullif(left(btrim(regexp_replace(raw_user_meta_data ->> 'full_name', '[[:cntrl:]]', ' ', 'g')), 200), '')
from auth.users
on conflict (id) do nothing;

-- Deleting one's own account (DELETE /api/users/me). Deleting the auth user removes every row
-- that references it with on delete cascade: the profile, settings, sessions.
--
-- Records the business must keep after the person is gone — payments and refunds, consent given,
-- the audit trail (later issues) — must reference auth.users with on delete set null and hold
-- no personal data themselves (no names, emails or phone numbers copied into them). Deleting the
-- user then keeps those records, anonymised, instead of blocking the deletion or taking the
-- records with it.
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
revoke execute on function public.delete_my_account() from public, anon, service_role;
grant execute on function public.delete_my_account() to authenticated;
revoke execute on function public.handle_new_user() from public, anon, authenticated, service_role;
revoke execute on function public.profiles_set_updated_at()
  from public, anon, authenticated, service_role;
