-- Disputes (chargebacks) the providers report, in the ledger beside the payment they contest
-- (issue #6: "refunds and disputes made in the provider's dashboard flow into the ledger"). One
-- row per provider dispute, updated as the provider moves it along (open → won / lost / closed);
-- staff read them to answer before the provider's deadline. Written only by the service role,
-- from a signed webhook whose payment the server looked up itself.
create table public.payment_disputes (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references public.payments (id),
  provider text not null constraint payment_disputes_provider
    check (provider in ('razorpay', 'stripe', 'sandbox')),
  provider_dispute_id text not null constraint payment_disputes_provider_dispute_id_length
    check (char_length(provider_dispute_id) between 1 and 200),
  -- The provider's words: Stripe's warning_needs_response … won/lost, Razorpay's created … lost.
  status text not null constraint payment_disputes_status_length check (char_length(status) between 1 and 60),
  reason text constraint payment_disputes_reason_length check (char_length(reason) <= 200),
  amount_minor bigint not null constraint payment_disputes_amount check (amount_minor >= 0),
  currency char(3) not null constraint payment_disputes_currency_iso check (currency ~ '^[A-Z]{3}$'),
  opened_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_disputes_unique unique (provider, provider_dispute_id)
);

create index payment_disputes_payment_id_idx on public.payment_disputes (payment_id);

alter table public.payment_disputes enable row level security;
revoke all on table public.payment_disputes from anon, authenticated;
grant select on table public.payment_disputes to authenticated;

create policy "Staff read disputes"
  on public.payment_disputes for select
  to authenticated
  using (public.has_app_role('staff'));

-- Records or updates a dispute of one of our payments, found by the provider's payment id.
-- Answers the dispute, or PT404 for a payment we do not have.
create function public.ledger_record_dispute(
  p_provider text,
  p_provider_payment_id text,
  p_provider_dispute_id text,
  p_status text,
  p_reason text,
  p_amount_minor bigint,
  p_currency text
) returns public.payment_disputes
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_payment_id uuid;
  v_dispute public.payment_disputes;
begin
  select p.id into v_payment_id from public.payments as p
    where p.provider = p_provider and p.provider_payment_id = p_provider_payment_id;
  if not found then
    raise exception 'no payment with this provider payment id' using errcode = 'PT404';
  end if;
  insert into public.payment_disputes (
    payment_id, provider, provider_dispute_id, status, reason, amount_minor, currency
  )
  values (
    v_payment_id, p_provider, p_provider_dispute_id, p_status, left(p_reason, 200),
    p_amount_minor, upper(p_currency)
  )
  on conflict (provider, provider_dispute_id) do update
    set status = excluded.status, reason = coalesce(excluded.reason, payment_disputes.reason),
      amount_minor = excluded.amount_minor, updated_at = now()
  returning * into v_dispute;
  return v_dispute;
end;
$$;

revoke execute on function
  public.ledger_record_dispute(text, text, text, text, text, bigint, text)
  from public, anon, authenticated;
grant execute on function
  public.ledger_record_dispute(text, text, text, text, text, bigint, text)
  to service_role;
