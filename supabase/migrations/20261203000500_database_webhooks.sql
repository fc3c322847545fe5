-- Work that must follow a committed change is started by the database (issue #14), the way
-- Supabase Database Webhooks do it: a trigger calls a Bastion function through pg_net
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
-- Where and how: the functions' origin and the secret they check are read from Supabase Vault
-- (`bastion_functions_url`, `bastion_database_webhook_secret`), never written here. Until both
-- exist — or where pg_net or Vault is not enabled — the triggers do nothing and the scheduled
-- sweeps deliver instead (vercel.json, and the pg_cron jobs of the next migration). One-time
-- setup on a Supabase project (README, "Deploying"):
--
--   -- Database → Extensions: enable pg_net (Vault is on by default), then in the SQL editor:
--   select vault.create_secret('https://<your app>', 'bastion_functions_url');
--   select vault.create_secret('<DATABASE_WEBHOOK_SECRET>', 'bastion_database_webhook_secret');
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

revoke execute on function
  public.call_bastion(text, jsonb),
  public.notifications_request_delivery(),
  public.bookings_request_refund()
  from public, anon, authenticated, service_role;
