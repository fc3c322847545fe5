-- pg_net as the local stack plays it: the SQL API of supabase/pg_net (net.http_get,
-- net.http_post, the request queue and net._http_response), with the background worker played by
-- dev/supabase/extensions/net-worker.ts. A call queues the request and answers its id at once;
-- net.wake() notifies the worker, and Postgres delivers a notification only when its transaction
-- commits, so a rolled-back transaction sends nothing. The worker takes each queued request off
-- the queue before sending it: at most once per call. Only the subset Bastion needs: GET and POST
-- (net.http_delete and pg_net's callback API are absent, so calling them is an error naming the
-- missing function). Idempotent: it runs on every start, unless the real extension is installed.

create schema if not exists net;

do $$
begin
  if to_regtype('net.http_method') is null then
    create domain net.http_method as text check (value ilike 'get' or value ilike 'post');
  end if;
end
$$;

-- Requests waiting for the worker; it deletes each one as it takes it.
create table if not exists net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds int not null
);

-- What came back, kept for six hours (pg_net.ttl's default); error_msg when nothing came back.
create table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

-- Percent-encodes everything but unreserved characters, as libcurl's curl_easy_escape does.
create or replace function net._urlencode_string(string varchar) returns text
language sql
immutable
strict
set search_path = ''
as $$
  select coalesce(string_agg(
    case
      when part.ch ~ '^[A-Za-z0-9._~-]$' then part.ch
      else upper(regexp_replace(encode(convert_to(part.ch, 'UTF8'), 'hex'), '(..)', '%\1', 'g'))
    end,
    '' order by part.position
  ), '')
  from regexp_split_to_table(string, '') with ordinality as part(ch, position)
$$;

create or replace function net._encode_url_with_params_array(url text, params_array text[])
returns text
language sql
immutable
strict
set search_path = ''
as $$
  select case
    when cardinality(params_array) = 0 then url
    else url || case when strpos(url, '?') > 0 then '&' else '?' end
      || array_to_string(params_array, '&')
  end
$$;

create or replace function net._params_array(params jsonb) returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(
    array_agg(net._urlencode_string(param.key) || '=' || net._urlencode_string(param.value)),
    '{}'
  )
  from jsonb_each_text(coalesce(params, '{}'::jsonb)) as param(key, value)
$$;

-- The worker listens on this channel (pg_net's wake() sets its latch).
create or replace function net.wake() returns void
language sql
volatile
set search_path = ''
as $$
  select pg_notify('pg_net_local_worker', '')
$$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, net._params_array(params)), headers,
          timeout_milliseconds)
  returning id into v_id;
  perform net.wake();
  return v_id;
end;
$$;

-- A JSON body only, as pg_net: a Content-Type other than application/json is refused, and one
-- left out is added.
create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_id bigint;
  v_content_type text;
begin
  select header.value into v_content_type
    from jsonb_each_text(coalesce(headers, '{}'::jsonb)) as header(name, value)
   where lower(header.name) = 'content-type'
   limit 1;
  if v_content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  elsif v_content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, net._params_array(params)), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into v_id;
  perform net.wake();
  return v_id;
end;
$$;

-- Privileged roles only: no API role may make the database send requests. Bastion's triggers
-- and jobs call it as the migrations' owner.
revoke all on schema net from public;
revoke all on all tables in schema net from public;
revoke all on all sequences in schema net from public;
revoke all on all functions in schema net from public;
revoke all on schema net from anon, authenticated, service_role;
