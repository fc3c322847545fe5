-- From an empty Supabase project to a working practice without SQL: `supabase db push` applies
-- the migrations but not seed.sql, so a new project has no session types, practitioner, hours
-- or consent version. `npm run setup` (lib/admin/practice-setup.ts) sends the practice described
-- in a JSON file to admin_apply_practice, and `npm run make-admin` names the first admin with
-- admin_grant_role. Both are the service role's alone and run in one transaction each, so a file
-- with a mistake changes nothing.

-- Creates or updates the practice: session types by slug (with their prices), the practitioner
-- by display name (with their weekly hours, replaced as given), and the consent version, which
-- is published once and never changed (a different text is a new version). Answers what it did.
create function public.admin_apply_practice(p_practice jsonb) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_type jsonb;
  v_price jsonb;
  v_type_id uuid;
  v_practitioner jsonb := p_practice -> 'practitioner';
  v_practitioner_id uuid;
  v_hours jsonb;
  v_weekday int;
  v_consent jsonb := p_practice -> 'consent';
  v_existing public.consent_versions;
  v_items text[];
  v_types int := 0;
  v_prices int := 0;
  v_intervals int := 0;
begin
  for v_type in select * from jsonb_array_elements(p_practice -> 'sessionTypes') loop
    insert into public.session_types as t (
      slug, name, description, duration_minutes, buffer_minutes, requires_consent, sort_order,
      active
    ) values (
      v_type ->> 'slug', v_type ->> 'name', coalesce(v_type ->> 'description', ''),
      (v_type ->> 'durationMinutes')::int, coalesce((v_type ->> 'bufferMinutes')::int, 0),
      coalesce((v_type ->> 'requiresConsent')::boolean, true), v_types, true
    )
    on conflict (slug) do update set
      name = excluded.name, description = excluded.description,
      duration_minutes = excluded.duration_minutes, buffer_minutes = excluded.buffer_minutes,
      requires_consent = excluded.requires_consent, sort_order = excluded.sort_order,
      active = true
    returning t.id into v_type_id;
    v_types := v_types + 1;
    -- The file lists every price of the type: the others stop being offered.
    update public.session_type_prices set active = false where session_type_id = v_type_id;
    for v_price in select * from jsonb_array_elements(v_type -> 'prices') loop
      insert into public.session_type_prices (session_type_id, currency, format, amount_minor)
      values (v_type_id, v_price ->> 'currency', v_price ->> 'format',
        (v_price ->> 'amountMinor')::bigint)
      on conflict (session_type_id, currency, format) do update set
        amount_minor = excluded.amount_minor, active = true;
      v_prices := v_prices + 1;
    end loop;
  end loop;

  select p.id into v_practitioner_id from public.practitioners as p
    where p.display_name = v_practitioner ->> 'displayName'
    order by p.created_at limit 1;
  if v_practitioner_id is null then
    insert into public.practitioners (display_name, time_zone)
    values (v_practitioner ->> 'displayName', v_practitioner ->> 'timeZone')
    returning id into v_practitioner_id;
  else
    update public.practitioners set time_zone = v_practitioner ->> 'timeZone', active = true
      where id = v_practitioner_id;
  end if;
  delete from public.working_hours where practitioner_id = v_practitioner_id;
  for v_hours in select * from jsonb_array_elements(v_practitioner -> 'hours') loop
    for v_weekday in select (jsonb_array_elements_text(v_hours -> 'weekdays'))::int loop
      insert into public.working_hours (practitioner_id, weekday, start_time, end_time)
      values (v_practitioner_id, v_weekday, (v_hours ->> 'start')::time,
        (v_hours ->> 'end')::time);
      v_intervals := v_intervals + 1;
    end loop;
  end loop;

  v_items := array(select jsonb_array_elements_text(v_consent -> 'requiredItems') order by 1);
  select * into v_existing from public.consent_versions as v
    where v.version = v_consent ->> 'version';
  if not found then
    insert into public.consent_versions (version, title, required_items, retention_days)
    values (v_consent ->> 'version', v_consent ->> 'title', v_items,
      (v_consent ->> 'retentionDays')::int);
  elsif v_existing.title is distinct from v_consent ->> 'title'
    or array(select unnest(v_existing.required_items) order by 1) is distinct from v_items
    or v_existing.retention_days is distinct from (v_consent ->> 'retentionDays')::int then
    raise exception 'consent version % is already published with other terms', v_existing.version
      using errcode = 'PS409',
        hint = 'Publish the new terms under a new version name.';
  end if;
  -- Only the file's version is offered from now on; records keep the version they were given under.
  update public.consent_versions set active = (version = v_consent ->> 'version')
    where active is distinct from (version = v_consent ->> 'version');

  return jsonb_build_object(
    'sessionTypes', v_types,
    'prices', v_prices,
    'practitionerId', v_practitioner_id,
    'workingIntervals', v_intervals,
    'consentVersion', v_consent ->> 'version'
  );
end;
$$;

-- Gives the account with this email a role in app_metadata (which only the server writes, and
-- which the API and has_app_role read), and for staff links it to the practitioner. The account
-- signs in again to get a token that carries the role. PS404 when no account has the email.
create function public.admin_grant_role(
  p_email text,
  p_role text,
  p_practitioner_id uuid default null
) returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
begin
  if p_role is null or p_role not in ('admin', 'staff') then
    raise exception 'the role must be admin or staff' using errcode = '22023';
  end if;
  select u.id into v_user_id from auth.users as u where lower(u.email) = lower(btrim(p_email));
  if v_user_id is null then
    raise exception 'no account has this email; sign up first' using errcode = 'PS404';
  end if;
  update auth.users
    set raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb)
      || jsonb_build_object('role', p_role)
    where id = v_user_id;
  if p_practitioner_id is not null then
    update public.practitioners set user_id = v_user_id where id = p_practitioner_id;
    if not found then
      raise exception 'no such practitioner: %', p_practitioner_id using errcode = 'PS404';
    end if;
  end if;
  return v_user_id;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.admin_apply_practice(jsonb)',
  'public.admin_grant_role(text, text, uuid)');
