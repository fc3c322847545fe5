-- What admins read before they change the practice (GET /api/admin/practitioners and
-- GET /api/admin/session-types): every practitioner, active or not, with the staff account
-- linked to it, the weekly hours and the time off still to come (with its id, to remove it, and
-- its reason, which only staff and admins see); every session type, retired ones too, with all
-- its prices. One call each; admins only (42501 for anyone else, as the admin writes).

create function public.admin_practitioners() returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform public.require_app_role('admin');
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', p.id,
      'display_name', p.display_name,
      'time_zone', p.time_zone,
      'active', p.active,
      'staff', case when u.id is not null
        then jsonb_build_object('user_id', u.id, 'email', u.email) end,
      'hours', coalesce((
        select jsonb_agg(jsonb_build_object(
          'weekday', w.weekday,
          'start', to_char(w.start_time, 'HH24:MI'),
          'end', case when w.end_time = time '24:00' then '24:00'
            else to_char(w.end_time, 'HH24:MI') end
        ) order by w.weekday, w.start_time)
        from public.working_hours as w where w.practitioner_id = p.id
      ), '[]'::jsonb),
      'time_off', coalesce((
        select jsonb_agg(jsonb_build_object(
          'id', e.id, 'from', lower(e.during), 'to', upper(e.during), 'reason', e.reason
        ) order by lower(e.during))
        from public.schedule_exceptions as e
        where e.practitioner_id = p.id and upper(e.during) > now()
      ), '[]'::jsonb)
    ) order by p.display_name, p.id)
    from public.practitioners as p
    left join auth.users as u on u.id = p.user_id
  ), '[]'::jsonb);
end;
$$;

create function public.admin_session_types() returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform public.require_app_role('admin');
  return coalesce((
    select jsonb_agg(jsonb_build_object(
      'id', t.id,
      'slug', t.slug,
      'name', t.name,
      'description', t.description,
      'duration_minutes', t.duration_minutes,
      'buffer_minutes', t.buffer_minutes,
      'requires_consent', t.requires_consent,
      'sort_order', t.sort_order,
      'active', t.active,
      'prices', coalesce((
        select jsonb_agg(jsonb_build_object(
          'currency', x.currency, 'format', x.format, 'amount_minor', x.amount_minor,
          'active', x.active
        ) order by x.currency, x.format)
        from public.session_type_prices as x where x.session_type_id = t.id
      ), '[]'::jsonb)
    ) order by t.sort_order, t.slug)
    from public.session_types as t
  ), '[]'::jsonb);
end;
$$;

select public.restrict_execute('{authenticated,service_role}',
  'public.admin_practitioners()',
  'public.admin_session_types()');
