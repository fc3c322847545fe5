-- Social channels' messaging for Facebook, Instagram and TikTok (issue 22, items 3 to 5):
-- - webhook_events takes 'meta' (Messenger and Instagram messaging, one app-level webhook) and
--   'tiktok' (the app's webhook: authorization.removed and the other events TikTok sends).
-- - public.channel_mark_needs_reconnect: a connection whose token the provider no longer accepts
--   (or whose authorisation was removed) becomes needs_reconnect, once; the first time, the shop's
--   realtime topic gets a `notification` (no token, no customer data) and the caller is told
--   which owners to push to.
-- - public.channel_delivery_target is replaced to say also the connection's public account ids
--   (the Page to send from) and when the customer last wrote in the conversation: Meta lets a
--   Page answer a customer within 24 hours of their last message only (the standard messaging
--   window), and Bastion refuses before calling Meta outside it.
-- - public.add_ai_channel_reply: the AI's answer kept as add_ai_message keeps it, answering the
--   new message's row, so that a channel conversation's answer can then be sent out and its
--   delivery recorded on that row.

alter table public.webhook_events drop constraint webhook_events_provider;
alter table public.webhook_events add constraint webhook_events_provider
  check (provider in ('razorpay', 'stripe', 'sandbox', 'calcom', 'stripe_connect', 'telegram',
    'viber', 'meta', 'tiktok'));

create function public.channel_mark_needs_reconnect(p_connection_id uuid, p_reason text)
returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_connection public.shop_channel_connections;
  v_owners jsonb;
begin
  update public.shop_channel_connections as k
    set status = 'needs_reconnect', updated_at = clock_timestamp()
    where k.id = p_connection_id and k.status = 'connected'
    returning * into v_connection;
  if not found then
    return jsonb_build_object('changed', false);
  end if;
  perform public.shop_broadcast(v_connection.shop_id, 'notification', jsonb_build_object(
    'title', 'Reconnect a channel',
    'message', 'The ' || v_connection.platform || ' connection stopped working: '
      || left(coalesce(p_reason, 'the platform no longer accepts it'), 200)
      || '. Reconnect it to keep receiving and answering messages.',
    'type', 'channel',
    'platform', v_connection.platform
  ));
  select coalesce(jsonb_agg(m.user_id), '[]'::jsonb) into v_owners
    from public.shop_members as m
    where m.shop_id = v_connection.shop_id and m.role = 'owner';
  return jsonb_build_object('changed', true, 'shopId', v_connection.shop_id,
    'platform', v_connection.platform, 'ownerIds', v_owners);
end;
$$;

create or replace function public.channel_delivery_target(p_conversation_id uuid) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'connectionId', k.id,
    'platform', k.platform,
    'status', k.status,
    'accountName', k.account_name,
    'accountId', k.account_id,
    'linkedPageId', k.linked_page_id,
    'tokenSealed', s.token_sealed,
    'externalSealed', x.external_sealed,
    'lastCustomerMessageAt', (
      select max(m.created_at) from public.conversation_messages as m
        where m.conversation_id = x.conversation_id and m.sender = 'customer'
    )
  )
  from public.channel_conversations as x
  join public.shop_channel_connections as k on k.id = x.connection_id
  left join public.shop_channel_credentials as s on s.id = k.id
  where x.conversation_id = p_conversation_id
$$;

create function public.add_ai_channel_reply(p_conversation_id uuid, p_text text) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_message public.conversation_messages;
begin
  update public.conversations as c set last_message_at = clock_timestamp()
    where c.id = p_conversation_id and c.is_ai_active
    returning * into v_conversation;
  if not found then
    return null;
  end if;
  insert into public.conversation_messages (conversation_id, shop_id, sender, text)
  values (v_conversation.id, v_conversation.shop_id, 'ai', p_text)
  returning * into v_message;
  return jsonb_build_object('id', v_message.id, 'conversation_id', v_message.conversation_id,
    'sender', v_message.sender, 'sender_user_id', v_message.sender_user_id,
    'text', v_message.text, 'attachments', v_message.attachments,
    'created_at', v_message.created_at);
end;
$$;

select public.restrict_execute('{service_role}',
  'public.channel_mark_needs_reconnect(uuid, text)',
  'public.channel_delivery_target(uuid)',
  'public.add_ai_channel_reply(uuid, text)');
