-- Consent: the informed consent a client gives before a session, kept as evidence.
--
-- - consent_versions: what a client consents to, by version: a title, the items they must
--   acknowledge one by one, and how long the record of their consent is kept. Public (the SPA
--   shows the active version before asking); only the server writes. A version's items and
--   retention are fixed once published, so every record keeps meaning what it meant: publish a
--   new version to change them, and retire the old one (active = false).
-- - consent_records: one row per consent given. Append-only even for the table owner: the
--   trigger below refuses every update and every delete of a record that has not expired. Three
--   exceptions: deleting the person's account sets user_id to null (records the business must
--   keep outlive the account, anonymised), purge_expired_consent() deletes records past
--   expires_at, and rotating the personal-data keys re-seals the IP. No personal data in the
--   clear: the email is a keyed HMAC (lib/customers/customer-email.ts, the same hash bookings
--   store, so a booking finds the consent given for its email), the IP is sealed by the API
--   (AES-256-GCM, lib/crypto), the user agent is kept as sent (at most 512 characters).
-- - The API roles neither read nor write consent_records. record_consent() inserts for the
--   server, checking the acknowledgments against the version; read_consent_record() hands one
--   record to the staff whose bookings rest on it and logs the read; purge_expired_consent() is
--   the service role's cron.
--
-- Errors of record_consent, mapped by lib/consent/record-consent.ts: VC001 the acknowledgments
-- are not exactly the version's required items; VC002 unknown or retired consent version; PT404
-- unknown or inactive session type; 28000 the acting account no longer exists. VC is an
-- implementation-defined SQLSTATE class (the standard leaves classes starting with I–Z to
-- implementations, and Postgres uses none starting with V); PostgREST answers unknown classes
-- with 400.

-- Item keys: lower-case identifiers, 1 to 50 of them, no nulls, no duplicates. Immutable and
-- harmless to call, so check constraints can use it with its default grants.
create function public.consent_item_keys_valid(p_items text[]) returns boolean
language sql immutable
set search_path = ''
as $$
  select coalesce(
    array_ndims(p_items) = 1
      and cardinality(p_items) between 1 and 50
      and (select bool_and(item ~ '^[a-z][a-z0-9_]{0,49}$') from unnest(p_items) as item)
      and (select count(distinct item) from unnest(p_items) as item) = cardinality(p_items),
    false
  )
$$;

create table public.consent_versions (
  version text primary key
    constraint consent_versions_version_format check (version ~ '^[A-Za-z0-9._-]{1,40}$'),
  title text not null constraint consent_versions_title_length
    check (char_length(btrim(title)) between 1 and 200),
  required_items text[] not null constraint consent_versions_required_items_valid
    check (public.consent_item_keys_valid(required_items)),
  -- How long each record of this version is kept, from the day it is given.
  retention_days int not null constraint consent_versions_retention_positive
    check (retention_days > 0),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create function public.consent_versions_fixed() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.version, new.required_items, new.retention_days)
    is distinct from (old.version, old.required_items, old.retention_days) then
    raise exception 'a published consent version keeps its items and retention'
      using errcode = '42501', hint = 'Publish a new version and set active = false on this one.';
  end if;
  return new;
end;
$$;

create trigger consent_versions_fixed
  before update on public.consent_versions
  for each row execute function public.consent_versions_fixed();

create table public.consent_records (
  id uuid primary key default gen_random_uuid(),
  consent_version text not null references public.consent_versions (version),
  session_type_id uuid not null references public.session_types (id),
  email_hash text not null constraint consent_records_email_hash_format
    check (email_hash ~ '^[0-9a-f]{64}$'),
  -- The signed-in client who gave it; null for a guest, and once the account is deleted.
  user_id uuid references auth.users (id) on delete set null,
  -- Exactly the version's required items, sorted (record_consent checks and normalizes).
  acknowledgments text[] not null constraint consent_records_acknowledgments_valid
    check (public.consent_item_keys_valid(acknowledgments)),
  -- Sealed by the API; null when the platform gave no client address.
  ip_sealed text
    constraint consent_records_ip_sealed_length check (char_length(ip_sealed) between 1 and 2000)
    constraint consent_records_ip_sealed_format check (public.is_sealed(ip_sealed)),
  user_agent text constraint consent_records_user_agent_length
    check (char_length(user_agent) <= 512),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  constraint consent_records_expires_after_created check (expires_at > created_at)
);

-- Bookings ask "has this email consented to this session type, and how recently"; the purge
-- asks "what has expired"; deleting an account finds its records by user_id.
create index consent_records_lookup_idx
  on public.consent_records (email_hash, session_type_id, created_at desc);
create index consent_records_expires_at_idx on public.consent_records (expires_at);
create index consent_records_user_id_idx on public.consent_records (user_id);

-- Refuses what would change or lose evidence, whoever asks, the table owner included. SQLSTATE
-- 42501, as for the API roles, which have no grants at all.
--
-- Rotating the personal-data keys (npm run reencrypt, lib/admin/reencrypt-personal-data.ts)
-- must be able to re-seal a record's IP under the new key, and nothing else may change a
-- record. So the trigger allows exactly that: ip_sealed replaced by a value under another key id
-- (`v1.<kid>.…`), every other column the same, and only the service role holds the column grant.
-- The database cannot check that the new value seals the same address; the grant keeps the
-- change to the server, the key-id condition keeps it to rotation.
create function public.consent_records_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'consent_records is append-only' using errcode = '42501';
  end if;
  if tg_op = 'DELETE' then
    if old.expires_at <= now() then
      return old;
    end if;
    raise exception 'a consent record is kept until it expires' using errcode = '42501';
  end if;
  -- The account behind the record was deleted (on delete set null).
  if old.user_id is not null and new.user_id is null
    and to_jsonb(new) - 'user_id' = to_jsonb(old) - 'user_id' then
    return new;
  end if;
  -- Key rotation: the IP sealed again under another key, nothing else changed.
  if old.ip_sealed is not null and new.ip_sealed is not null
    and split_part(new.ip_sealed, '.', 2) <> split_part(old.ip_sealed, '.', 2)
    and to_jsonb(new) - 'ip_sealed' = to_jsonb(old) - 'ip_sealed' then
    return new;
  end if;
  raise exception 'consent_records is append-only' using errcode = '42501';
end;
$$;

create trigger consent_records_append_only
  before update or delete on public.consent_records
  for each row execute function public.consent_records_append_only();

create trigger consent_records_no_truncate
  before truncate on public.consent_records
  for each statement execute function public.consent_records_append_only();

alter table public.consent_versions enable row level security;
alter table public.consent_records enable row level security;

-- Supabase grants the API roles everything on new tables. Versions: read only, active ones.
-- Records: nothing at all (no policies either); the service role keeps insert and select (audits
-- and exports) but can neither change nor delete a record, except to re-seal its IP.
revoke all on table public.consent_versions, public.consent_records from anon, authenticated;
grant select on table public.consent_versions to anon, authenticated;
revoke update, delete, truncate on table public.consent_records from service_role;
grant update (ip_sealed) on table public.consent_records to service_role;

create policy "anyone reads active consent versions"
  on public.consent_versions for select
  to anon, authenticated
  using (active);

-- Records a consent for the user the server names, or a guest (p_user_id null). Server only: the
-- IP (sealed) and the user agent are evidence taken from the request, never typed by a client.
-- The retention comes from the version. The email hash and the sealed IP are made by the API,
-- which holds the keys.
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

-- One record for staff audits, with the session type's slug and without the email hash (the
-- auditor needs what was agreed, when and from where, not a key to other tables). A record is
-- staff's when a booking of their practitioner rests on it (bookings.consent_id); admins read
-- any. Anyone else gets PT404, the same answer as for an id that does not exist, and nothing is
-- logged. Volatile: the read is logged in the same transaction (personal_data_reads, and
-- staff_actions as consent_record.read), so no read goes unrecorded.
create function public.read_consent_record(p_id uuid)
returns table (
  id uuid,
  session_type text,
  consent_version text,
  acknowledgments text[],
  ip_sealed text,
  user_agent text,
  user_id uuid,
  created_at timestamptz,
  expires_at timestamptz
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not (
    public.has_app_role('admin')
    or (
      public.has_app_role('staff')
      and exists (
        select 1 from public.bookings as b
        where b.consent_id = p_id and public.is_my_practitioner(b.practitioner_id)
      )
    )
  ) then
    raise exception 'consent record not found' using errcode = 'PT404';
  end if;
  return query
    select r.id, t.slug, r.consent_version, r.acknowledgments, r.ip_sealed, r.user_agent,
      r.user_id, r.created_at, r.expires_at
    from public.consent_records as r
    join public.session_types as t on t.id = r.session_type_id
    where r.id = p_id;
  if not found then
    raise exception 'consent record not found' using errcode = 'PT404';
  end if;
  perform public.record_personal_data_read('consent_records', p_id, array['ip', 'user_agent']);
  perform public.record_staff_action(
    (select auth.uid()), 'consent_record.read', 'consent_records', p_id, '{}'::jsonb
  );
end;
$$;

-- The cron job (api/cron/purge-consent.ts): deletes every record past its expiry, returns how
-- many. Running it twice deletes nothing the second time.
create function public.purge_expired_consent() returns int
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  delete from public.consent_records where expires_at <= now();
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

select public.restrict_execute('{}',
  'public.consent_versions_fixed()',
  'public.consent_records_append_only()');
select public.restrict_execute('{authenticated}', 'public.read_consent_record(uuid)');
select public.restrict_execute('{service_role}',
  'public.record_consent(uuid, text, text, text, text[], text, text)',
  'public.purge_expired_consent()');
