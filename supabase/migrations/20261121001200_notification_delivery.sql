-- Notifications (issue #7): delivering the outbox. The server (service role only) claims due
-- rows, composes each message from what the row is about, sends it, and records how it went;
-- providers' status webhooks move a sent row forward. Every function here is one statement's
-- worth of state change, so a worker that dies half-way leaves a row that the next sweep picks
-- up again once its claim has lapsed.
--
-- - Claim: queued rows that are due, and rows left 'sending' whose claim lapsed (a worker died
--   between claiming and recording), become 'sending' for two minutes with one more attempt.
--   `for update skip locked` lets two sweeps run side by side without taking the same row.
-- - Retry: a failed attempt waits 2^attempts minutes (at most six hours) before the next; after
--   the eighth attempt the row stays 'failed'. The idempotency key goes with every attempt, so a
--   provider that accepted an attempt we never heard back from does not send it twice.
-- - Provider status only moves forward (sent → delivered → bounced/failed), so a redelivered or
--   late webhook changes nothing: status updates need no inbox of their own.

create table public.local_outbox_messages (
  id uuid primary key default gen_random_uuid(),
  notification_id uuid references public.notifications (id) on delete cascade,
  channel text not null constraint local_outbox_messages_channel check (channel in ('email', 'sms')),
  template text not null,
  -- The rendered message (recipient, subject, text, html, attachments, SMS) as one sealed JSON
  -- document: it holds names and addresses, like the booking it was made from.
  message_sealed text not null constraint local_outbox_messages_message_sealed_length
    check (char_length(message_sealed) between 1 and 1000000),
  created_at timestamptz not null default now()
);

create index local_outbox_messages_created_at_idx on public.local_outbox_messages (created_at desc);

-- Only the server writes and the dev server reads it, with the service key.
alter table public.local_outbox_messages enable row level security;
revoke all on table public.local_outbox_messages from anon, authenticated;

create function public.notifications_claim(p_limit int) returns setof public.notifications
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  -- A row whose last attempt never reported back is given up on once it has had all eight.
  update public.notifications
     set status = 'failed', claimed_until = null, updated_at = now(),
         last_error = coalesce(last_error, 'delivery did not finish')
   where status = 'sending' and claimed_until < now() and attempts >= 8;

  return query
  update public.notifications as n
     set status = 'sending',
         claimed_until = now() + interval '2 minutes',
         attempts = n.attempts + 1,
         updated_at = now()
   where n.id in (
     select d.id
       from public.notifications as d
      where d.next_attempt_at <= now()
        and (d.status = 'queued' or (d.status = 'sending' and d.claimed_until < now()))
      order by d.next_attempt_at
      limit least(greatest(p_limit, 1), 100)
      for update skip locked
   )
  returning n.*;
end;
$$;

-- Only the claim that is still current may record its outcome.
create function public.notifications_mark_sent(
  p_id uuid,
  p_provider text,
  p_provider_message_id text
) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with sent as (
    update public.notifications
       set status = 'sent', provider = p_provider, provider_message_id = p_provider_message_id,
           sent_at = now(), claimed_until = null, last_error = null, updated_at = now()
     where id = p_id and status = 'sending'
    returning 1
  )
  select exists (select 1 from sent)
$$;

-- p_final: retrying cannot help (nobody to send to, variables the template refuses).
create function public.notifications_mark_failed(
  p_id uuid,
  p_error text,
  p_final boolean default false
) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with failed as (
    update public.notifications
       set status = case when p_final or attempts >= 8 then 'failed' else 'queued' end,
           next_attempt_at = now() + least(
             power(2, least(attempts, 20)) * interval '1 minute', interval '6 hours'
           ),
           claimed_until = null,
           last_error = left(p_error, 500),
           updated_at = now()
     where id = p_id and status = 'sending'
    returning 1
  )
  select exists (select 1 from failed)
$$;

create function public.notification_status_rank(p_status text) returns int
language sql
immutable
set search_path = ''
as $$
  select case p_status
    when 'queued' then 0 when 'sending' then 0 when 'sent' then 1 when 'delivered' then 2
    when 'bounced' then 3 when 'failed' then 3
  end
$$;

-- What a provider reported about a message it accepted; never backwards, never sideways.
create function public.notifications_mark_status_from_provider(
  p_provider text,
  p_provider_message_id text,
  p_status text
) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with moved as (
    update public.notifications
       set status = p_status, updated_at = now()
     where provider = p_provider and provider_message_id = p_provider_message_id
       and p_status in ('delivered', 'bounced', 'failed')
       and public.notification_status_rank(p_status) > public.notification_status_rank(status)
    returning 1
  )
  select exists (select 1 from moved)
$$;

-- Everything a notification's template and recipient are composed from, read in one call:
-- sealed values stay sealed (the server opens them), and the account's email comes from
-- auth.users here rather than through the Auth admin API (one round trip, same transaction).
create function public.notification_delivery_context(p_id uuid) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'booking', (
      select jsonb_build_object(
        'id', b.id,
        'format', b.format,
        'starts_at', lower(b.during),
        'ends_at', upper(b.during),
        'updated_at', b.updated_at,
        'customer_name_sealed', b.customer_name_sealed,
        'customer_email_sealed', b.customer_email_sealed,
        'customer_phone_sealed', b.customer_phone_sealed,
        'session_type_name', st.name,
        'time_zone', pr.time_zone
      )
      from public.bookings as b
      join public.session_types as st on st.id = b.session_type_id
      join public.practitioners as pr on pr.id = b.practitioner_id
      where b.id = n.booking_id
    ),
    'payment', (
      select jsonb_build_object(
        'id', p.id,
        'amount_minor', p.amount_minor,
        'currency', p.currency,
        'captured_at', coalesce(p.captured_at, p.updated_at),
        'session_type_name', st.name
      )
      from public.payments as p
      join public.session_types as st on st.id = p.session_type_id
      where p.id = n.payment_id
    ),
    'refund', (
      select jsonb_build_object(
        'id', r.id,
        'amount_minor', r.amount_minor,
        'currency', p.currency
      )
      from public.refunds as r
      join public.payments as p on p.id = r.payment_id
      where r.id = n.refund_id
    ),
    'account', (
      select jsonb_build_object('email', u.email, 'full_name', pf.full_name)
      from auth.users as u
      left join public.profiles as pf on pf.id = u.id
      where u.id = n.user_id
    )
  )
  from public.notifications as n
  where n.id = p_id
$$;

revoke execute on function
  public.notifications_claim(int),
  public.notifications_mark_sent(uuid, text, text),
  public.notifications_mark_failed(uuid, text, boolean),
  public.notifications_mark_status_from_provider(text, text, text),
  public.notification_delivery_context(uuid)
  from public, anon, authenticated;
grant execute on function
  public.notifications_claim(int),
  public.notifications_mark_sent(uuid, text, text),
  public.notifications_mark_failed(uuid, text, boolean),
  public.notifications_mark_status_from_provider(text, text, text),
  public.notification_delivery_context(uuid)
  to service_role;
