-- Rotating the personal-data keys (npm run reencrypt, lib/admin/reencrypt-personal-data.ts)
-- must be able to re-seal a consent record's IP under the new key, and nothing else may change
-- a consent record. So the append-only trigger allows exactly that: ip_sealed replaced by a value
-- under another key id (`v1.<kid>.…`), every other column the same, and only the service role
-- holds the column grant. The database cannot check that the new value seals the same address;
-- the grant keeps the change to the server, the key-id condition keeps it to rotation.
create or replace function public.consent_records_append_only() returns trigger
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

grant update (ip_sealed) on table public.consent_records to service_role;
