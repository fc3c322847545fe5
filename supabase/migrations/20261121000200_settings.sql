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

revoke execute on function public.write_settings(bigint, jsonb, int, text) from public, anon;
grant execute on function public.write_settings(bigint, jsonb, int, text) to authenticated;
