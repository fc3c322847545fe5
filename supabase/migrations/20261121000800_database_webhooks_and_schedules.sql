-- The platform's plumbing: the database starts Bastion's work itself, through Supabase's pg_net,
-- Vault and pg_cron.
--
-- Database webhooks. Work that must follow a committed change is started by the database, the
-- way Supabase Database Webhooks do it: a trigger calls a Bastion function through pg_net
-- (net.http_post), which queues the request in the transaction and sends it once the transaction
-- commits — a rolled-back change calls nothing. So a welcome email queued when GoTrue creates an
-- account, a confirmation queued by a payment webhook, or a refund owed after a cancellation is
-- acted on within seconds, whoever made the change, with no Bastion function calling another.
--
-- - The outbox: after rows are inserted into public.notifications, POST
--   /api/cron/deliver-notifications (once per transaction however many rows it queued).
-- - Owed refunds: when a paid booking is cancelled with a refund due, POST
--   /api/cron/settle-payments {"only": "refunds_owed"}, which asks the provider for it; the
--   refund's own notification then comes through the outbox trigger.
--
-- Schedules. Vercel's Hobby plan runs crons at most once a day, so vercel.json keeps only daily
-- safety-net runs, and pg_cron runs the frequent ones:
--
-- - bastion-deliver-notifications, every minute: POST /api/cron/deliver-notifications through
--   pg_net, only when a notification is due (a retry whose backoff ended, a claim that lapsed),
--   so an idle minute costs one indexed query and no function invocation. New rows do not wait
--   for it: the outbox trigger calls at once.
-- - bastion-reminders, every 15 minutes: public.enqueue_due_reminders in SQL, with no HTTP at all
--   (it is the whole of /api/cron/reminders); the reminders it queues are delivered through the
--   outbox trigger. 15 minutes keeps the 1-hour reminder between 45 and 60 minutes ahead.
-- - bastion-settle-payments, every 15 minutes: POST /api/cron/settle-payments (stored webhook
--   events that failed, refunds owed or left pending, captures no webhook reported). A paid hold
--   lasts 10 minutes, so a missed capture is found soon after its hold lapses.
--
-- Where and how: the functions' origin and the secret they check are read from Supabase Vault
-- (`bastion_functions_url`, `bastion_database_webhook_secret`), never written here. Until both
-- exist — or where pg_net or Vault is not enabled — the triggers and jobs call nothing and the
-- daily Vercel crons deliver instead. Where pg_cron is not enabled when this runs, nothing is
-- scheduled. One-time setup on a Supabase project (README, "Deploying"):
--
--   -- Database → Extensions: enable pg_net and pg_cron (Vault is on by default), then in the
--   -- SQL editor:
--   select vault.create_secret('https://<your app>', 'bastion_functions_url');
--   select vault.create_secret('<DATABASE_WEBHOOK_SECRET>', 'bastion_database_webhook_secret');
--   select public.schedule_bastion_jobs();
--
-- Running schedule_bastion_jobs again replaces the jobs (cron.schedule replaces a job of the
-- same name), so it is always safe.
--
-- pg_net sends each request at most once and keeps no retry: the callees are idempotent, and
-- what never arrived is swept (deliveries every minute by pg_cron when anything is due, and the
-- daily Vercel crons). A failure to queue the call never fails the change that wanted it.

-- Queues POST <bastion_functions_url><p_path> with the webhook secret; the request id, or null
-- when pg_net, Vault or the secrets are missing.
create function public.call_bastion(p_path text, p_body jsonb default '{}'::jsonb)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_secret text;
begin
  if p_path !~ '^/api/cron/[a-z-]+$' then
    raise exception 'call_bastion calls the scheduled endpoints only, not %', p_path
      using errcode = 'invalid_parameter_value';
  end if;
  if to_regprocedure('net.http_post(text,jsonb,jsonb,jsonb,integer)') is null
    or to_regclass('vault.decrypted_secrets') is null then
    return null;
  end if;
  begin
    -- Statements naming vault and net are planned only when reached, so this compiles and
    -- runs on a database without them.
    select max(s.decrypted_secret) filter (where s.name = 'bastion_functions_url'),
           max(s.decrypted_secret) filter (where s.name = 'bastion_database_webhook_secret')
      into v_url, v_secret
      from vault.decrypted_secrets as s
     where s.name in ('bastion_functions_url', 'bastion_database_webhook_secret');
    if v_url is null or v_secret is null then
      return null;
    end if;
    return net.http_post(
      url := rtrim(v_url, '/') || p_path,
      body := p_body,
      headers := jsonb_build_object(
        'Content-Type', 'application/json',
        'Authorization', 'Bearer ' || v_secret
      ),
      timeout_milliseconds := 10000
    );
  exception
    when others then
      raise warning 'call_bastion(%): the request was not queued: %', p_path, sqlerrm;
      return null;
  end;
end;
$$;

-- Once per transaction: the one request, sent after commit, delivers every row it queued.
create function public.notifications_request_delivery() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from queued)
    and coalesce(current_setting('bastion.delivery_requested', true), '') <> 'on' then
    perform set_config('bastion.delivery_requested', 'on', true);
    perform public.call_bastion('/api/cron/deliver-notifications');
  end if;
  return null;
end;
$$;

create trigger notifications_request_delivery
  after insert on public.notifications
  referencing new table as queued
  for each statement execute function public.notifications_request_delivery();

-- A paid booking cancelled with a refund due (cancel_booking sets refund_due_minor).
create function public.bookings_request_refund() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'cancelled' and coalesce(new.refund_due_minor, 0) > 0
    and new.paid_by_payment_id is not null
    and (old.status is distinct from 'cancelled'
      or old.refund_due_minor is distinct from new.refund_due_minor)
    and coalesce(current_setting('bastion.refunds_requested', true), '') <> 'on' then
    perform set_config('bastion.refunds_requested', 'on', true);
    perform public.call_bastion('/api/cron/settle-payments', '{"only": "refunds_owed"}'::jsonb);
  end if;
  return null;
end;
$$;

create trigger bookings_request_refund
  after update of status, refund_due_minor on public.bookings
  for each row execute function public.bookings_request_refund();

-- Whether the delivery sweep has anything to do now (the rows notifications_claim would take).
create function public.notifications_due() returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select 1
      from public.notifications as n
     where n.next_attempt_at <= now()
       and (n.status = 'queued' or (n.status = 'sending' and n.claimed_until < now()))
  )
$$;

create function public.schedule_bastion_jobs() returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is null then
    raise exception 'pg_cron is not enabled in this database'
      using errcode = 'feature_not_supported',
            hint = 'Enable pg_cron and pg_net (Database → Extensions), add the Vault secrets, '
              'then run select public.schedule_bastion_jobs();';
  end if;
  perform cron.schedule(
    'bastion-deliver-notifications',
    '* * * * *',
    $job$select public.call_bastion('/api/cron/deliver-notifications') where public.notifications_due()$job$
  );
  perform cron.schedule(
    'bastion-reminders',
    '*/15 * * * *',
    $job$select public.enqueue_due_reminders(now())$job$
  );
  perform cron.schedule(
    'bastion-settle-payments',
    '*/15 * * * *',
    $job$select public.call_bastion('/api/cron/settle-payments')$job$
  );
end;
$$;

do $$
begin
  if to_regprocedure('cron.schedule(text,text,text)') is not null then
    perform public.schedule_bastion_jobs();
  end if;
end
$$;

select public.restrict_execute('{}',
  'public.call_bastion(text, jsonb)',
  'public.notifications_request_delivery()',
  'public.bookings_request_refund()',
  'public.notifications_due()',
  'public.schedule_bastion_jobs()');
