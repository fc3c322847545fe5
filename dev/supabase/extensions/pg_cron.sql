-- pg_cron as the local stack plays it: the SQL API of citusdata/pg_cron (cron.schedule,
-- cron.unschedule, cron.job, cron.job_run_details), with the scheduler played by
-- dev/supabase/extensions/cron-scheduler.ts, which runs each due job's command as SQL. Schedules
-- are standard five-field cron in UTC — numbers, `*`, ranges, lists and steps — or
-- '[1-59] seconds'. pg_cron also takes month and weekday names, `$` and `@daily`-style macros;
-- here they are refused with pg_cron's own "invalid schedule" error and a hint saying what the
-- local stack takes, never misread. Privileged roles only. Idempotent: it runs on every start,
-- unless the real extension is installed.

create schema if not exists cron;

create sequence if not exists cron.jobid_seq;
create table if not exists cron.job (
  jobid bigint primary key default nextval('cron.jobid_seq'),
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport int not null default 5432,
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  constraint jobname_username_uniq unique (jobname, username)
);

create sequence if not exists cron.runid_seq;
create table if not exists cron.job_run_details (
  jobid bigint,
  runid bigint primary key default nextval('cron.runid_seq'),
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);

-- Raises pg_cron's error for a schedule the local scheduler would not run exactly as pg_cron.
create or replace function cron._check_schedule(p_schedule text) returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_fields text[] := regexp_split_to_array(btrim(p_schedule), '\s+');
  v_low int[] := array[0, 0, 1, 1, 0];
  v_high int[] := array[59, 23, 31, 12, 7];
  v_seconds text[] := regexp_match(p_schedule, '^\s*([0-9]{1,9})\s+seconds?\s*$', 'i');
  v_item text;
  v_parts text[];
  v_from int;
  v_to int;
begin
  if v_seconds is not null then
    if v_seconds[1]::int between 1 and 59 then
      return;
    end if;
  elsif cardinality(v_fields) = 5 then
    <<fields>>
    for i in 1..5 loop
      foreach v_item in array string_to_array(v_fields[i], ',') loop
        -- number | number-number[/step] | *[/step]
        v_parts := regexp_match(v_item, '^(?:(\*)|([0-9]{1,2})(?:-([0-9]{1,2}))?)(?:/([0-9]{1,2}))?$');
        if v_parts is null or (v_parts[2] is not null and v_parts[3] is null and v_parts[4] is not null) then
          exit fields;
        end if;
        v_from := coalesce(v_parts[2]::int, v_low[i]);
        v_to := coalesce(v_parts[3]::int, v_parts[2]::int, v_high[i]);
        if v_from < v_low[i] or v_to > v_high[i] or v_from > v_to
          or coalesce(v_parts[4]::int, 1) not between 1 and v_high[i] then
          exit fields;
        end if;
      end loop;
      if i = 5 then
        return;
      end if;
    end loop;
  end if;
  raise exception using
    errcode = 'invalid_parameter_value',
    message = format('invalid schedule: %s', p_schedule),
    hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''. The local '
      'stack''s pg_cron takes numbers, *, ranges, lists and steps (no names, $ or @macros).';
end;
$$;

create or replace function cron.schedule(job_name text, schedule text, command text)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_jobid bigint;
begin
  if job_name is null then
    raise exception 'job_name can not be NULL';
  elsif schedule is null then
    raise exception 'schedule can not be NULL';
  elsif command is null then
    raise exception 'command can not be NULL';
  end if;
  perform cron._check_schedule(schedule);
  insert into cron.job (schedule, command, jobname)
  values (schedule, command, job_name)
  on conflict on constraint jobname_username_uniq do update
    set schedule = excluded.schedule, command = excluded.command, active = true
  returning jobid into v_jobid;
  return v_jobid;
end;
$$;

create or replace function cron.schedule(schedule text, command text)
returns bigint
language plpgsql
volatile
strict
set search_path = ''
as $$
declare
  v_jobid bigint;
begin
  perform cron._check_schedule(schedule);
  insert into cron.job (schedule, command) values (schedule, command) returning jobid into v_jobid;
  return v_jobid;
end;
$$;

create or replace function cron.unschedule(job_name text) returns boolean
language plpgsql
volatile
strict
set search_path = ''
as $$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end;
$$;

create or replace function cron.unschedule(job_id bigint) returns boolean
language plpgsql
volatile
strict
set search_path = ''
as $$
begin
  delete from cron.job where jobid = job_id and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
  return true;
end;
$$;

revoke all on schema cron from public;
revoke all on all tables in schema cron from public;
revoke all on all sequences in schema cron from public;
revoke all on all functions in schema cron from public;
