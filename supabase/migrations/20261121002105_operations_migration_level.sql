-- admin_migration_level (20261121002100_operations.sql) answered the largest version, and the
-- local stack records its seed there too (seed-<hash>), which sorts after every timestamp, and
-- its migrations by file name (Supabase by timestamp): the leading timestamp of each is what
-- counts.
create or replace function public.admin_migration_level() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_version text;
begin
  perform public.require_app_role('admin');
  if to_regclass('supabase_migrations.schema_migrations') is null then
    return null;
  end if;
  execute 'select max(substring(version from ''^[0-9]{14}''))
             from supabase_migrations.schema_migrations' into v_version;
  return v_version;
end;
$$;

select public.restrict_execute('{authenticated,service_role}', 'public.admin_migration_level()');
