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
