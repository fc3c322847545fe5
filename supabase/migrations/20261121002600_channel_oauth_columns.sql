-- Social channels connected through OAuth (issue 22): what Facebook Pages, Instagram professional
-- accounts and TikTok add to a connection. Written first and on its own so that the OAuth connect
-- flow and the messaging webhooks, built side by side, agree on one shape:
-- - shop_channel_connections.linked_page_id: for Instagram, the Facebook Page the professional
--   account is linked to (its messages are sent through that Page with the Page's token). Public
--   ids only, like account_id. For Facebook, account_id is the Page id and this stays null.
-- - shop_channel_credentials: when the access token expires (TikTok: 24 hours; Meta's Page tokens
--   from a long-lived user token have none), and TikTok's rotating refresh token, sealed with the
--   personal-data keys like the access token, with its own expiry.
-- - an index to find a connection from a webhook, which names the Page, Instagram account or
--   TikTok user it is for.

alter table public.shop_channel_connections
  add column linked_page_id text constraint shop_channel_connections_linked_page_length
    check (char_length(linked_page_id) <= 100);

alter table public.shop_channel_credentials
  add column token_expires_at timestamptz,
  add column refresh_token_sealed text,
  add column refresh_expires_at timestamptz;

create index shop_channel_connections_by_account
  on public.shop_channel_connections (platform, account_id)
  where status <> 'disconnected';
