-- Web Push subscriptions (issue 21, item 6): the browser's PushSubscription of a signed-in user
-- (its push-service endpoint and the keys that encrypt for it), one row per user and endpoint.
-- Users reach only their own rows, through RLS; the server (lib/push, with the service key)
-- reads the rows of the users it pushes to and deletes those the push service calls gone.
-- The API roles may insert and delete their own rows and read them; the checks on the values
-- are the table's own, so a row written straight through the Data API is no different; and the
-- server pushes only to known push services (lib/push/services.ts), whatever a row says.

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  -- https, or the loopback address the local stack's fake push service listens on; which push
  -- services the server sends to is decided again when it sends (lib/push/services.ts).
  endpoint text not null check (
    (endpoint ~ '^https://[^\s/]+/\S*$' or endpoint ~ '^http://(127\.0\.0\.1|localhost)(:\d+)?/\S*$')
    and length(endpoint) <= 1024
  ),
  -- The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{86,88}={0,2}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{22,24}={0,2}$'),
  expiration_time timestamptz,
  created_at timestamptz not null default now(),
  unique (user_id, endpoint)
);
create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);

alter table public.push_subscriptions enable row level security;
create policy "users read their push subscriptions" on public.push_subscriptions
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "users add their push subscriptions" on public.push_subscriptions
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "users change their push subscriptions" on public.push_subscriptions
  for update to authenticated
  using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy "users remove their push subscriptions" on public.push_subscriptions
  for delete to authenticated using ((select auth.uid()) = user_id);

revoke all on table public.push_subscriptions from anon, authenticated;
grant select, delete on table public.push_subscriptions to authenticated;
grant insert (user_id, endpoint, p256dh, auth, expiration_time) on table public.push_subscriptions
  to authenticated;
-- What an upsert on (user_id, endpoint) sets; RLS keeps the row the caller's.
grant update (user_id, endpoint, p256dh, auth, expiration_time) on table public.push_subscriptions
  to authenticated;
