-- The tiers' settings limits in the database too (issue 18, item 3): public.write_settings is
-- callable by any signed-in user straight through the Data API, so the limits the API enforces
-- first (lib/subscriptions/features.ts: settingsBytes and syncedDevices) hold here as well. The
-- numbers repeat TIER_FEATURES; tests/api/settings-sync.test.ts fails when the two differ.
-- A refused write raises PT402, which PostgREST answers as 402.

create function public.tier_settings_limits(p_tier text, out settings_bytes integer,
  out synced_devices integer)
language sql
immutable
set search_path = ''
as $$
  select case p_tier when 'premium' then 65536 when 'pro' then 32768 else 8192 end,
         case p_tier when 'premium' then 10 when 'pro' then 3 else 1 end
$$;

create function public.user_settings_within_tier() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  limits record;
  devices integer;
begin
  select * into limits from public.tier_settings_limits(public.entitlement(new.user_id));
  -- Past the table's own 64 KB cap no tier helps: its check constraint answers that.
  if octet_length(new.document::text) > limits.settings_bytes
     and octet_length(new.document::text) <= 65536 then
    raise exception 'the settings document is larger than the tier allows'
      using errcode = 'PT402', hint = 'Upgrade for a larger settings document.';
  end if;
  if new.updated_by_device is not null and not exists (
    select 1 from public.settings_history as h
     where h.user_id = new.user_id and h.device = new.updated_by_device
  ) then
    select count(distinct h.device) into devices
      from public.settings_history as h
     where h.user_id = new.user_id and h.device is not null;
    if devices + 1 > limits.synced_devices then
      raise exception 'more devices than the tier allows'
        using errcode = 'PT402', hint = 'Upgrade to sync more devices.';
    end if;
  end if;
  return new;
end;
$$;

create trigger user_settings_within_tier
  before insert or update of document, updated_by_device on public.user_settings
  for each row execute function public.user_settings_within_tier();

select public.restrict_execute('{}',
  'public.tier_settings_limits(text)',
  'public.user_settings_within_tier()');
