-- Captures that pay for a shop order (20261121001905_shop_payments.sql) or a flight booking
-- (20261121002000_travel.sql) are matched when the order or flight booking they were taken for
-- records them as its payment, as a booking does: the operations condition captures_unmatched
-- (20261121002100_operations.sql) no longer reports them. The way any later domain joins.
create or replace function public.operations_payment_matched(p_payment_id uuid) returns boolean
language sql stable
set search_path = ''
as $$
  select exists (select 1 from public.bookings as b where b.paid_by_payment_id = p_payment_id)
    or exists (select 1 from public.orders as o where o.paid_by_payment_id = p_payment_id)
    or exists (
      select 1 from public.flight_bookings as f where f.paid_by_payment_id = p_payment_id
    )
$$;

select public.restrict_execute('{}', 'public.operations_payment_matched(uuid)');
