-- Usage analytics for the browser extension (issue 18, item 4), privacy first: one row per named
-- event a signed-in user who opted in sent — the event's name, the feature it belongs to, the
-- user's tier and the day it happened; no free-form properties, no URLs or page content, no IP.
-- Each row lives as long as the tier's analyticsRetentionDays (lib/subscriptions/features.ts)
-- from when it arrived, and goes with the account (on delete cascade). Only the server reads or
-- writes it: RLS with no policies, nothing granted to the API roles, and both functions are the
-- service role's.

create table public.usage_events (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null constraint usage_events_name_format
    check (name ~ '^[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39})?$'),
  feature text not null constraint usage_events_feature_format
    check (feature ~ '^[a-z][a-z0-9_]{0,39}$'),
  tier text not null constraint usage_events_tier check (tier in ('free', 'pro', 'premium')),
  occurred_on date not null,
  received_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index usage_events_day_idx on public.usage_events (occurred_on, feature, tier);
create index usage_events_user_idx on public.usage_events (user_id);
create index usage_events_expires_idx on public.usage_events (expires_at);

alter table public.usage_events enable row level security;
revoke all on table public.usage_events from anon, authenticated;

-- One batch in one transaction: the rows, and the expired rows of everyone purged on the way
-- (retention needs no separate job). p_events: [{"name", "feature", "occurred_on"}], checked by
-- the API and again by the constraints.
create function public.record_usage_events(
  p_user_id uuid,
  p_tier text,
  p_retention_days integer,
  p_events jsonb
) returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  recorded integer;
begin
  delete from public.usage_events where expires_at < now();
  insert into public.usage_events (user_id, name, feature, tier, occurred_on, expires_at)
  select p_user_id, e ->> 'name', e ->> 'feature', p_tier, (e ->> 'occurred_on')::date,
         now() + make_interval(days => p_retention_days)
    from jsonb_array_elements(p_events) as e;
  get diagnostics recorded = row_count;
  return recorded;
end;
$$;

-- Daily aggregates per feature and tier between two days (inclusive): events and distinct users.
create function public.usage_summary(p_from date, p_to date)
returns table (day date, feature text, tier text, events bigint, users bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select u.occurred_on, u.feature, u.tier, count(*), count(distinct u.user_id)
    from public.usage_events as u
   where u.occurred_on between p_from and p_to and u.expires_at >= now()
   group by u.occurred_on, u.feature, u.tier
   order by u.occurred_on, u.feature, u.tier
$$;

select public.restrict_execute('{service_role}',
  'public.record_usage_events(uuid, text, integer, jsonb)',
  'public.usage_summary(date, date)');
