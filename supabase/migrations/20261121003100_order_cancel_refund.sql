-- A paid order the team cancels gives the customer's money back. Until now cancelling a
-- processing order returned its stock but left the capture with the shop: a refund happened only
-- if someone also called the refund endpoint. Cancelling needs orders.status and refunding needs
-- payments.refund, which the same roles hold (owners and admins), so the cancel is the refund.
--
-- In the cancel's own transaction (whoever cancels: the API, or set_shop_order_status called
-- through the Data API) what is left of the paying payment — captured minus refunds not failed —
-- is reserved in the ledger under the key `order-cancelled:<order id>`, so it is reserved once.
-- The API asks the provider for it at once (lib/shops/payments/cancel-refund.ts); if that answer
-- never comes, the payments sweep sends every reserved refund older than its grace, with the
-- Connect transfer reversed like any shop refund.

create function public.orders_refund_on_cancel() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment public.payments;
  v_committed bigint;
begin
  if new.status <> 'cancelled' or old.status = 'cancelled' or new.paid_by_payment_id is null then
    return null;
  end if;
  select * into v_payment from public.payments as p where p.id = new.paid_by_payment_id
    for update;
  if v_payment.status not in ('captured', 'partially_refunded') then
    return null;
  end if;
  select coalesce(sum(r.amount_minor), 0) into v_committed
    from public.refunds as r where r.payment_id = v_payment.id and r.status <> 'failed';
  if v_payment.amount_minor - v_committed > 0 then
    perform public.ledger_begin_refund(
      v_payment.id, v_payment.amount_minor - v_committed, 'The order was cancelled',
      coalesce(nullif(current_setting('bastion.acting_user', true), '')::uuid,
        (select auth.uid())),
      'order-cancelled:' || new.id
    );
  end if;
  return null;
end;
$$;

create trigger orders_refund_on_cancel
  after update of status on public.orders
  for each row execute function public.orders_refund_on_cancel();

select public.restrict_execute('{}', 'public.orders_refund_on_cancel()');
