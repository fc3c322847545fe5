-- The frequent schedules run in the database (issue #14): Vercel's Hobby plan runs crons at most
-- once a day, so vercel.json keeps only daily safety-net runs, and pg_cron runs the rest.
--
-- - bastion-deliver-notifications, every minute: POST /api/cron/deliver-notifications through
--   pg_net, only when a notification is due (a retry whose backoff ended, a claim that lapsed),
--   so an idle minute costs one indexed query and no function invocation. New rows do not wait
--   for it: the outbox trigger (20261203000500_database_webhooks.sql) calls at once.
-- - bastion-reminders, every 15 minutes: public.enqueue_due_reminders in SQL, with no HTTP at all
--   (it is the whole of /api/cron/reminders); the reminders it queues are delivered through the
--   outbox trigger. 15 minutes keeps the 1-hour reminder between 45 and 60 minutes ahead.
-- - bastion-settle-payments, every 15 minutes: POST /api/cron/settle-payments (stored webhook
--   events that failed, refunds owed or left pending, captures no webhook reported). A paid hold
--   lasts 10 minutes, so a missed capture is found soon after its hold lapses.
--
-- The calls read the URL and the secret from Vault (public.call_bastion). Where pg_cron is not
-- enabled when this runs, nothing is scheduled; enable pg_cron and pg_net, add the Vault secrets,
-- then run `select public.schedule_bastion_jobs();` (README, "Deploying"). Running it again
-- replaces the jobs (cron.schedule replaces a job of the same name), so it is always safe.

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

revoke execute on function public.notifications_due(), public.schedule_bastion_jobs()
  from public, anon, authenticated, service_role;
