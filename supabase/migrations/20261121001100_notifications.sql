-- Notifications (issue #7): the outbox. A state change that must tell someone writes the
-- notification row in its own transaction — here by triggers on bookings, payments, refunds and
-- profiles, so every path that changes them (the booking functions, the payments ledger, the
-- dashboard's refunds through webhooks) notifies the same way and none can forget to. Delivery
-- happens after the transaction commits (lib/notify), and a cron sweep retries failures.
--
-- - Exactly once: each row carries an idempotency key, unique, named after what it announces
--   (`booking_confirmation:<booking id>`, `booking_reminder:24h:<booking id>`): a second attempt
--   to enqueue the same announcement — a retried webhook, two overlapping reminder runs — finds
--   the row and adds nothing. The key is also sent to the provider (Resend's Idempotency-Key), so
--   a delivery retried after a timeout is not sent twice either.
-- - No personal data in the row: the recipient and the template's variables are read from the
--   booking, payment, refund or user at delivery time (sealed values opened by the server); `data`
--   holds only what is not personal (a reminder's kind, a rescheduled booking's previous start).
-- - Status: queued → sending → sent → delivered, or failed (after the last retry) / bounced
--   (reported by the provider). claimed_until keeps two sweeps from delivering one row at once.
--
-- Customers get email always; SMS too when the booking asked for it (bookings.sms_opt_in) and has
-- a phone number.

alter table public.bookings
  add column sms_opt_in boolean not null default false;

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  channel text not null constraint notifications_channel check (channel in ('email', 'sms')),
  template text not null constraint notifications_template check (template ~ '^[a-z_]{1,50}$'),
  locale text not null default 'en' constraint notifications_locale
    check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  -- What it is about (and so whom it goes to): one of these, or a user for account mail.
  booking_id uuid references public.bookings (id) on delete cascade,
  payment_id uuid references public.payments (id) on delete cascade,
  refund_id uuid references public.refunds (id) on delete cascade,
  user_id uuid references auth.users (id) on delete cascade,
  data jsonb not null default '{}'::jsonb,
  idempotency_key text not null constraint notifications_idempotency_key_unique unique
    constraint notifications_idempotency_key_length
      check (char_length(idempotency_key) between 1 and 256),
  status text not null default 'queued' constraint notifications_status check (status in (
    'queued', 'sending', 'sent', 'delivered', 'failed', 'bounced'
  )),
  provider text constraint notifications_provider
    check (provider in ('resend', 'twilio', 'outbox')),
  provider_message_id text,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text constraint notifications_last_error_length check (char_length(last_error) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  constraint notifications_subject check (
    num_nonnulls(booking_id, payment_id, refund_id, user_id) >= 1
  ),
  constraint notifications_provider_message_unique unique (provider, provider_message_id)
);

create index notifications_due_idx on public.notifications (next_attempt_at)
  where status in ('queued', 'sending');

alter table public.notifications enable row level security;
revoke all on table public.notifications from anon, authenticated;

-- Adds one notification unless its key is taken (then nothing happens: it was announced).
create function public.enqueue_notification(
  p_channel text,
  p_template text,
  p_idempotency_key text,
  p_booking_id uuid default null,
  p_payment_id uuid default null,
  p_refund_id uuid default null,
  p_user_id uuid default null,
  p_data jsonb default '{}'::jsonb
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.notifications (
    channel, template, idempotency_key, booking_id, payment_id, refund_id, user_id, data
  )
  values (
    p_channel, p_template, p_idempotency_key, p_booking_id, p_payment_id, p_refund_id,
    p_user_id, coalesce(p_data, '{}'::jsonb)
  )
  on conflict (idempotency_key) do nothing
$$;

-- A booking's announcement by email, and by SMS when the customer asked for it.
create function public.enqueue_booking_notification(
  p_booking public.bookings,
  p_template text,
  p_key text,
  p_data jsonb default '{}'::jsonb
) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  -- A booking whose customer's data was erased (account deleted) has nobody to tell.
  if p_booking.customer_email_sealed is null then
    return;
  end if;
  perform public.enqueue_notification(
    'email', p_template, p_key || ':email', p_booking.id, null, null, null, p_data
  );
  if p_booking.sms_opt_in and p_booking.customer_phone_sealed is not null then
    perform public.enqueue_notification(
      'sms', p_template, p_key || ':sms', p_booking.id, null, null, null, p_data
    );
  end if;
end;
$$;

-- Confirmed (paid, free, or by staff), cancelled after confirmation, moved while confirmed.
-- A hold withdrawn or lapsed is the customer's own doing and needs no email.
create function public.bookings_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'confirmed' and (tg_op = 'INSERT' or old.status <> 'confirmed') then
    perform public.enqueue_booking_notification(
      new, 'booking_confirmation', 'booking_confirmation:' || new.id
    );
  elsif tg_op = 'UPDATE' and new.status = 'cancelled' and old.status = 'confirmed' then
    perform public.enqueue_booking_notification(
      new, 'booking_cancellation', 'booking_cancellation:' || new.id
    );
  elsif tg_op = 'UPDATE' and new.status = 'confirmed' and lower(new.during) <> lower(old.during) then
    perform public.enqueue_booking_notification(
      new,
      'booking_rescheduled',
      'booking_rescheduled:' || new.id || ':' || extract(epoch from lower(new.during))::bigint,
      jsonb_build_object('previous_starts_at', lower(old.during))
    );
  end if;
  return null;
end;
$$;

create trigger bookings_notify
  after insert or update of status, during on public.bookings
  for each row execute function public.bookings_notify();

-- A receipt when a payment is captured; it goes to the payment's user.
create function public.payments_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'captured' and old.status is distinct from 'captured'
    and old.status not in ('partially_refunded', 'refunded') and new.user_id is not null then
    perform public.enqueue_notification(
      'email', 'payment_receipt', 'payment_receipt:' || new.id || ':email',
      new.booking_id, new.id, null, new.user_id
    );
  end if;
  return null;
end;
$$;

create trigger payments_notify
  after update of status on public.payments
  for each row execute function public.payments_notify();

-- Money back, whoever refunded it (policy, staff, a late capture, the provider's dashboard).
create function public.refunds_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid;
  v_booking uuid;
begin
  if new.status = 'succeeded' and (tg_op = 'INSERT' or old.status <> 'succeeded') then
    select p.user_id, p.booking_id into v_user, v_booking
      from public.payments as p where p.id = new.payment_id;
    if v_user is not null then
      perform public.enqueue_notification(
        'email', 'refund_issued', 'refund_issued:' || new.id || ':email',
        v_booking, new.payment_id, new.id, v_user
      );
    end if;
  end if;
  return null;
end;
$$;

create trigger refunds_notify
  after insert or update of status on public.refunds
  for each row execute function public.refunds_notify();

-- Welcome, once per account, when its profile is made at sign-up.
create function public.profiles_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.enqueue_notification(
    'email', 'welcome', 'welcome:' || new.id || ':email', null, null, null, new.id
  );
  return null;
end;
$$;

create trigger profiles_notify
  after insert on public.profiles
  for each row execute function public.profiles_notify();

revoke execute on function
  public.enqueue_notification(text, text, text, uuid, uuid, uuid, uuid, jsonb),
  public.enqueue_booking_notification(public.bookings, text, text, jsonb),
  public.bookings_notify(),
  public.payments_notify(),
  public.refunds_notify(),
  public.profiles_notify()
  from public, anon, authenticated;
grant execute on function
  public.enqueue_notification(text, text, text, uuid, uuid, uuid, uuid, jsonb)
  to service_role;
