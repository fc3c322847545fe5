-- Staff act only for their practitioners, every staff action is audited, and profiles keep the
-- name and phone sealed (issue #13, section 5).
--
-- Scope. Staff see and act on what belongs to the bookings of the practitioner they are linked
-- to (practitioners.user_id, is_my_practitioner); admins on everything. Bookings and the staff
-- notification functions were scoped already (booking_actor, is_booking_staff). These were not:
-- - payments, and through them refunds and payment_disputes: any staff member read them all,
--   and POST /api/payments/refund refunded any payment. A payment is now staff's when it pays
--   for a booking of their practitioner; a payment without a booking is the admins' alone. The
--   refund endpoint reads the payment with the caller's own token before it touches the ledger,
--   so these policies decide the refund too: 404, as for an unknown id.
-- - consent records (read_consent_record): any staff member read any record. A record is now
--   staff's when a booking of their practitioner rests on it (bookings.consent_id).
--
-- Audit. staff_actions: who did what to which row and when, with a few facts that identify
-- nobody (amounts, statuses, session times, template names; never names, notes or reasons people
-- typed). Append-only like personal_data_reads, and read only by the service role (audits use it
-- or SQL). Each row is written in the transaction of the action it records:
-- - refunds_record_staff_action: a refund with requested_by (only staff refunds name one);
-- - bookings_record_staff_action: a booking confirmed, cancelled, moved or changed by the staff of
--   its practitioner or an admin, not its customer, whichever function made the change and
--   whether the user's token or the server acting for them (bastion.acting_user) called it;
-- - notifications_record_staff_action: a message staff asked for (request_notifications, whose
--   idempotency keys start with staff_request:);
-- - read_consent_record: each record shown (personal_data_reads logs it as a read as well).
-- record_staff_action() is the one writer, for any other function or server path that acts for
-- staff; only the service role (and security-definer functions) may call it.
--
-- Profiles. full_name and phone were plain text while the same values are sealed in bookings.
-- They are now full_name_sealed and phone_sealed, sealed by the API (lib/crypto, contexts
-- profiles.full_name and profiles.phone) and written only by the server (lib/accounts/ledger/),
-- since the database cannot tell ciphertext from text: the users' update grant keeps only
-- locale and time_zone. The sign-up trigger no longer copies user_metadata.full_name (SQL holds
-- no key to seal it with); registration writes the sealed name itself. Values stored before this
-- migration cannot be sealed here: they move to full_name_unsealed and phone_unsealed, which only
-- their owner can read and nobody but the server write, and `npm run reencrypt` seals them into
-- the new columns and clears them (run it right after deploying this migration; until then those
-- profiles show no name and no phone).

-- ---------------------------------------------------------------------------------------------
-- The audit of staff actions.

create table public.staff_actions (
  id bigint generated always as identity primary key,
  -- Who acted; null only once their account is deleted.
  actor uuid references auth.users (id) on delete set null,
  -- <subject>.<verb>: payment.refund, booking.confirm, consent_record.read, …
  action text not null constraint staff_actions_action_format
    check (action ~ '^[a-z_]{1,40}\.[a-z_]{1,40}$'),
  subject_table text not null constraint staff_actions_subject_table_format
    check (subject_table ~ '^[a-z_]{1,63}$'),
  subject_id uuid not null,
  detail jsonb not null default '{}'::jsonb constraint staff_actions_detail_small_object
    check (jsonb_typeof(detail) = 'object' and char_length(detail::text) <= 2000),
  at timestamptz not null default now()
);

create index staff_actions_subject_idx on public.staff_actions (subject_table, subject_id);
create index staff_actions_actor_idx on public.staff_actions (actor, at);

-- Refuses every change and deletion, whoever asks, the table owner included. The one change
-- allowed is the database's own: the actor's account deleted (on delete set null), which is done
-- once the account is gone, so nobody can anonymise the row of an account that still exists.
create function public.staff_actions_append_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and old.actor is not null and new.actor is null
    and to_jsonb(new) - 'actor' = to_jsonb(old) - 'actor'
    and not exists (select 1 from auth.users as u where u.id = old.actor) then
    return new;
  end if;
  raise exception 'staff_actions is append-only' using errcode = '42501';
end;
$$;

create trigger staff_actions_append_only
  before update or delete on public.staff_actions
  for each row execute function public.staff_actions_append_only();

create trigger staff_actions_no_truncate
  before truncate on public.staff_actions
  for each statement execute function public.staff_actions_append_only();

alter table public.staff_actions enable row level security;
revoke all on table public.staff_actions from anon, authenticated;
revoke insert, update, delete, truncate on table public.staff_actions from service_role;

-- The one writer. p_actor is explicit: a function running with the staff member's token passes
-- auth.uid(), the server passes the caller it verified.
create function public.record_staff_action(
  p_actor uuid,
  p_action text,
  p_subject_table text,
  p_subject_id uuid,
  p_detail jsonb default '{}'::jsonb
) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_actor is null then
    raise exception 'a staff action names who acted' using errcode = '22023';
  end if;
  insert into public.staff_actions (actor, action, subject_table, subject_id, detail)
  values (p_actor, p_action, p_subject_table, p_subject_id, coalesce(p_detail, '{}'::jsonb));
end;
$$;

-- Refunds: only staff refunds carry requested_by (the system's refunds leave it null). A retry
-- with the same idempotency key finds its refund and inserts nothing, so it is recorded once.
create function public.refunds_record_staff_action() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.requested_by is not null then
    perform public.record_staff_action(
      new.requested_by, 'payment.refund', 'payments', new.payment_id,
      (select jsonb_build_object(
         'refund_id', new.id, 'amount_minor', new.amount_minor, 'currency', p.currency
       ) from public.payments as p where p.id = new.payment_id)
    );
  end if;
  return null;
end;
$$;

create trigger refunds_record_staff_action
  after insert on public.refunds
  for each row execute function public.refunds_record_staff_action();

-- Bookings: the acting user is the token's, or the one the server acts for in this transaction
-- (as bookings_record_event reads it); their standing is read as booking_actor reads it. An
-- expiry is the system's doing even when a user's new booking swept the lapsed hold away.
create function public.bookings_record_staff_action() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor uuid := coalesce(
    auth.uid(), nullif(current_setting('bastion.acting_user', true), '')::uuid
  );
begin
  if v_actor is null or v_actor is not distinct from old.user_id
    or not (
      public.user_has_app_role(v_actor, 'admin')
      or exists (
        select 1 from public.practitioners as p
        where p.id = new.practitioner_id and p.user_id = v_actor
      )
    ) then
    return null;
  end if;
  if new.status is distinct from old.status and new.status <> 'expired' then
    perform public.record_staff_action(
      v_actor,
      case new.status
        when 'confirmed' then 'booking.confirm'
        when 'cancelled' then 'booking.cancel'
        else 'booking.' || new.status
      end,
      'bookings', new.id,
      jsonb_build_object('from_status', old.status, 'to_status', new.status)
        || case when new.refund_due_minor is not null
             then jsonb_build_object('refund_due_minor', new.refund_due_minor) else '{}' end
    );
  end if;
  if new.during is distinct from old.during then
    perform public.record_staff_action(
      v_actor, 'booking.reschedule', 'bookings', new.id,
      jsonb_build_object('from', lower(old.during), 'to', lower(new.during))
    );
  end if;
  if new.notes_sealed is distinct from old.notes_sealed
    or new.sms_opt_in is distinct from old.sms_opt_in then
    perform public.record_staff_action(
      v_actor, 'booking.change', 'bookings', new.id,
      jsonb_build_object(
        'notes_changed', new.notes_sealed is distinct from old.notes_sealed,
        'sms_opt_in', new.sms_opt_in
      )
    );
  end if;
  return null;
end;
$$;

create trigger bookings_record_staff_action
  after update of status, during, notes_sealed, sms_opt_in on public.bookings
  for each row execute function public.bookings_record_staff_action();

-- Messages staff asked for. A retried request finds its rows (on conflict do nothing) and
-- inserts none, so each message is recorded once.
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

revoke execute on function
  public.staff_actions_append_only(),
  public.refunds_record_staff_action(),
  public.bookings_record_staff_action(),
  public.notifications_record_staff_action()
  from public, anon, authenticated, service_role;
revoke execute on function public.record_staff_action(uuid, text, text, uuid, jsonb)
  from public, anon, authenticated;
grant execute on function public.record_staff_action(uuid, text, text, uuid, jsonb)
  to service_role;

-- ---------------------------------------------------------------------------------------------
-- Payments, refunds and disputes: staff read those of their practitioner's bookings.

drop policy "Staff read all payments" on public.payments;

-- The subquery reads bookings as the caller, so the bookings policies apply as well.
create policy "Staff read the payments of their practitioner's bookings"
  on public.payments for select
  to authenticated
  using (
    public.has_app_role('staff')
    and exists (
      select 1 from public.bookings as b
      where b.id = payments.booking_id and public.is_my_practitioner(b.practitioner_id)
    )
  );

create policy "Admins read all payments"
  on public.payments for select
  to authenticated
  using (public.has_app_role('admin'));

-- Refunds follow their payment already ("Readers of a payment read its refunds"). Disputes are
-- for staff only, not for the customer whose payment is disputed.
drop policy "Staff read disputes" on public.payment_disputes;

create policy "Staff read the disputes of their practitioner's payments"
  on public.payment_disputes for select
  to authenticated
  using (
    public.has_app_role('admin')
    or (
      public.has_app_role('staff')
      and exists (
        select 1 from public.payments as p
        join public.bookings as b on b.id = p.booking_id
        where p.id = payment_disputes.payment_id and public.is_my_practitioner(b.practitioner_id)
      )
    )
  );

-- ---------------------------------------------------------------------------------------------
-- Consent records: staff read those their practitioner's bookings rest on.

create index bookings_consent_id_idx on public.bookings (consent_id);

-- As in 20261121000700_consent.sql, with the scope and the staff action added: anyone who may
-- not read the record gets PT404, the same answer as for an id that does not exist, and nothing
-- is logged.
create or replace function public.read_consent_record(p_id uuid)
returns table (
  id uuid,
  session_type text,
  consent_version text,
  acknowledgments text[],
  ip_sealed text,
  user_agent text,
  user_id uuid,
  created_at timestamptz,
  expires_at timestamptz
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not (
    public.has_app_role('admin')
    or (
      public.has_app_role('staff')
      and exists (
        select 1 from public.bookings as b
        where b.consent_id = p_id and public.is_my_practitioner(b.practitioner_id)
      )
    )
  ) then
    raise exception 'consent record not found' using errcode = 'PT404';
  end if;
  return query
    select r.id, t.slug, r.consent_version, r.acknowledgments, r.ip_sealed, r.user_agent,
      r.user_id, r.created_at, r.expires_at
    from public.consent_records as r
    join public.session_types as t on t.id = r.session_type_id
    where r.id = p_id;
  if not found then
    raise exception 'consent record not found' using errcode = 'PT404';
  end if;
  perform public.record_personal_data_read('consent_records', p_id, array['ip', 'user_agent']);
  perform public.record_staff_action(
    (select auth.uid()), 'consent_record.read', 'consent_records', p_id, '{}'::jsonb
  );
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Profiles: the name and phone sealed.

alter table public.profiles rename column full_name to full_name_unsealed;
alter table public.profiles rename column phone to phone_unsealed;

-- Only the sealed format, so not even a server bug stores the clear text here. The pattern is
-- public.is_sealed's, written out: users update their own row (locale, time zone), so the checks
-- run as them, and is_sealed is not theirs to execute.
alter table public.profiles
  add column full_name_sealed text constraint profiles_full_name_sealed_format check (
    char_length(full_name_sealed) <= 2000
    and full_name_sealed ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
  ),
  add column phone_sealed text constraint profiles_phone_sealed_format check (
    char_length(phone_sealed) <= 2000
    and phone_sealed ~ '^v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$'
  );

-- Users read their own row (the sealed values open only on the server; the clear values waiting
-- to be sealed are their own) and change only locale and time zone themselves. Revoking the table
-- privilege takes the column privileges with it.
revoke all on table public.profiles from anon, authenticated;
grant select, update (locale, time_zone) on table public.profiles to authenticated;

-- The profile row, and nothing from user_metadata: whatever name the client sent to the Auth
-- API stays with Auth, and registration stores the sealed one (lib/accounts/ledger/).
create or replace function public.handle_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id) values (new.id);
  return new;
end;
$$;

-- As in 20261121001200_notification_delivery.sql, with the account's name sealed: the server
-- opens it with the booking's values.
create or replace function public.notification_delivery_context(p_id uuid) returns jsonb
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
