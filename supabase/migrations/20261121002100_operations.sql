-- Operations (issue 24): what needs a human now, the scheduled jobs' heartbeats, and the alerts
-- that tell admins when something crossed its threshold and when it cleared.
--
-- - operations_conditions: the list of condition queries. Each row names a function
--   `(p_cutoff timestamptz) returns table (item_id text, since timestamptz, practitioner_id uuid)`
--   answering the items stuck since before the cutoff (now minus the condition's threshold):
--   what to act on (an id), since when, and whose it is (null: nobody's in particular, so
--   admins only). Another domain adds its own condition with one function and one insert here
--   (orders, flight bookings: see the README's Operations section); nothing else changes.
-- - operations_overview: one call answering every condition (count, oldest, first ids) and, for
--   admins, each job's last success and the open alerts. Granted to authenticated and enforcing
--   the scope itself: admins see everything, staff only the items of their practitioners
--   (public.staff_serves), customers nothing (42501).
-- - job_heartbeats: each scheduled job's last successful run (lib/cron/heartbeat.ts).
-- - operations_alerts: one open alert per condition at most (the dedupe); opening and clearing
--   each enqueue one operations_alert email through the outbox, in the same transaction.

create table public.job_heartbeats (
  job text primary key constraint job_heartbeats_job_format check (job ~ '^[a-z0-9-]{1,60}$'),
  last_success_at timestamptz not null,
  last_duration_ms int constraint job_heartbeats_duration check (last_duration_ms >= 0),
  runs bigint not null default 1
);

alter table public.job_heartbeats enable row level security;
revoke all on table public.job_heartbeats from anon, authenticated;

-- Called by the cron endpoints after a successful run (service role only).
create function public.record_job_heartbeat(p_job text, p_duration_ms int) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.job_heartbeats (job, last_success_at, last_duration_ms)
  values (p_job, now(), greatest(p_duration_ms, 0))
  on conflict (job) do update
    set last_success_at = excluded.last_success_at,
        last_duration_ms = excluded.last_duration_ms,
        runs = public.job_heartbeats.runs + 1
$$;

-- ---------------------------------------------------------------------------------------------
-- The condition queries.

create table public.operations_conditions (
  key text primary key constraint operations_conditions_key_format check (key ~ '^[a-z_]{1,60}$'),
  title text not null constraint operations_conditions_title_length
    check (char_length(title) between 1 and 200),
  query regprocedure not null,
  -- Used when the API passes no threshold of its own (lib/operations/config.ts passes them all).
  default_threshold_seconds int not null constraint operations_conditions_threshold
    check (default_threshold_seconds >= 0),
  -- Whether staff see the condition's items of their practitioners; false: admins only.
  staff_visible boolean not null default true,
  position int not null default 100
);

alter table public.operations_conditions enable row level security;
revoke all on table public.operations_conditions from anon, authenticated;

-- Practitioner of a payment: through the booking it pays for, or the booking it was made for.
create function public.operations_payment_practitioner(p_payment_id uuid) returns uuid
language sql stable
set search_path = ''
as $$
  select coalesce(
    (select b.practitioner_id from public.bookings as b where b.paid_by_payment_id = p_payment_id
      limit 1),
    (select b.practitioner_id from public.payments as p
      join public.bookings as b on b.id = p.booking_id where p.id = p_payment_id)
  )
$$;

-- Whether a captured payment is used by what it was bought for. Bookings here; a domain whose
-- payments buy something else (shop orders, flight bookings) that keeps them in public.payments
-- replaces this function in its migration, adding its own `or exists (…)`.
create function public.operations_payment_matched(p_payment_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (select 1 from public.bookings as b where b.paid_by_payment_id = p_payment_id)
$$;

-- Stored provider events not processed (our side failed, or nobody got to them).
create function public.operations_webhook_events_failing(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select e.id::text, e.received_at, null::uuid
  from public.webhook_events as e
  where e.processed_at is null and e.received_at < p_cutoff
$$;

-- Email and SMS that failed for good or bounced in the last 7 days (a retry clears one).
create function public.operations_messages_failed(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select n.id::text, n.updated_at, coalesce(
    b.practitioner_id,
    public.operations_payment_practitioner(coalesce(n.payment_id, r.payment_id))
  )
  from public.notifications as n
  left join public.bookings as b on b.id = n.booking_id
  left join public.refunds as r on r.id = n.refund_id
  where n.status in ('failed', 'bounced')
    and n.updated_at < p_cutoff and n.updated_at > now() - interval '7 days'
$$;

-- Messages still waiting to be sent (queued or retrying) since before the cutoff.
create function public.operations_messages_stuck(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select n.id::text, n.created_at, coalesce(
    b.practitioner_id,
    public.operations_payment_practitioner(coalesce(n.payment_id, r.payment_id))
  )
  from public.notifications as n
  left join public.bookings as b on b.id = n.booking_id
  left join public.refunds as r on r.id = n.refund_id
  where n.status in ('queued', 'sending') and n.created_at < p_cutoff
$$;

-- Refunds cancelled paid bookings are owed and nobody asked the provider for (by payment id).
create function public.operations_refunds_owed(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select owed.payment_id::text, b.updated_at, b.practitioner_id
  from public.ledger_refunds_owed() as owed
  join public.bookings as b on b.id = owed.booking_id
  where b.updated_at < p_cutoff
$$;

-- Refunds asked of the provider that it has not confirmed (by payment id).
create function public.operations_refunds_pending(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select r.payment_id::text, min(r.created_at), public.operations_payment_practitioner(r.payment_id)
  from public.refunds as r
  where r.status = 'pending' and r.created_at < p_cutoff
  group by r.payment_id
$$;

-- Captured payments that nothing uses: money taken, nothing booked (nor refunded).
create function public.operations_captures_unmatched(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select p.id::text, p.captured_at, null::uuid
  from public.payments as p
  where p.status = 'captured' and p.captured_at < p_cutoff
    and not public.operations_payment_matched(p.id)
$$;

-- Where the ledger disagrees with itself: a booking confirmed as paid by a payment that is not
-- captured, or a payment whose refunded amount is not the sum of its succeeded refunds.
create function public.operations_reconciliation_mismatches(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select p.id::text, p.updated_at, b.practitioner_id
  from public.bookings as b
  join public.payments as p on p.id = b.paid_by_payment_id
  where b.status in ('confirmed', 'completed')
    and p.status not in ('captured', 'partially_refunded', 'refunded')
    and p.updated_at < p_cutoff
  union
  select p.id::text, p.updated_at, public.operations_payment_practitioner(p.id)
  from public.payments as p
  where p.updated_at < p_cutoff
    and p.refunded_minor <> coalesce((
      select sum(r.amount_minor) from public.refunds as r
      where r.payment_id = p.id and r.status = 'succeeded'
    ), 0)
$$;

-- Chargebacks the provider has not closed yet (Stripe's and Razorpay's closed words excluded).
create function public.operations_disputes_open(p_cutoff timestamptz)
returns table (item_id text, since timestamptz, practitioner_id uuid)
language sql stable
set search_path = ''
as $$
  select d.id::text, d.opened_at, public.operations_payment_practitioner(d.payment_id)
  from public.payment_disputes as d
  where d.status not in ('won', 'lost', 'closed', 'warning_closed', 'charge_refunded')
    and d.opened_at < p_cutoff
$$;

insert into public.operations_conditions
  (key, title, query, default_threshold_seconds, staff_visible, position)
values
  ('webhook_events_failing', 'Provider webhook events not processed',
    'public.operations_webhook_events_failing(timestamptz)', 1800, false, 10),
  ('messages_failed', 'Email or SMS failed or bounced',
    'public.operations_messages_failed(timestamptz)', 0, true, 20),
  ('messages_stuck', 'Email or SMS waiting to be sent',
    'public.operations_messages_stuck(timestamptz)', 1800, true, 30),
  ('refunds_owed', 'Refunds owed and not asked of the provider',
    'public.operations_refunds_owed(timestamptz)', 900, true, 40),
  ('refunds_pending', 'Refunds pending at the provider',
    'public.operations_refunds_pending(timestamptz)', 3600, true, 50),
  ('captures_unmatched', 'Captured payments with no booking',
    'public.operations_captures_unmatched(timestamptz)', 600, false, 60),
  ('reconciliation_mismatches', 'Payments the ledger disagrees about',
    'public.operations_reconciliation_mismatches(timestamptz)', 600, true, 70),
  ('disputes_open', 'Disputes (chargebacks) open',
    'public.operations_disputes_open(timestamptz)', 0, true, 80);

-- ---------------------------------------------------------------------------------------------
-- Alerts.

create table public.operations_alerts (
  id uuid primary key default gen_random_uuid(),
  -- A condition's key, or job_late:<job> for a scheduled job.
  condition text not null constraint operations_alerts_condition_format
    check (condition ~ '^[a-z_]{1,60}(:[a-z0-9-]{1,60})?$'),
  title text not null constraint operations_alerts_title_length
    check (char_length(title) between 1 and 200),
  item_count int not null default 0,
  oldest_at timestamptz,
  item_ids text[] not null default '{}',
  opened_at timestamptz not null default now(),
  cleared_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now()
);

-- The dedupe: one open alert per condition.
create unique index operations_alerts_open_idx on public.operations_alerts (condition)
  where cleared_at is null;

alter table public.operations_alerts enable row level security;
revoke all on table public.operations_alerts from anon, authenticated;

-- The alert emails go through the outbox like every other message: the row names its alert.
alter table public.notifications
  add column operations_alert_id uuid references public.operations_alerts (id) on delete cascade;
alter table public.notifications drop constraint notifications_subject;
alter table public.notifications add constraint notifications_subject check (
  num_nonnulls(booking_id, payment_id, refund_id, user_id, operations_alert_id) >= 1
);

-- The alert job's one write (service role): p_states is `[{condition, title, active, count,
-- oldestAt, ids}]` for every condition it evaluated. An active condition without an open alert
-- opens one; an open alert whose condition is no longer active clears; each of the two enqueues
-- one operations_alert email (idempotency key operations_alert:<id>:opened|cleared). Answers the
-- transitions: `[{alertId, condition, transition}]`.
create function public.operations_record_alerts(p_states jsonb) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_state jsonb;
  v_alert public.operations_alerts;
  v_transitions jsonb := '[]'::jsonb;
  v_ids text[];
begin
  for v_state in select * from jsonb_array_elements(coalesce(p_states, '[]'::jsonb)) loop
    select * into v_alert from public.operations_alerts as a
      where a.condition = v_state ->> 'condition' and a.cleared_at is null
      for update;
    v_ids := array(select jsonb_array_elements_text(coalesce(v_state -> 'ids', '[]'::jsonb)));
    if (v_state ->> 'active')::boolean then
      if v_alert.id is null then
        insert into public.operations_alerts (condition, title, item_count, oldest_at, item_ids)
        values (v_state ->> 'condition', v_state ->> 'title', (v_state ->> 'count')::int,
          (v_state ->> 'oldestAt')::timestamptz, v_ids)
        returning * into v_alert;
        insert into public.notifications
          (channel, template, idempotency_key, operations_alert_id, data)
        values ('email', 'operations_alert', 'operations_alert:' || v_alert.id || ':opened',
          v_alert.id, jsonb_build_object('state', 'opened', 'alert_id', v_alert.id))
        on conflict (idempotency_key) do nothing;
        v_transitions := v_transitions || jsonb_build_object(
          'alertId', v_alert.id, 'condition', v_alert.condition, 'transition', 'opened');
      else
        update public.operations_alerts
           set item_count = (v_state ->> 'count')::int,
               oldest_at = (v_state ->> 'oldestAt')::timestamptz,
               item_ids = v_ids, updated_at = now()
         where id = v_alert.id;
      end if;
    elsif v_alert.id is not null then
      update public.operations_alerts
         set cleared_at = now(), item_count = 0, item_ids = '{}', updated_at = now()
       where id = v_alert.id;
      insert into public.notifications
        (channel, template, idempotency_key, operations_alert_id, data)
      values ('email', 'operations_alert', 'operations_alert:' || v_alert.id || ':cleared',
        v_alert.id, jsonb_build_object('state', 'cleared', 'alert_id', v_alert.id))
      on conflict (idempotency_key) do nothing;
      v_transitions := v_transitions || jsonb_build_object(
        'alertId', v_alert.id, 'condition', v_alert.condition, 'transition', 'cleared');
    end if;
  end loop;
  return v_transitions;
end;
$$;

-- An admin marks an open alert seen (recorded in staff_actions). PT404: no such open alert.
create function public.operations_acknowledge_alert(p_id uuid) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_alert public.operations_alerts;
begin
  perform public.require_app_role('admin');
  update public.operations_alerts
     set acknowledged_at = coalesce(acknowledged_at, now()),
         acknowledged_by = coalesce(acknowledged_by, (select auth.uid())), updated_at = now()
   where id = p_id and cleared_at is null
  returning * into v_alert;
  if v_alert.id is null then
    raise exception 'no such open alert' using errcode = 'PT404';
  end if;
  perform public.record_staff_action((select auth.uid()), 'operations_alert.acknowledge',
    'operations_alerts', v_alert.id, jsonb_build_object('condition', v_alert.condition));
  return jsonb_build_object('id', v_alert.id, 'condition', v_alert.condition,
    'acknowledgedAt', v_alert.acknowledged_at);
end;
$$;

-- A failed or bounced message queued again at once, its attempts reset (server, for an admin
-- the API verified; recorded in staff_actions). False when the message is not failed or bounced.
create function public.operations_requeue_notification(p_id uuid, p_actor uuid) returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  update public.notifications
     set status = 'queued', attempts = 0, next_attempt_at = now(), claimed_until = null,
         last_error = null, updated_at = now()
   where id = p_id and status in ('failed', 'bounced');
  if not found then
    return false;
  end if;
  perform public.record_staff_action(p_actor, 'notification.retry', 'notifications', p_id, '{}');
  return true;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- The view.

-- p_thresholds: `{condition key: seconds}` (missing keys use the condition's default);
-- p_limit: how many ids per condition, oldest first.
create function public.operations_overview(p_thresholds jsonb default '{}'::jsonb,
  p_limit int default 20)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_admin boolean := public.called_by_server() or public.has_app_role('admin');
  v_condition public.operations_conditions;
  v_seconds int;
  v_summary jsonb;
  v_conditions jsonb := '[]'::jsonb;
begin
  if not (v_admin or public.has_app_role('staff')) then
    raise exception 'this needs the staff role' using errcode = '42501';
  end if;
  for v_condition in
    select * from public.operations_conditions as c order by c.position, c.key
  loop
    continue when not v_admin and not v_condition.staff_visible;
    v_seconds := greatest(0, coalesce(
      (p_thresholds ->> v_condition.key)::int, v_condition.default_threshold_seconds));
    execute format(
      'select jsonb_build_object(''count'', count(*), ''oldestAt'', min(i.since),
         ''ids'', coalesce(to_jsonb((array_agg(i.item_id order by i.since, i.item_id))[1:$3]),
           ''[]''::jsonb))
       from %s($1) as i
       where $2 or public.staff_serves(i.practitioner_id)',
      v_condition.query::oid::regproc)
    into v_summary
    using now() - make_interval(secs => v_seconds), v_admin, least(greatest(p_limit, 1), 100);
    v_conditions := v_conditions || (v_summary || jsonb_build_object(
      'key', v_condition.key, 'title', v_condition.title, 'thresholdSeconds', v_seconds));
  end loop;
  return jsonb_build_object(
    'conditions', v_conditions,
    'jobs', case when v_admin then coalesce((
      select jsonb_agg(jsonb_build_object('job', h.job, 'lastSuccessAt', h.last_success_at,
        'lastDurationMs', h.last_duration_ms, 'runs', h.runs) order by h.job)
      from public.job_heartbeats as h), '[]'::jsonb) else '[]'::jsonb end,
    'alerts', case when v_admin then coalesce((
      select jsonb_agg(jsonb_build_object('id', a.id, 'condition', a.condition,
        'title', a.title, 'openedAt', a.opened_at, 'acknowledgedAt', a.acknowledged_at,
        'count', a.item_count) order by a.opened_at)
      from public.operations_alerts as a where a.cleared_at is null), '[]'::jsonb)
      else '[]'::jsonb end
  );
end;
$$;

-- GET /api/admin/health: the newest migration applied (its timestamp), for admins. The
-- migrations table is Supabase's (supabase_migrations.schema_migrations), which `supabase db push`
-- and the local stack keep; null where there is none.
create function public.admin_migration_level() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_version text;
begin
  perform public.require_app_role('admin');
  if to_regclass('supabase_migrations.schema_migrations') is null then
    return null;
  end if;
  execute 'select max(version) from supabase_migrations.schema_migrations' into v_version;
  return v_version;
end;
$$;

select public.restrict_execute('{}',
  'public.operations_payment_practitioner(uuid)',
  'public.operations_payment_matched(uuid)',
  'public.operations_webhook_events_failing(timestamptz)',
  'public.operations_messages_failed(timestamptz)',
  'public.operations_messages_stuck(timestamptz)',
  'public.operations_refunds_owed(timestamptz)',
  'public.operations_refunds_pending(timestamptz)',
  'public.operations_captures_unmatched(timestamptz)',
  'public.operations_reconciliation_mismatches(timestamptz)',
  'public.operations_disputes_open(timestamptz)');
select public.restrict_execute('{service_role}',
  'public.record_job_heartbeat(text, int)',
  'public.operations_record_alerts(jsonb)',
  'public.operations_requeue_notification(uuid, uuid)');
select public.restrict_execute('{authenticated,service_role}',
  'public.admin_migration_level()',
  'public.operations_overview(jsonb, int)',
  'public.operations_acknowledge_alert(uuid)');
