-- Notifications: the outbox. A state change that must tell someone writes the notification row
-- in its own transaction — here by triggers on bookings, payments, refunds and profiles, so every
-- path that changes them (the booking functions, the payments ledger, the dashboard's refunds
-- through webhooks) notifies the same way and none can forget to. Delivery happens after the
-- transaction commits (lib/notify; the database webhooks migration starts it at once), and a
-- sweep retries failures.
--
-- - Exactly once: each row carries an idempotency key, unique, named after what it announces
--   (`booking_confirmation:<booking id>`, `booking_reminder:24h:<booking id>`): a second attempt
--   to enqueue the same announcement — a retried webhook, two overlapping reminder runs — finds
--   the row and adds nothing. The key is also sent to the provider (Resend's Idempotency-Key), so
--   a delivery retried after a timeout is not sent twice either.
-- - No personal data in the row: the recipient and the template's variables are read from the
--   booking, payment, refund or user at delivery time (sealed values opened by the server); `data`
--   holds only what is not personal (a reminder's kind, a rescheduled booking's previous start),
--   and a password-reset link only sealed and only until the row is final.
-- - Status: queued → sending → sent → delivered, or failed (after the last retry) / bounced
--   (reported by the provider). claimed_until keeps two sweeps from delivering one row at once.
--
-- Customers get email always; SMS too when the booking asked for it (bookings.sms_opt_in) and has
-- a phone number.

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

-- What the local outbox "sent": the local stack's stand-in for the email and SMS providers,
-- shown at /__dev/outbox; it refuses to run anywhere else.
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

-- ---------------------------------------------------------------------------------------------
-- Enqueueing.

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

-- Password-reset mail through Bastion's own template and outbox, instead of the Auth server's.
-- The link carries a one-time secret (the recovery token's hash), which no outbox row may keep in
-- the clear and none keeps for longer than it needs: it is stored sealed by the server
-- (lib/crypto), and erased from the row the moment the row is final — sent, delivered, failed or
-- bounced — by the trigger below. The link is also useless after an hour (the Auth server's
-- expiry); the deliverer does not send it after `expires_at`.
--
-- One request, one row: the key names the request, so a retried internal call adds nothing.
create function public.enqueue_password_reset(
  p_user_id uuid,
  p_request_id uuid,
  p_reset_url_sealed text,
  p_expires_at timestamptz
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select public.enqueue_notification(
    'email', 'password_reset', 'password_reset:' || p_user_id || ':' || p_request_id || ':email',
    null, null, null, p_user_id,
    jsonb_build_object('reset_url_sealed', p_reset_url_sealed, 'expires_at', p_expires_at)
  )
$$;

create function public.notifications_forget_secrets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status in ('sent', 'delivered', 'failed', 'bounced') then
    new.data := new.data - 'reset_url_sealed';
  end if;
  return new;
end;
$$;

create trigger notifications_forget_secrets
  before update of status on public.notifications
  for each row execute function public.notifications_forget_secrets();

-- Sign-up with an address that already has an account. With email confirmation on (a Supabase
-- project's default) Supabase Auth answers it exactly as a new address and sends nothing, and so
-- does POST /api/auth/register: the answer must not tell anyone the address is taken. The owner
-- is told instead, by the account_exists notice.
--
-- One notice per account per hour at most (the idempotency key names the hour), so repeated
-- sign-ups cannot flood the owner's inbox; the API's per-address limit on sign-ups applies too.
-- Only confirmed accounts: an unconfirmed one gets Supabase Auth's confirmation mail again.
-- The server's alone (POST /api/auth/register, through the service client): the address is
-- looked up here and never leaves the database; the answer is only whether a notice was queued.
create function public.enqueue_account_exists_notice(p_email text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
begin
  -- Supabase Auth stores addresses lower-cased; comparing that way uses its index on email.
  select u.id into v_user_id
    from auth.users as u
   where u.email = lower(trim(p_email))
     and u.email_confirmed_at is not null;
  if v_user_id is null then
    return false;
  end if;
  perform public.enqueue_notification(
    'email',
    'account_exists',
    'account_exists:' || v_user_id || ':'
      || to_char(date_trunc('hour', now() at time zone 'UTC'), 'YYYY-MM-DD"T"HH24') || ':email',
    null, null, null, v_user_id
  );
  return true;
end;
$$;

select public.restrict_execute('{}', 'public.notifications_forget_secrets()');
-- The trigger functions are never called directly; the service role keeps the execute it has by
-- default on them.
select public.restrict_execute('{service_role}',
  'public.enqueue_notification(text, text, text, uuid, uuid, uuid, uuid, jsonb)',
  'public.enqueue_booking_notification(public.bookings, text, text, jsonb)',
  'public.bookings_notify()',
  'public.payments_notify()',
  'public.refunds_notify()',
  'public.profiles_notify()',
  'public.enqueue_password_reset(uuid, uuid, text, timestamptz)',
  'public.enqueue_account_exists_notice(text)');

-- ---------------------------------------------------------------------------------------------
-- Delivering the outbox. The server (service role only) claims due rows, composes each message
-- from what the row is about, sends it, and records how it went; providers' status webhooks move
-- a sent row forward. Every function here is one statement's worth of state change, so a worker
-- that dies half-way leaves a row that the next sweep picks up again once its claim has lapsed.
--
-- - Claim: queued rows that are due, and rows left 'sending' whose claim lapsed (a worker died
--   between claiming and recording), become 'sending' for two minutes with one more attempt.
--   `for update skip locked` lets two sweeps run side by side without taking the same row.
-- - Retry: a failed attempt waits 2^attempts minutes (at most six hours) before the next; after
--   the eighth attempt the row stays 'failed'. The idempotency key goes with every attempt, so a
--   provider that accepted an attempt we never heard back from does not send it twice.
-- - Provider status only moves forward (sent → delivered → bounced/failed), so a redelivered or
--   late webhook changes nothing: status updates need no inbox of their own.

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

-- Immutable ranking of status names: it keeps its default grants.
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
-- sealed values stay sealed (the server opens them, the account's name with the booking's), and
-- the account's email comes from auth.users here rather than through the Auth admin API (one
-- round trip, same transaction).
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
      select jsonb_build_object('email', u.email, 'full_name_sealed', pf.full_name_sealed)
      from auth.users as u
      left join public.profiles as pf on pf.id = u.id
      where u.id = n.user_id
    )
  )
  from public.notifications as n
  where n.id = p_id
$$;

select public.restrict_execute('{service_role}',
  'public.notifications_claim(int)',
  'public.notifications_mark_sent(uuid, text, text)',
  'public.notifications_mark_failed(uuid, text, boolean)',
  'public.notifications_mark_status_from_provider(text, text, text)',
  'public.notification_delivery_context(uuid)');

-- ---------------------------------------------------------------------------------------------
-- Notifications staff ask for, and reminders. These only enqueue rows; delivery is above.
--
-- Staff (POST /api/notifications/email|sms|batch) send templates about a booking, never a text
-- or an address of their own: the recipient is always the booking's customer, read at delivery.
-- The functions run as the caller, so the same rule as for reading a booking decides which
-- bookings staff may write about (admins: any; staff: their practitioner's), and the API needs
-- no service-role client for them.
--
-- SQLSTATEs the API maps (lib/notify/requests/notification-errors.ts):
--   PT404  no such booking, or not one the caller may act on              → 404 not_found
--   PT409  the template does not fit the booking's state                   → 409 conflict
--   NTSMS  the customer has no phone number or did not agree to SMS        → 409 conflict
--   42501  not staff (the API checks the role first: this is the backstop) → 403 forbidden
--   22023  bad arguments (the API validates first)                         → 500, a bug of ours

-- Whether the caller acts for the booking as staff: an admin, or the staff of its practitioner.
create function public.is_booking_staff(p_booking public.bookings) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select public.has_app_role('admin')
    or (public.has_app_role('staff') and public.is_my_practitioner(p_booking.practitioner_id))
$$;

-- The customers' phone numbers (sealed) and SMS consent for the bookings the caller may act on
-- as staff, so the API can check the number and count it against the per-destination limit
-- before it enqueues anything. Reading a phone number is logged, as read_booking logs it.
create function public.booking_sms_recipients(p_booking_ids uuid[])
returns table (booking_id uuid, customer_phone_sealed text, sms_opt_in boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_booking public.bookings;
begin
  if not public.has_app_role('staff') then
    raise exception 'staff only' using errcode = '42501';
  end if;
  if p_booking_ids is null or cardinality(p_booking_ids) > 50 then
    raise exception 'between 0 and 50 bookings' using errcode = '22023';
  end if;
  for v_booking in
    select * from public.bookings as b where b.id = any (p_booking_ids)
  loop
    continue when not public.is_booking_staff(v_booking);
    if v_booking.customer_phone_sealed is not null then
      perform public.record_personal_data_read('bookings', v_booking.id, array['customer_phone']);
    end if;
    booking_id := v_booking.id;
    customer_phone_sealed := v_booking.customer_phone_sealed;
    sms_opt_in := v_booking.sms_opt_in;
    return next;
  end loop;
end;
$$;

-- Enqueues what staff asked for: p_requests is a JSON array of {channel, template, booking_id}.
-- All or nothing, in one transaction. The idempotency key names the caller, the hash of the
-- request's Idempotency-Key and the message, so a retried request — even after the API's own
-- idempotency record is gone — finds its rows and answers their ids instead of sending again.
-- Answers the notifications' ids in the order asked.
create function public.request_notifications(
  p_requests jsonb,
  p_request_key text,
  p_locale text default 'en'
) returns uuid[]
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_caller uuid := auth.uid();
  v_request record;
  v_booking public.bookings;
  v_data jsonb;
  v_key text;
  v_id uuid;
  v_ids uuid[] := '{}';
begin
  if v_caller is null or not public.has_app_role('staff') then
    raise exception 'staff only' using errcode = '42501';
  end if;
  if jsonb_typeof(p_requests) is distinct from 'array'
    or jsonb_array_length(p_requests) not between 1 and 50 then
    raise exception 'between 1 and 50 notifications' using errcode = '22023';
  end if;
  if p_request_key is null or p_request_key !~ '^[0-9a-f]{64}$' then
    raise exception 'the request key is the hex SHA-256 of the Idempotency-Key'
      using errcode = '22023';
  end if;

  for v_request in
    select r.channel, r.template, r.booking_id
    from jsonb_to_recordset(p_requests) as r (channel text, template text, booking_id uuid)
  loop
    if v_request.channel is null or v_request.channel not in ('email', 'sms') then
      raise exception 'channel must be email or sms' using errcode = '22023';
    end if;
    select * into v_booking from public.bookings as b where b.id = v_request.booking_id;
    if not found or not public.is_booking_staff(v_booking) then
      raise exception 'no such booking' using errcode = 'PT404';
    end if;
    -- The customer's data was erased with their account: there is nobody to tell.
    if v_booking.customer_email_sealed is null then
      raise exception 'the booking has no customer any more' using errcode = 'PT409';
    end if;
    v_data := '{}'::jsonb;
    case v_request.template
      when 'booking_confirmation' then
        if v_booking.status <> 'confirmed' then
          raise exception 'only a confirmed booking is confirmed' using errcode = 'PT409';
        end if;
      when 'booking_cancellation' then
        if v_booking.status <> 'cancelled' then
          raise exception 'only a cancelled booking is cancelled' using errcode = 'PT409';
        end if;
      when 'booking_reminder' then
        -- The reminder says "tomorrow" or "starts soon": only true within the last day.
        if v_booking.status <> 'confirmed' or lower(v_booking.during) <= now()
          or lower(v_booking.during) > now() + interval '24 hours' then
          raise exception 'a reminder is for a confirmed session in the next 24 hours'
            using errcode = 'PT409';
        end if;
        v_data := jsonb_build_object('kind', case
          when lower(v_booking.during) <= now() + interval '1 hour' then '1h' else '24h' end);
      else
        -- booking_rescheduled needs the start it moved from, which only the move itself knows.
        raise exception 'template % is not sent on request', v_request.template
          using errcode = '22023';
    end case;
    if v_request.channel = 'sms'
      and (not v_booking.sms_opt_in or v_booking.customer_phone_sealed is null) then
      raise exception 'the customer did not agree to SMS' using errcode = 'NTSMS';
    end if;

    v_key := 'staff_request:' || v_caller || ':' || p_request_key || ':' || v_request.channel
      || ':' || v_request.template || ':' || v_booking.id;
    insert into public.notifications (
      channel, template, locale, booking_id, data, idempotency_key
    )
    values (
      v_request.channel, v_request.template, coalesce(p_locale, 'en'), v_booking.id, v_data,
      v_key
    )
    on conflict (idempotency_key) do nothing
    returning id into v_id;
    if v_id is null then
      select n.id into v_id from public.notifications as n where n.idempotency_key = v_key;
    end if;
    v_ids := v_ids || v_id;
  end loop;
  return v_ids;
end;
$$;

-- The staff audit (staff_actions): a message staff asked for (request_notifications, whose
-- idempotency keys start with staff_request:). A retried request finds its rows (on conflict do
-- nothing) and inserts none, so each message is recorded once.
create function public.notifications_record_staff_action() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.idempotency_key like 'staff\_request:%' and auth.uid() is not null then
    perform public.record_staff_action(
      auth.uid(), 'notification.request', 'notifications', new.id,
      jsonb_build_object(
        'channel', new.channel, 'template', new.template, 'booking_id', new.booking_id
      )
    );
  end if;
  return null;
end;
$$;

create trigger notifications_record_staff_action
  after insert on public.notifications
  for each row execute function public.notifications_record_staff_action();

-- The reminder sweep (api/cron/reminders.ts, and the bastion-reminders pg_cron job):
-- booking_reminder 24 hours and 1 hour before every confirmed session, by email, and by SMS when
-- the customer agreed and gave a number.
-- - Due: the reminder's instant (start minus 24 h or 1 h) has passed, at most 6 hours ago, so a
--   late or skipped run still sends; never once the session has started, and never a reminder
--   due before the booking existed (a booking made 20 hours ahead has its confirmation, not a
--   "tomorrow" reminder too).
-- - Instants, not wall clocks: start minus 24 hours is exact on either side of a daylight-saving
--   change (the email shows the local time in the practitioner's zone).
-- - Once: the unique key booking_reminder:<kind>:<booking id>:<channel> makes a second or
--   overlapping run add nothing — the later insert waits for the earlier one's commit, then
--   finds the key taken. A booking moved after its reminder went out gets no second one of that
--   kind; the rescheduled notice carries the new time.
-- Answers how many notifications it enqueued. Its one read is bookings_confirmed_start_idx.
create function public.enqueue_due_reminders(p_now timestamptz) returns int
language sql
volatile
security definer
set search_path = ''
as $$
  with due as (
    select b.id, k.kind, b.sms_opt_in and b.customer_phone_sealed is not null as by_sms
    from public.bookings as b
    cross join (values ('24h', interval '24 hours'), ('1h', interval '1 hour')) as k (kind, lead_time)
    where b.status = 'confirmed'
      and b.customer_email_sealed is not null
      and lower(b.during) > p_now
      and lower(b.during) <= p_now + interval '24 hours'
      and lower(b.during) - k.lead_time <= p_now
      and lower(b.during) - k.lead_time > p_now - interval '6 hours'
      and lower(b.during) - k.lead_time >= b.created_at
  ),
  messages as (
    select d.id, d.kind, 'email' as channel from due as d
    union all
    select d.id, d.kind, 'sms' from due as d where d.by_sms
  ),
  enqueued as (
    insert into public.notifications (channel, template, booking_id, data, idempotency_key)
    select m.channel, 'booking_reminder', m.id, jsonb_build_object('kind', m.kind),
      'booking_reminder:' || m.kind || ':' || m.id || ':' || m.channel
    from messages as m
    on conflict (idempotency_key) do nothing
    returning 1
  )
  select count(*)::int from enqueued
$$;

select public.restrict_execute('{}',
  'public.is_booking_staff(public.bookings)',
  'public.notifications_record_staff_action()');
select public.restrict_execute('{authenticated,service_role}',
  'public.booking_sms_recipients(uuid[])',
  'public.request_notifications(jsonb, text, text)');
select public.restrict_execute('{service_role}', 'public.enqueue_due_reminders(timestamptz)');
