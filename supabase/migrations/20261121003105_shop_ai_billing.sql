-- Whose AI budget a shop's AI replies spend (review F6): it was always the shop's creator, even
-- after the creator left the team or was removed by another owner (strangers chatting in a shop
-- could then drain a former member's personal daily budget), and nobody's once the creator's
-- account was deleted. Now it is one of the shop's current owners: the creator while they are
-- one, otherwise the longest-standing owner. A shop always has an owner (the last one cannot
-- leave), so its AI keeps a budget to answer from.

create or replace function public.shop_ai_facts(p_shop_id uuid) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'name', s.name,
    'description', s.description,
    'currency', s.currency,
    'owner_id', (
      select m.user_id from public.shop_members as m
      where m.shop_id = s.id and m.role = 'owner'
      order by (m.user_id = s.created_by) desc, m.created_at, m.user_id
      limit 1
    ),
    'products', coalesce((
      select jsonb_agg(jsonb_build_object(
        'name', p.name, 'description', p.description, 'price_minor', p.price_minor,
        'in_stock', p.stock > 0, 'category', p.category
      ) order by p.name, p.id)
      from (
        select * from public.products as p
        where p.shop_id = s.id and p.deleted_at is null
        order by p.name, p.id
        limit 100
      ) as p
    ), '[]'::jsonb)
  )
  from public.shops as s
  where s.id = p_shop_id
$$;
