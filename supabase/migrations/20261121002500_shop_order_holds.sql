-- Unpaid orders stop holding stock (issue 20). An order reserves its stock when it is placed; one
-- nobody pays would hold it for ever, so a stranger could empty a shop by submitting its form. An
-- order still pending and unpaid an hour after it was placed, with no payment started in the last
-- 30 minutes, is cancelled: the order trigger gives its stock back, records the change with no
-- member as the actor, and tells the customer. A payment that captures afterwards is refunded in
-- full, as for any cancelled order (20261121001905_shop_payments.sql).
--
-- Run before each new order of the same shop (lib/shops/submit-form.ts), so stock a lapsed order
-- held is free for the next buyer at once, and for every shop by the expire-holds job.

create function public.expire_unpaid_shop_orders(p_shop_id uuid default null) returns int
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  with lapsed as (
    select o.id from public.orders as o
    where o.status = 'pending' and o.payment_status = 'unpaid'
      and o.created_at < now() - interval '60 minutes'
      and (p_shop_id is null or o.shop_id = p_shop_id)
      and not exists (
        select 1 from public.payments as p
        where p.order_id = o.id and p.status in ('created', 'authorized')
          and p.created_at > now() - interval '30 minutes'
      )
    order by o.id
    limit 500
    for update of o skip locked
  )
  update public.orders as o set status = 'cancelled'
    from lapsed where o.id = lapsed.id;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

create index orders_pending_unpaid_idx on public.orders (shop_id, created_at)
  where status = 'pending' and payment_status = 'unpaid';

select public.restrict_execute('{service_role}', 'public.expire_unpaid_shop_orders(uuid)');
