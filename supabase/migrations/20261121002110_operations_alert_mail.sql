-- The operations_alert emails are not items of the message conditions themselves: an alert email
-- that cannot go (no OPERATIONS_ALERT_EMAIL or PRACTICE_EMAIL, a provider refusing the address)
-- would otherwise open an alert whose own email fails the same way. Where alerts go is shown by
-- GET /api/admin/health (alert_email) and the alerts stay in the operations view.
create or replace function public.operations_messages_failed(p_cutoff timestamptz)
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
  where n.status in ('failed', 'bounced') and n.template <> 'operations_alert'
    and n.updated_at < p_cutoff and n.updated_at > now() - interval '7 days'
$$;

create or replace function public.operations_messages_stuck(p_cutoff timestamptz)
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
  where n.status in ('queued', 'sending') and n.template <> 'operations_alert'
    and n.created_at < p_cutoff
$$;

select public.restrict_execute('{}',
  'public.operations_messages_failed(timestamptz)',
  'public.operations_messages_stuck(timestamptz)');
