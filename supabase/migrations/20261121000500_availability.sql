-- What availability (GET/POST /api/availability, lib/scheduling/availability.ts) reads besides
-- the public catalogue: when a practitioner is busy and when they are away, as plain instants.
--
-- - busy_ranges: the API roles may not read bookings (they hold personal data), yet every
--   visitor must see which slots are taken. This security-definer function hands out only the
--   `blocked` range ([start, end + buffer)) of each live booking — held and not yet expired, or
--   confirmed — of one active practitioner in one window: no ids, no customers, no status, so
--   nobody learns whose booking it is or whether it is merely a hold.
-- - exception_ranges: the API roles may already read schedule_exceptions.during (not the
--   reason); this returns the same ranges as two timestamptz columns, so the API need not parse
--   Postgres' range text. Security invoker: row-level security applies as to a direct read.
--
-- Both take a half-open window [p_from, p_to) of at most 31 days (availability asks for three)
-- and answer 22023 for a missing, reversed or longer window, so nobody can page through a
-- practitioner's whole calendar in one call.

-- The window both functions below accept, as a range; 22023 for anything else.
create function public.calendar_window(
  p_practitioner_id uuid,
  p_from timestamptz,
  p_to timestamptz
)
returns tstzrange
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_practitioner_id is null or p_from is null or p_to is null or p_from >= p_to
    or p_to - p_from > interval '31 days' then
    raise exception 'a practitioner and a window [from, to) of at most 31 days are required'
      using errcode = '22023';
  end if;
  return tstzrange(p_from, p_to, '[)');
end;
$$;

create function public.busy_ranges(p_practitioner_id uuid, p_from timestamptz, p_to timestamptz)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  requested tstzrange := public.calendar_window(p_practitioner_id, p_from, p_to);
begin
  -- status in (held, confirmed) matches the partial GiST index of bookings_no_overlap.
  return query
    select lower(b.blocked), upper(b.blocked)
    from public.bookings as b
    where b.practitioner_id = p_practitioner_id
      and b.status in ('held', 'confirmed')
      and (b.status = 'confirmed' or b.expires_at > now())
      and b.blocked && requested
      and exists (
        select 1 from public.practitioners as p where p.id = p_practitioner_id and p.active
      )
    order by lower(b.blocked);
end;
$$;

create function public.exception_ranges(
  p_practitioner_id uuid,
  p_from timestamptz,
  p_to timestamptz
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  requested tstzrange := public.calendar_window(p_practitioner_id, p_from, p_to);
begin
  return query
    select lower(e.during), upper(e.during)
    from public.schedule_exceptions as e
    where e.practitioner_id = p_practitioner_id
      and e.during && requested
    order by lower(e.during);
end;
$$;

revoke execute on function public.busy_ranges(uuid, timestamptz, timestamptz) from public;
grant execute on function public.busy_ranges(uuid, timestamptz, timestamptz)
  to anon, authenticated;
revoke execute on function public.exception_ranges(uuid, timestamptz, timestamptz) from public;
grant execute on function public.exception_ranges(uuid, timestamptz, timestamptz)
  to anon, authenticated;
