-- Guests pay, and the therapy spec's pay-first flow (issue 17, items 1–3).
--
-- - ledger_open_payment: a new payment for a signed-in user (p_user_id) or a guest (p_user_id
--   null). A guest paying for a hold presents its manage token's hash, which must be the hold's
--   (PT404 otherwise, as for an unknown booking); a guest paying for a session from the
--   catalogue names nothing of anyone's. Without a format, the session type's default format
--   is used: `video` when the type has an active video price in the currency, else its first
--   active format. Then ledger_create_payment prices it as before.
-- - book_session_at: POST /api/bookings in one round trip. Without a payment: create_booking_at,
--   in the session type's default format when none is named (as above). With `paymentId`, the
--   spec's order (pay, then book), one transaction: the payment (Bastion's id, or the provider's payment id `pay_…` /
--   `pi_…`) is locked; it must be captured, not yet used by a booking, nothing refunded or
--   being refunded, the caller's (or a guest's payment, user_id null), for the same session
--   type (and format, when one is sent); then the slot is booked with create_booking_at (every
--   booking rule), the booking must cost exactly what was paid, in the same currency, and it is
--   confirmed with the payment at once. Refusals: BKPAY (no usable payment, or it does not
--   match), or create_booking_at's own. When the slot was taken since (23P01: someone else
--   booked or holds it), nothing is booked and the function answers
--   {"slot_taken": true, "payment_id", "refund_minor"} instead of raising, so the API refunds
--   the payment through the ledger's refund path and answers 409.
-- - publish_consent_version / retire_consent_version: admins publish the consent versions a
--   practice uses (items and retention fixed once published) and retire them, each recorded in
--   staff_actions (subject_id: md5 of the version, which has no uuid of its own).
-- All of them are the service role's alone: the API checks the caller (roles from app_metadata,
-- the manage token) and names them.

create function public.ledger_open_payment(
  p_user_id uuid,
  p_manage_token_hash text,
  p_provider text,
  p_booking_id uuid,
  p_session_type_slug text,
  p_format text,
  p_currency text
) returns public.payments
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_format text := p_format;
begin
  if p_booking_id is not null and p_user_id is null then
    perform 1 from public.bookings as b
      where b.id = p_booking_id and b.user_id is null
        and p_manage_token_hash is not null and b.manage_token_hash = p_manage_token_hash;
    if not found then
      raise exception 'no such booking' using errcode = 'PT404';
    end if;
  end if;
  if p_booking_id is null and v_format is null then
    select pr.format into v_format
      from public.session_types as t
      join public.session_type_prices as pr on pr.session_type_id = t.id
      where t.slug = p_session_type_slug and t.active and pr.active
        and pr.currency = upper(p_currency)
      order by pr.format <> 'video', pr.format
      limit 1;
    if not found then
      raise exception 'no price for % in %', p_session_type_slug, upper(p_currency)
        using errcode = 'PT404';
    end if;
  end if;
  return public.ledger_create_payment(
    p_user_id, p_provider, p_booking_id, p_session_type_slug, v_format, p_currency
  );
end;
$$;

create function public.book_session_at(
  p_user_id uuid,
  p_manage_token_hash text,
  p_payment_ref text,
  p_session_type_slug text,
  p_format text,
  p_practitioner_id uuid,
  p_date date,
  p_minutes integer,
  p_currency text,
  p_customer_name_sealed text,
  p_customer_email_sealed text,
  p_customer_email_hash text,
  p_customer_phone_sealed text,
  p_notes_sealed text,
  p_consent_accepted boolean,
  p_consent_id uuid
) returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_format text := p_format;
  v_document jsonb;
  v_booking public.bookings;
begin
  if p_payment_ref is null then
    -- No payment: a hold (or a free session, confirmed), in the session type's default format
    -- when none is named.
    if v_format is null then
      select pr.format into v_format
        from public.session_types as t
        join public.session_type_prices as pr on pr.session_type_id = t.id
        where t.slug = p_session_type_slug and t.active and pr.active
          and pr.currency = upper(p_currency)
        order by pr.format <> 'video', pr.format
        limit 1;
      if not found then
        raise exception 'no price for % in %', p_session_type_slug, upper(p_currency)
          using errcode = 'PT404';
      end if;
    end if;
    return jsonb_build_object('booking', public.create_booking_at(
      p_user_id, p_manage_token_hash, p_session_type_slug, v_format, p_practitioner_id,
      p_date, p_minutes, p_currency, p_customer_name_sealed, p_customer_email_sealed,
      p_customer_email_hash, p_customer_phone_sealed, p_notes_sealed, p_consent_accepted,
      p_consent_id
    ));
  end if;

  if p_payment_ref ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select * into v_payment from public.payments as p
      where p.id = p_payment_ref::uuid for update;
  else
    select * into v_payment from public.payments as p
      where p.provider_payment_id = p_payment_ref
      order by p.created_at
      limit 1
      for update;
  end if;
  if not found
    or v_payment.status <> 'captured'
    or v_payment.booking_id is not null
    or (v_payment.user_id is not null and v_payment.user_id is distinct from p_user_id)
    or exists (select 1 from public.refunds as r
      where r.payment_id = v_payment.id and r.status <> 'failed')
    or exists (select 1 from public.bookings as b where b.paid_by_payment_id = v_payment.id)
  then
    raise exception 'no captured, unused payment %', p_payment_ref using errcode = 'BKPAY';
  end if;
  if not exists (select 1 from public.session_types as t
      where t.id = v_payment.session_type_id and t.slug = p_session_type_slug)
    or (p_format is not null and p_format <> v_payment.format)
    or (p_currency is not null and upper(p_currency) <> v_payment.currency) then
    raise exception 'payment % paid for another session', v_payment.id using errcode = 'BKPAY';
  end if;

  begin
    v_document := public.create_booking_at(
      p_user_id, p_manage_token_hash, p_session_type_slug, v_payment.format, p_practitioner_id,
      p_date, p_minutes, v_payment.currency, p_customer_name_sealed, p_customer_email_sealed,
      p_customer_email_hash, p_customer_phone_sealed, p_notes_sealed, p_consent_accepted,
      p_consent_id
    );
  exception when sqlstate '23P01' then
    -- Taken since the customer paid: nothing is booked, and the refund is reserved here, under
    -- the payment's lock, before it is released: a booking racing this one with the same payment
    -- then finds it refunded, rather than booking with a payment the API is about to give back.
    -- The API sends the reserved refund to the provider (same key); the settle sweep does if the
    -- API cannot.
    perform public.ledger_begin_refund(
      v_payment.id, v_payment.amount_minor - v_payment.refunded_minor,
      'The slot was taken between the payment and the booking', null,
      'unusable-capture:' || v_payment.id
    );
    return jsonb_build_object(
      'slot_taken', true,
      'payment_id', v_payment.id,
      'refund_minor', v_payment.amount_minor - v_payment.refunded_minor
    );
  end;

  select * into v_booking from public.bookings as b
    where b.id = (v_document ->> 'id')::uuid for update;
  if v_booking.amount_minor <> v_payment.amount_minor
    or v_booking.currency <> v_payment.currency then
    raise exception 'the session costs % %, the payment was % %', v_booking.amount_minor,
      v_booking.currency, v_payment.amount_minor, v_payment.currency using errcode = 'BKPAY';
  end if;
  update public.payments as p set booking_id = v_booking.id where p.id = v_payment.id;
  update public.bookings as b
    set status = 'confirmed', paid_by_payment_id = v_payment.id
    where b.id = v_booking.id
    returning * into v_booking;
  return jsonb_build_object('booking', public.booking_document(v_booking));
end;
$$;

create function public.publish_consent_version(
  p_actor uuid,
  p_version text,
  p_title text,
  p_required_items text[],
  p_retention_days int
) returns public.consent_versions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_version public.consent_versions;
begin
  insert into public.consent_versions (version, title, required_items, retention_days)
  values (p_version, p_title, p_required_items, p_retention_days)
  on conflict (version) do nothing
  returning * into v_version;
  if not found then
    raise exception 'consent version % is already published', p_version using errcode = 'PT409';
  end if;
  perform public.record_staff_action(
    p_actor, 'consent_version.publish', 'consent_versions', md5(p_version)::uuid,
    jsonb_build_object('version', p_version, 'items', cardinality(p_required_items),
      'retention_days', p_retention_days)
  );
  return v_version;
end;
$$;

create function public.retire_consent_version(p_actor uuid, p_version text)
returns public.consent_versions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_version public.consent_versions;
begin
  update public.consent_versions as v set active = false
    where v.version = p_version and v.active
    returning * into v_version;
  if not found then
    -- Already retired: nothing changes and nothing is recorded.
    select * into v_version from public.consent_versions as v where v.version = p_version;
    if not found then
      raise exception 'no consent version %', p_version using errcode = 'PT404';
    end if;
    return v_version;
  end if;
  perform public.record_staff_action(
    p_actor, 'consent_version.retire', 'consent_versions', md5(p_version)::uuid,
    jsonb_build_object('version', p_version)
  );
  return v_version;
end;
$$;

select public.restrict_execute('{service_role}',
  'public.ledger_open_payment(uuid, text, text, uuid, text, text, text)',
  'public.book_session_at(uuid, text, text, text, text, uuid, date, integer, text, text, text, text, text, text, boolean, uuid)',
  'public.publish_consent_version(uuid, text, text, text[], int)',
  'public.retire_consent_version(uuid, text)');

-- Guests' money mail: a guest's payment (user_id null) for a booking gets its receipt, and its
-- refunds their email, at the address the booking was made with (the outbox composes both for
-- the booking's customer when there is one: lib/notify/outbox/compose.ts). A guest's payment
-- without a booking (paid first, refunded when the slot went) has no address: the API's 409
-- answer says so instead. Signed-in customers' mail is unchanged.
create or replace function public.payments_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'captured' and old.status is distinct from 'captured'
    and old.status not in ('partially_refunded', 'refunded')
    and (new.user_id is not null or new.booking_id is not null) then
    perform public.enqueue_notification(
      'email', 'payment_receipt', 'payment_receipt:' || new.id || ':email',
      new.booking_id, new.id, null, new.user_id
    );
  end if;
  return null;
end;
$$;

create or replace function public.refunds_notify() returns trigger
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
    if v_user is not null or v_booking is not null then
      perform public.enqueue_notification(
        'email', 'refund_issued', 'refund_issued:' || new.id || ':email',
        v_booking, new.payment_id, new.id, v_user
      );
    end if;
  end if;
  return null;
end;
$$;

-- create or replace keeps who may execute them (the notifications migration's grants).
