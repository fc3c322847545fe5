-- Social channels' OAuth connect flow (issue 22): what the server keeps between the popup's start
-- and the provider's callback, and between the callback and the owner's choice of a Page.
--
-- - channel_oauth_states: one row per started connect, named by the signed state's id (jti).
--   Bound to the user, the shop and the platform, 10 minutes; the PKCE code verifier is kept here
--   sealed with the personal-data keys and never leaves the server. The callback deletes the row
--   it uses in the same statement that finds it (delete … returning), so a state works once:
--   a replay, a forged or foreign state finds nothing.
-- - channel_oauth_candidates: Meta answers every Page (and its Instagram account) the user
--   manages; when there are several, the owner picks one. Until then (10 minutes) the candidates,
--   with their Page tokens, are kept here sealed, one pending choice per shop and platform.
-- Both are server-only: RLS with no policies, nothing granted to anon or authenticated. The
-- token-refresh job deletes the rows past their expiry.

create table public.channel_oauth_states (
  id uuid primary key,
  shop_id uuid not null references public.shops (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  platform text not null constraint channel_oauth_states_platform
    check (platform in ('facebook', 'instagram', 'tiktok')),
  verifier_sealed text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

create index channel_oauth_states_expiry on public.channel_oauth_states (expires_at);

create table public.channel_oauth_candidates (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  platform text not null constraint channel_oauth_candidates_platform
    check (platform in ('facebook', 'instagram')),
  candidates_sealed text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  constraint channel_oauth_candidates_one_per_shop unique (shop_id, platform)
);

create index channel_oauth_candidates_expiry on public.channel_oauth_candidates (expires_at);

-- The refresh job finds the credentials that expire soon.
create index shop_channel_credentials_expiry on public.shop_channel_credentials (token_expires_at)
  where token_expires_at is not null;

alter table public.channel_oauth_states enable row level security;
alter table public.channel_oauth_candidates enable row level security;
revoke all on table public.channel_oauth_states, public.channel_oauth_candidates
  from anon, authenticated;

-- When the refresh job last found Meta still accepting a Page token (Page tokens do not expire;
-- the job asks about each once a day).
alter table public.shop_channel_credentials add column checked_at timestamptz;

-- Whether the token-refresh job has anything to do: a TikTok token of a connected account that
-- expires within 2 hours (or has), a Meta Page token not checked for a day, or a lapsed state.
create function public.channel_tokens_due() returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1
      from public.shop_channel_credentials as s
      join public.shop_channel_connections as k on k.id = s.id
     where k.status = 'connected'
       and ((k.platform = 'tiktok' and s.token_expires_at < now() + interval '2 hours')
         or (k.platform in ('facebook', 'instagram')
             and (s.checked_at is null or s.checked_at < now() - interval '1 day')))
  ) or exists (
    select 1 from public.channel_oauth_states as o where o.expires_at < now()
  ) or exists (
    select 1 from public.channel_oauth_candidates as c where c.expires_at < now()
  )
$$;

-- The refresh every 30 minutes where pg_cron is on (a TikTok access token lasts 24 hours and is
-- refreshed within its last 2), calling the endpoint only when something is due; Vercel Cron
-- runs it daily as the safety net. Run select public.schedule_channel_token_refresh(); after
-- enabling pg_cron (README, "Scheduled jobs"), as for schedule_bastion_jobs.
create function public.schedule_channel_token_refresh() returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is null then
    raise exception 'pg_cron is not enabled in this database'
      using errcode = 'feature_not_supported';
  end if;
  perform cron.schedule(
    'bastion-refresh-channel-tokens',
    '*/30 * * * *',
    $job$select public.call_bastion('/api/cron/refresh-channel-tokens') where public.channel_tokens_due()$job$
  );
end;
$$;

do $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is not null then
    perform public.schedule_channel_token_refresh();
  end if;
end
$$;

select public.restrict_execute('{}',
  'public.channel_tokens_due()',
  'public.schedule_channel_token_refresh()');
