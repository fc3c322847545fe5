-- Live chat for shops (issue 21): conversations with their customers and their messages, and the
-- realtime events a shop's dashboard receives.
--
-- - Members read and triage a shop's conversations under RLS with the commerce schema's one
--   membership helper (public.shop_can(shop, 'conversations.handle'), which every role has).
--   Triage (status, assignee, tags, notes, AI on/off) is a column-narrowed update grant behind a
--   policy; a trigger keeps the assignee one of the shop's members. A member's reply is
--   public.send_shop_message (granted to authenticated, checks the caller itself), which also
--   hands the conversation over from the AI to people.
-- - Customers have no account: the web chat widget holds a random conversation token of which
--   only a SHA-256 hash is kept (public.conversation_tokens, server-only). What they do goes through the
--   server (service role functions below), which hashes the token it was given.
-- - No customer name is kept (the widget asks for none): a conversation is told apart by its
--   channel and times; what the customer writes is the message text, readable by the members.
-- - Events: triggers call realtime.send(payload, event, 'shop:<shop id>', true) — Supabase's
--   broadcast from the database — for message:new, conversation:update, order:update and
--   notification ({title, message, type}); RLS on realtime.messages lets only the shop's members
--   receive (select) and send (insert) on their shop's topic. Where the realtime schema is not
--   installed (plain PostgreSQL in CI), the triggers send nothing and no policy is created.

-- ---------------------------------------------------------------------------------------------
-- Conversations and messages.

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  channel text not null default 'web' constraint conversations_channel
    check (channel in ('web', 'facebook', 'instagram', 'tiktok', 'telegram', 'viber')),
  status text not null default 'open' constraint conversations_status
    check (status in ('open', 'pending', 'closed')),
  assignee_id uuid references auth.users (id) on delete set null,
  tags text[] not null default '{}' constraint conversations_tags_shape
    check (cardinality(tags) <= 20 and array_position(tags, null) is null),
  notes text constraint conversations_notes_length check (char_length(notes) <= 5000),
  is_ai_active boolean not null default false,
  last_message_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index conversations_shop_idx on public.conversations (shop_id, created_at desc, id desc);
create index conversations_assignee_idx on public.conversations (assignee_id);
create index conversations_tags_idx on public.conversations using gin (tags);

create table public.conversation_messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  shop_id uuid not null references public.shops (id) on delete cascade,
  sender text not null constraint conversation_messages_sender
    check (sender in ('customer', 'seller', 'ai', 'system')),
  -- The member who wrote a seller message.
  sender_user_id uuid references auth.users (id) on delete set null,
  text text not null default '' constraint conversation_messages_text_length
    check (char_length(text) <= 4000),
  -- References to Supabase Storage objects: [{"path", "contentType", "size"}], checked by the API.
  attachments jsonb not null default '[]'::jsonb constraint conversation_messages_attachments_shape
    check (jsonb_typeof(attachments) = 'array' and jsonb_array_length(attachments) <= 5
      and pg_column_size(attachments) <= 4000),
  -- Milliseconds, as the API writes instants: the widget's `after` is a createdAt it was given.
  created_at timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
  constraint conversation_messages_not_empty
    check (char_length(text) > 0 or jsonb_array_length(attachments) > 0)
);

-- The web widget's conversation tokens: only their SHA-256 (hex), and only the server reads them
-- (RLS, no policies).
create table public.conversation_tokens (
  conversation_id uuid primary key references public.conversations (id) on delete cascade,
  token_hash text not null unique constraint conversation_tokens_hash_format
    check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now()
);

alter table public.conversation_tokens enable row level security;
revoke all on table public.conversation_tokens from anon, authenticated;

create index conversation_messages_conversation_idx
  on public.conversation_messages (conversation_id, created_at, id);

alter table public.conversations enable row level security;
alter table public.conversation_messages enable row level security;
revoke all on table public.conversations, public.conversation_messages from anon, authenticated;
grant select, update (status, assignee_id, tags, notes, is_ai_active)
  on table public.conversations to authenticated;
grant select on table public.conversation_messages to authenticated;

create policy "Members read their shop's conversations"
  on public.conversations for select to authenticated
  using (public.shop_can(shop_id, 'conversations.handle'));

create policy "Members triage their shop's conversations"
  on public.conversations for update to authenticated
  using (public.shop_can(shop_id, 'conversations.handle'))
  with check (public.shop_can(shop_id, 'conversations.handle'));

create policy "Members read their shop's messages"
  on public.conversation_messages for select to authenticated
  using (public.shop_can(shop_id, 'conversations.handle'));

-- Whoever writes: the assignee is a member of the conversation's shop; a conversation stays in
-- its shop and channel.
create function public.conversations_check_row() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.shop_id <> old.shop_id or new.channel <> old.channel
    or new.created_at <> old.created_at) then
    raise exception 'a conversation stays where it began' using errcode = 'PT409';
  end if;
  if new.assignee_id is not null
    and public.shop_role_of(new.assignee_id, new.shop_id) is null then
    raise exception 'the assignee is not a member of the shop' using errcode = '22023';
  end if;
  new.tags := coalesce((
    select array_agg(distinct t order by t) from unnest(new.tags) as t
  ), '{}');
  if exists (
    select 1 from unnest(new.tags) as t
    where char_length(t) not between 1 and 40 or t ~ '[[:cntrl:]]'
  ) then
    raise exception 'a tag is 1 to 40 printable characters' using errcode = '22023';
  end if;
  if tg_op = 'UPDATE' then
    new.updated_at := now();
  end if;
  return new;
end;
$$;

create trigger conversations_check_row before insert or update on public.conversations
  for each row execute function public.conversations_check_row();

-- Whether attachments are references the API would take: at most 5 objects {path, contentType,
-- size}, each under the shop's own folder, of an allowed type and at most 10 MB (lib/chat/
-- messages.ts says the same); send_shop_message checks it, as members may call it directly.
create function public.chat_attachments_valid(p_shop_id uuid, p_attachments jsonb) returns boolean
language sql immutable
set search_path = ''
as $$
  select jsonb_typeof(p_attachments) = 'array' and jsonb_array_length(p_attachments) <= 5
    and not exists (
      select 1 from jsonb_array_elements(p_attachments) as a
      where case
        when jsonb_typeof(a) <> 'object' or jsonb_typeof(a -> 'path') <> 'string'
          or jsonb_typeof(a -> 'size') <> 'number' then true
        else (select count(*) from jsonb_object_keys(a)) <> 3
          or not starts_with(a ->> 'path', p_shop_id::text || '/')
          or char_length(a ->> 'path') > 300
          or a ->> 'path' !~ '^[0-9a-f-]{36}/[A-Za-z0-9._/-]+$'
          or a ->> 'path' ~ '(^|/)[.][.](/|$)'
          or coalesce(a ->> 'contentType', '') not in
            ('image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf')
          or (a ->> 'size')::numeric not between 1 and 10000000
          or (a ->> 'size')::numeric <> trunc((a ->> 'size')::numeric)
      end
    )
$$;

-- A member's reply (granted to authenticated: it checks the caller). A person answering takes the
-- conversation over from the AI, and a closed conversation opens again.
create function public.send_shop_message(
  p_shop_id uuid,
  p_conversation_id uuid,
  p_text text,
  p_attachments jsonb default '[]'::jsonb
) returns public.conversation_messages
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_message public.conversation_messages;
begin
  if not public.shop_can(p_shop_id, 'conversations.handle') then
    raise exception 'no such conversation' using errcode = 'PT404';
  end if;
  if not public.chat_attachments_valid(p_shop_id, coalesce(p_attachments, '[]'::jsonb)) then
    raise exception 'attachments are references under the shop''s folder' using errcode = '22023';
  end if;
  update public.conversations as c
    set is_ai_active = false, last_message_at = clock_timestamp(),
      status = case when c.status = 'closed' then 'open' else c.status end
    where c.id = p_conversation_id and c.shop_id = p_shop_id;
  if not found then
    raise exception 'no such conversation' using errcode = 'PT404';
  end if;
  insert into public.conversation_messages (conversation_id, shop_id, sender, sender_user_id,
    text, attachments)
  values (p_conversation_id, p_shop_id, 'seller', (select auth.uid()), coalesce(p_text, ''),
    coalesce(p_attachments, '[]'::jsonb))
  returning * into v_message;
  return v_message;
end;
$$;

-- A customer starts a web conversation with their first message (the server: it made the token
-- and hashes it). The shop decides whether its AI answers new conversations; here the API says.
create function public.start_web_conversation(
  p_shop_id uuid,
  p_token_hash text,
  p_text text,
  p_ai_active boolean
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_message public.conversation_messages;
begin
  if not exists (select 1 from public.shops as s where s.id = p_shop_id) then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  insert into public.conversations (shop_id, channel, is_ai_active, last_message_at)
  values (p_shop_id, 'web', coalesce(p_ai_active, false), clock_timestamp())
  returning * into v_conversation;
  insert into public.conversation_tokens (conversation_id, token_hash)
  values (v_conversation.id, p_token_hash);
  insert into public.conversation_messages (conversation_id, shop_id, sender, text)
  values (v_conversation.id, p_shop_id, 'customer', p_text)
  returning * into v_message;
  return jsonb_build_object('conversation', to_jsonb(v_conversation),
    'message', to_jsonb(v_message));
end;
$$;

-- A customer's next message, found by the token's hash within the shop. A closed conversation
-- opens again. Answers the message and whether the AI should reply.
create function public.send_customer_message(
  p_shop_id uuid,
  p_token_hash text,
  p_text text,
  p_attachments jsonb default '[]'::jsonb
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_message public.conversation_messages;
begin
  update public.conversations as c
    set last_message_at = clock_timestamp(),
      status = case when c.status = 'closed' then 'open' else c.status end
    from public.conversation_tokens as t
    where t.token_hash = p_token_hash and c.id = t.conversation_id and c.shop_id = p_shop_id
    returning c.* into v_conversation;
  if not found then
    raise exception 'no such conversation' using errcode = 'PT404';
  end if;
  insert into public.conversation_messages (conversation_id, shop_id, sender, text, attachments)
  values (v_conversation.id, p_shop_id, 'customer', coalesce(p_text, ''),
    coalesce(p_attachments, '[]'::jsonb))
  returning * into v_message;
  return jsonb_build_object('conversation', to_jsonb(v_conversation),
    'message', to_jsonb(v_message));
end;
$$;

-- What the customer sees of their conversation: its status and the messages after p_after
-- (oldest first, at most p_limit), never notes, tags or who is assigned.
create function public.customer_conversation(
  p_shop_id uuid,
  p_token_hash text,
  p_after timestamptz,
  p_limit int
) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', c.id,
    'status', c.status,
    'messages', coalesce((
      select jsonb_agg(to_jsonb(m) - 'sender_user_id' order by m.created_at, m.id)
      from (
        select * from public.conversation_messages as m
        where m.conversation_id = c.id and (p_after is null or m.created_at > p_after)
        order by m.created_at, m.id
        limit greatest(1, least(coalesce(p_limit, 50), 200))
      ) as m
    ), '[]'::jsonb)
  )
  from public.conversations as c
  join public.conversation_tokens as t on t.conversation_id = c.id
  where c.shop_id = p_shop_id and t.token_hash = p_token_hash
$$;

-- The AI's answer, kept only while the AI is still on for the conversation: a member who took it
-- over while the model was writing wins. Answers whether it was kept.
create function public.add_ai_message(p_conversation_id uuid, p_text text) returns boolean
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  update public.conversations as c set last_message_at = clock_timestamp()
    where c.id = p_conversation_id and c.is_ai_active
    returning * into v_conversation;
  if not found then
    return false;
  end if;
  insert into public.conversation_messages (conversation_id, shop_id, sender, text)
  values (v_conversation.id, v_conversation.shop_id, 'ai', p_text);
  return true;
end;
$$;

-- The AI could not answer (the shop's AI budget is spent, the text was flagged, the provider is
-- down): people take over, and the customer is told in a system message.
create function public.ai_hand_over(p_conversation_id uuid, p_text text) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  update public.conversations as c set is_ai_active = false
    where c.id = p_conversation_id and c.is_ai_active
    returning * into v_conversation;
  if found then
    insert into public.conversation_messages (conversation_id, shop_id, sender, text)
    values (v_conversation.id, v_conversation.shop_id, 'system', p_text);
  end if;
end;
$$;

-- What the AI may know of a shop: its name, description and currency and its products on sale
-- (name, description, price, whether in stock, category). Nothing about customers, orders or
-- other shops.
create function public.shop_ai_facts(p_shop_id uuid) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'name', s.name,
    'description', s.description,
    'currency', s.currency,
    'owner_id', s.created_by,
    'products', coalesce((
      select jsonb_agg(jsonb_build_object(
        'name', p.name, 'description', p.description, 'price_minor', p.price_minor,
        'in_stock', p.stock > 0, 'category', p.category
      ) order by p.name, p.id)
      from (
        select * from public.products as p
        where p.shop_id = s.id and p.deleted_at is null
        order by p.name, p.id
        limit 100
      ) as p
    ), '[]'::jsonb)
  )
  from public.shops as s
  where s.id = p_shop_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Realtime events, broadcast from the database on the shop's private topic.

-- The shop id of a `shop:<uuid>` topic, or null for any other topic.
create function public.realtime_topic_shop_id(p_topic text) returns uuid
language sql immutable
set search_path = ''
as $$
  select case
    when p_topic ~ '^shop:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then substr(p_topic, 6)::uuid
  end
$$;

-- Sends one event to the shop's topic when the realtime schema is there (Supabase, the local
-- stack), else nothing. realtime.send itself never fails the transaction that calls it.
create function public.shop_broadcast(p_shop_id uuid, p_event text, p_payload jsonb) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    execute 'select realtime.send($1, $2, $3, true)'
      using p_payload, p_event, 'shop:' || p_shop_id::text;
  end if;
end;
$$;

create function public.conversation_event(p_conversation public.conversations) returns jsonb
language sql immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_conversation.id,
    'shopId', p_conversation.shop_id,
    'channel', p_conversation.channel,
    'status', p_conversation.status,
    'assigneeId', p_conversation.assignee_id,
    'tags', to_jsonb(p_conversation.tags),
    'isAiActive', p_conversation.is_ai_active,
    'lastMessageAt', p_conversation.last_message_at,
    'createdAt', p_conversation.created_at,
    'updatedAt', p_conversation.updated_at
  )
$$;

create function public.conversations_broadcast() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform public.shop_broadcast(new.shop_id, 'notification', jsonb_build_object(
      'title', 'New conversation',
      'message', 'A customer started a conversation (' || new.channel || ').',
      'type', 'conversation',
      'conversationId', new.id
    ));
  end if;
  perform public.shop_broadcast(new.shop_id, 'conversation:update',
    public.conversation_event(new));
  return null;
end;
$$;

create trigger conversations_broadcast after insert or update on public.conversations
  for each row execute function public.conversations_broadcast();

create function public.conversation_messages_broadcast() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ai boolean;
begin
  perform public.shop_broadcast(new.shop_id, 'message:new', jsonb_build_object(
    'id', new.id,
    'conversationId', new.conversation_id,
    'shopId', new.shop_id,
    'sender', new.sender,
    'senderUserId', new.sender_user_id,
    'text', new.text,
    'attachments', new.attachments,
    'createdAt', new.created_at
  ));
  if new.sender = 'customer' then
    select c.is_ai_active into v_ai from public.conversations as c where c.id = new.conversation_id;
    if not coalesce(v_ai, false) then
      perform public.shop_broadcast(new.shop_id, 'notification', jsonb_build_object(
        'title', 'A customer is waiting',
        'message', 'A new message waits for a reply.',
        'type', 'message',
        'conversationId', new.conversation_id
      ));
    end if;
  end if;
  return null;
end;
$$;

create trigger conversation_messages_broadcast after insert on public.conversation_messages
  for each row execute function public.conversation_messages_broadcast();

-- Orders: each new order and each status or payment-status change.
create function public.orders_broadcast() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
    and new.payment_status is not distinct from old.payment_status then
    return null;
  end if;
  if tg_op = 'INSERT' then
    perform public.shop_broadcast(new.shop_id, 'notification', jsonb_build_object(
      'title', 'New order',
      'message', 'A new order is waiting.',
      'type', 'order',
      'orderId', new.id
    ));
  end if;
  perform public.shop_broadcast(new.shop_id, 'order:update', jsonb_build_object(
    'id', new.id,
    'shopId', new.shop_id,
    'status', new.status,
    'paymentStatus', new.payment_status,
    'totalMinor', new.total_minor,
    'currency', new.currency,
    'createdAt', new.created_at,
    'updatedAt', new.updated_at
  ));
  return null;
end;
$$;

create trigger orders_broadcast after insert or update on public.orders
  for each row execute function public.orders_broadcast();

select public.restrict_execute('{}',
  'public.conversations_check_row()',
  'public.chat_attachments_valid(uuid, jsonb)',
  'public.conversations_broadcast()',
  'public.conversation_messages_broadcast()',
  'public.orders_broadcast()',
  'public.shop_broadcast(uuid, text, jsonb)',
  'public.conversation_event(public.conversations)');
select public.restrict_execute('{authenticated,service_role}',
  'public.send_shop_message(uuid, uuid, text, jsonb)',
  'public.realtime_topic_shop_id(text)');
select public.restrict_execute('{service_role}',
  'public.start_web_conversation(uuid, text, text, boolean)',
  'public.send_customer_message(uuid, text, text, jsonb)',
  'public.customer_conversation(uuid, text, timestamptz, int)',
  'public.add_ai_message(uuid, text)',
  'public.ai_hand_over(uuid, text)',
  'public.shop_ai_facts(uuid)');

-- Who may join a shop's private channel: its members, to receive (select), on `shop:<shop id>`
-- topics only. Realtime checks it when a client joins, as the caller. No insert policy: every
-- event on the topic comes from the database (realtime.send in the triggers above), so a member
-- (an agent, or someone removed whose socket is still open) cannot forge an `order:update`, a
-- customer's `message:new` or a `notification` for the rest of the team.
do $$
begin
  if to_regclass('realtime.messages') is not null then
    execute $policy$
      create policy "Shop members receive their shop's events"
        on realtime.messages for select to authenticated
        using (
          extension = 'broadcast'
          and public.shop_can(public.realtime_topic_shop_id((select realtime.topic())), 'shop.read')
        )
    $policy$;
  end if;
end;
$$;
