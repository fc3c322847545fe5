-- Supabase Realtime's database side, as the local stack plays it: the realtime schema with
-- realtime.messages (Supabase's columns), realtime.topic() for RLS policies, realtime.send()
-- and realtime.broadcast_changes() for triggers — the definitions of supabase/realtime's
-- migrations. The server half (the WebSocket endpoint that authorizes joins through the RLS on
-- realtime.messages and fans the inserted messages out) is dev/supabase/realtime/.
-- Differences, all local: realtime.messages is one table rather than daily partitions, and an
-- insert also queues the message's id in realtime._local_fanout and notifies the local server,
-- which Postgres delivers only when the transaction commits (Supabase reads the WAL instead), so
-- a rolled-back send reaches nobody. Idempotent: it runs on every start. In production Supabase
-- provides all of this; nothing here belongs in supabase/migrations.

create schema if not exists realtime;

create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;

-- The topic being authorized or sent to, which Realtime sets for the probe and realtime.send
-- sets before its insert.
create or replace function realtime.topic() returns text
language sql
stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

create or replace function realtime.send(
  payload jsonb,
  event text,
  topic text,
  private boolean default true
) returns void
language plpgsql
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;
    execute format('set local realtime.topic to %L', topic);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

create or replace function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
) returns void
language plpgsql
as $$
declare
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
                                   'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

-- Local only: the ids of broadcast messages the local server has not fanned out yet. It takes
-- them off this queue once they are committed (delete … returning), as pg_net's worker does.
create table if not exists realtime._local_fanout (
  seq bigserial primary key,
  message_id uuid not null,
  inserted_at timestamp without time zone not null
);
alter table realtime._local_fanout enable row level security;

create or replace function realtime._local_queue_fanout() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.extension = 'broadcast' then
    insert into realtime._local_fanout (message_id, inserted_at) values (new.id, new.inserted_at);
    perform pg_notify('realtime_local_fanout', '');
  end if;
  return null;
end;
$$;

drop trigger if exists realtime_local_fanout on realtime.messages;
create trigger realtime_local_fanout
  after insert on realtime.messages
  for each row execute function realtime._local_queue_fanout();

-- Supabase's grants: the API roles reach realtime.messages only through its RLS policies
-- (select = may receive, insert = may send), which each project writes itself.
grant usage on schema realtime to anon, authenticated, service_role;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
revoke all on realtime._local_fanout from public, anon, authenticated, service_role;
revoke all on sequence realtime._local_fanout_seq_seq from public, anon, authenticated, service_role;
revoke all on function realtime._local_queue_fanout() from public, anon, authenticated, service_role;
