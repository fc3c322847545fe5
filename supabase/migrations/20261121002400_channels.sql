-- Social channels for shops (issue 22): Telegram and Viber bots connected by their owners, whose
-- customers' messages arrive in the shop's live chat, and the members' replies going back out.
--
-- - shop_channel_connections: one per shop and platform, with what members may see (platform,
--   status connected / needs_reconnect / disconnected, the bot's public id, name and username).
--   Members read it under RLS (shop.read); nobody writes it through the Data API: connecting needs
--   the provider's answer (the token validated, the webhook registered), so the API checks
--   integrations.manage (owners) and writes as the server.
-- - shop_channel_credentials: the bot token, sealed with the personal-data keys (AES-256-GCM, key
--   id inside; npm run reencrypt moves it along), and for Telegram only the SHA-256 of the
--   webhook's secret_token (Viber signs its callbacks with the bot token itself). Server-only:
--   RLS with no policies, nothing granted to anon or authenticated. Deleted on disconnect.
-- - channel_conversations: which customer of which connection a conversation is with. The
--   customer's chat id (Telegram) or sender id (Viber) is personal data: a keyed hash to find the
--   conversation and the id sealed to answer there. Server-only.
-- - conversation_messages gains the delivery of a member's reply on a channel: delivery_status
--   (pending, sent, failed; null for the web chat), delivery_error (our code, never the
--   provider's text) and the provider's message id. Members already read every column.
-- - webhook_events takes 'telegram' and 'viber': each update is stored once (by connection and
--   update_id / message_token) before it is applied.

create table public.shop_channel_connections (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  platform text not null constraint shop_channel_connections_platform
    check (platform in ('facebook', 'instagram', 'tiktok', 'telegram', 'viber')),
  status text not null default 'connected' constraint shop_channel_connections_status
    check (status in ('connected', 'needs_reconnect', 'disconnected')),
  -- The bot's own public identity, as the provider reported it (not a customer's data).
  account_id text constraint shop_channel_connections_account_id_length
    check (char_length(account_id) <= 100),
  account_name text constraint shop_channel_connections_account_name_length
    check (char_length(account_name) <= 200),
  account_username text constraint shop_channel_connections_account_username_length
    check (char_length(account_username) <= 200),
  created_by uuid references auth.users (id) on delete set null,
  connected_at timestamptz,
  disconnected_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint shop_channel_connections_one_per_platform unique (shop_id, platform)
);

create table public.shop_channel_credentials (
  id uuid primary key references public.shop_channel_connections (id) on delete cascade,
  token_sealed text not null,
  webhook_secret_hash text constraint shop_channel_credentials_secret_hash_format
    check (webhook_secret_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now()
);

create table public.channel_conversations (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null unique references public.conversations (id) on delete cascade,
  connection_id uuid not null references public.shop_channel_connections (id) on delete cascade,
  external_hash text not null constraint channel_conversations_hash_format
    check (external_hash ~ '^[0-9a-f]{64}$'),
  external_sealed text not null,
  created_at timestamptz not null default now(),
  constraint channel_conversations_one_per_customer unique (connection_id, external_hash)
);

alter table public.shop_channel_connections enable row level security;
alter table public.shop_channel_credentials enable row level security;
alter table public.channel_conversations enable row level security;
revoke all on table public.shop_channel_connections, public.shop_channel_credentials,
  public.channel_conversations from anon, authenticated;
grant select on table public.shop_channel_connections to authenticated;

create policy "Members read their shop's channel connections"
  on public.shop_channel_connections for select to authenticated
  using (public.shop_can(shop_id, 'shop.read'));

alter table public.conversation_messages
  add column delivery_status text constraint conversation_messages_delivery_status
    check (delivery_status in ('pending', 'sent', 'failed')),
  add column delivery_error text constraint conversation_messages_delivery_error_length
    check (char_length(delivery_error) <= 200),
  add column external_message_id text constraint conversation_messages_external_id_length
    check (char_length(external_message_id) <= 200);

alter table public.webhook_events drop constraint webhook_events_provider;
alter table public.webhook_events add constraint webhook_events_provider
  check (provider in ('razorpay', 'stripe', 'sandbox', 'calcom', 'stripe_connect', 'telegram',
    'viber'));

-- A customer's message from a connected channel: continues the conversation with this customer
-- of this connection (a closed one opens again) or starts one (people answer: is_ai_active is
-- false), and adds the message, so the chat's triggers broadcast message:new and the rest.
create function public.channel_customer_message(
  p_connection_id uuid,
  p_external_hash text,
  p_external_sealed text,
  p_text text
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_connection public.shop_channel_connections;
  v_conversation public.conversations;
  v_message public.conversation_messages;
  v_created boolean := false;
begin
  select * into v_connection from public.shop_channel_connections as k
    where k.id = p_connection_id and k.status = 'connected';
  if not found then
    raise exception 'no such connection' using errcode = 'PT404';
  end if;
  update public.conversations as c
    set last_message_at = clock_timestamp(),
      status = case when c.status = 'closed' then 'open' else c.status end
    from public.channel_conversations as x
    where x.connection_id = p_connection_id and x.external_hash = p_external_hash
      and c.id = x.conversation_id
    returning c.* into v_conversation;
  if not found then
    insert into public.conversations (shop_id, channel, is_ai_active, last_message_at)
    values (v_connection.shop_id, v_connection.platform, false, clock_timestamp())
    returning * into v_conversation;
    insert into public.channel_conversations (conversation_id, connection_id, external_hash,
      external_sealed)
    values (v_conversation.id, p_connection_id, p_external_hash, p_external_sealed);
    v_created := true;
  end if;
  insert into public.conversation_messages (conversation_id, shop_id, sender, text)
  values (v_conversation.id, v_conversation.shop_id, 'customer', left(coalesce(p_text, ''), 4000))
  returning * into v_message;
  return jsonb_build_object('shopId', v_conversation.shop_id, 'conversationId', v_conversation.id,
    'messageId', v_message.id, 'created', v_created);
end;
$$;

-- Where a member's reply in a channel conversation goes: the platform, the connection's status,
-- its sealed token and the customer's sealed id; null for a web conversation.
create function public.channel_delivery_target(p_conversation_id uuid) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'connectionId', k.id,
    'platform', k.platform,
    'status', k.status,
    'accountName', k.account_name,
    'tokenSealed', s.token_sealed,
    'externalSealed', x.external_sealed
  )
  from public.channel_conversations as x
  join public.shop_channel_connections as k on k.id = x.connection_id
  left join public.shop_channel_credentials as s on s.id = k.id
  where x.conversation_id = p_conversation_id
$$;

select public.restrict_execute('{service_role}',
  'public.channel_customer_message(uuid, text, text, text)',
  'public.channel_delivery_target(uuid)');
