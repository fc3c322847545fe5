-- What the platform itself needs from the database, before any application table exists.

-- The health check's probe (lib/db/health.ts calls it with the anon key): the cheapest query
-- that goes through the API gateway, PostgREST and Postgres. It reads nothing, so granting it to
-- anon reveals nothing; an empty search_path keeps it from resolving anything a caller created.
create function public.health() returns text
language sql stable
set search_path = ''
as $$ select 'ok' $$;

revoke execute on function public.health() from public;
grant execute on function public.health() to anon, authenticated, service_role;
