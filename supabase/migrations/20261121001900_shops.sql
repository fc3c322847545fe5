-- Commerce (issue 20): shops with teams, products, orders, forms and their submissions.
--
-- - Membership is one lookup, public.shop_role_of(user, shop) (security definer, stable, empty
--   search_path); public.shop_member_role(shop) is it for the caller, and public.shop_can(shop,
--   permission) asks the one role → permission table (shop_role_permissions, mirrored in
--   lib/shops/roles.ts) through it. Every policy on a commerce table is written with shop_can,
--   so the Data API with a member's token does no more than the API.
-- - Writes a member may make through the Data API are table grants narrowed to their columns
--   (products, forms, the shop's own settings) behind policies, or functions granted to
--   authenticated that check the caller's permission themselves (team changes, order status).
--   Writes with sealed personal data (invitations, orders and form submissions placed by
--   customers without accounts) are the service role's alone: the server seals, the database
--   cannot tell ciphertext from text.
-- - Stock is reserved in the same statement that checks it (update … where stock >= quantity),
--   row by row in product-id order, inside the one function that places the order, so
--   concurrent buyers of the last units serialize on the product rows and the losers get SHSTK.
--   Cancelling an order gives its stock back.
-- - Order status is a state machine enforced by a trigger whoever writes (pending → processing →
--   completed; cancelled from pending or processing); every status or payment-status change is
--   written to order_events with who made it.

-- ---------------------------------------------------------------------------------------------
-- Shops and roles.

create table public.shops (
  id uuid primary key default gen_random_uuid(),
  name text not null constraint shops_name_length check (char_length(name) between 1 and 120)
    constraint shops_name_printable check (name !~ '[[:cntrl:]]'),
  description text constraint shops_description_length check (char_length(description) <= 2000),
  -- The shop's currency: products are priced in it, so an order has one currency.
  currency text not null default 'USD' constraint shops_currency_format check (currency ~ '^[A-Z]{3}$'),
  -- How long form submissions (personal data) are kept, in days; purge_expired_shop_submissions
  -- removes older ones.
  submission_retention_days int not null default 365
    constraint shops_submission_retention_range check (submission_retention_days between 1 and 3650),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index shops_created_by_idx on public.shops (created_by);

-- What each role may do: the one table (lib/shops/roles.ts mirrors it; a test compares them).
create table public.shop_role_permissions (
  role text not null constraint shop_role_permissions_role check (role in ('owner', 'admin', 'agent')),
  permission text not null constraint shop_role_permissions_permission_format
    check (permission ~ '^[a-z_]+\.[a-z_]+$'),
  primary key (role, permission)
);

insert into public.shop_role_permissions (role, permission)
select r.role, p.permission
from (values
  ('shop.read', 'agent'), ('products.read', 'agent'), ('orders.read', 'agent'),
  ('forms.read', 'agent'), ('submissions.read', 'agent'), ('conversations.handle', 'agent'),
  ('team.read', 'agent'),
  ('shop.update', 'admin'), ('products.write', 'admin'), ('forms.write', 'admin'),
  ('orders.status', 'admin'), ('payments.refund', 'admin'),
  ('team.manage', 'owner'), ('integrations.manage', 'owner'), ('payouts.manage', 'owner')
) as p (permission, lowest)
join (values ('agent', 1), ('admin', 2), ('owner', 3)) as r (role, rank) on true
join (values ('agent', 1), ('admin', 2), ('owner', 3)) as l (role, rank) on l.role = p.lowest
where r.rank >= l.rank;

alter table public.shop_role_permissions enable row level security;
revoke all on table public.shop_role_permissions from anon, authenticated;
grant select on table public.shop_role_permissions to authenticated;
create policy "Everyone signed in reads the role table"
  on public.shop_role_permissions for select to authenticated using (true);

create table public.shop_members (
  shop_id uuid not null references public.shops (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null constraint shop_members_role check (role in ('owner', 'admin', 'agent')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (shop_id, user_id)
);

create index shop_members_user_idx on public.shop_members (user_id);

-- The membership helper: a user's role in a shop, or null.
create function public.shop_role_of(p_user_id uuid, p_shop_id uuid) returns text
language sql stable
security definer
set search_path = ''
as $$
  select m.role from public.shop_members as m
  where m.shop_id = p_shop_id and m.user_id = p_user_id
$$;

-- The caller's role in a shop (null for anon and non-members).
create function public.shop_member_role(p_shop_id uuid) returns text
language sql stable
security definer
set search_path = ''
as $$
  select public.shop_role_of((select auth.uid()), p_shop_id)
$$;

-- Whether the caller's role in the shop carries the permission.
create function public.shop_can(p_shop_id uuid, p_permission text) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.shop_role_permissions as p
    where p.role = public.shop_member_role(p_shop_id) and p.permission = p_permission
  )
$$;

-- The same for a named user (the server's functions, acting for the API's caller).
create function public.shop_user_can(p_user_id uuid, p_shop_id uuid, p_permission text)
returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.shop_role_permissions as p
    where p.role = public.shop_role_of(p_user_id, p_shop_id) and p.permission = p_permission
  )
$$;

alter table public.shops enable row level security;
revoke all on table public.shops from anon, authenticated;
grant select, update (name, description, submission_retention_days) on table public.shops
  to authenticated;

create policy "Members read their shops"
  on public.shops for select to authenticated
  using (public.shop_can(id, 'shop.read'));

create policy "Owners and admins update their shop's settings"
  on public.shops for update to authenticated
  using (public.shop_can(id, 'shop.update'))
  with check (public.shop_can(id, 'shop.update'));

alter table public.shop_members enable row level security;
revoke all on table public.shop_members from anon, authenticated;
grant select on table public.shop_members to authenticated;

create policy "Members see their shop's team"
  on public.shop_members for select to authenticated
  using (public.shop_can(shop_id, 'team.read'));

create function public.shops_set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger shops_set_updated_at before update on public.shops
  for each row execute function public.shops_set_updated_at();
create trigger shop_members_set_updated_at before update on public.shop_members
  for each row execute function public.shops_set_updated_at();

-- A new shop with the caller as its owner. Granted to authenticated: it acts only for the
-- caller, and caps how many shops one person creates.
create function public.create_shop(p_name text, p_currency text, p_description text default null)
returns public.shops
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_shop public.shops;
begin
  if v_user is null then
    raise exception 'sign in to create a shop' using errcode = '42501';
  end if;
  -- Serialize one user's creations so the cap holds under concurrency.
  perform pg_advisory_xact_lock(hashtext('create_shop:' || v_user::text));
  if (select count(*) from public.shops as s where s.created_by = v_user) >= 20 then
    raise exception 'too many shops' using errcode = 'PT409';
  end if;
  insert into public.shops (name, currency, description, created_by)
  values (p_name, coalesce(p_currency, 'USD'), p_description, v_user)
  returning * into v_shop;
  insert into public.shop_members (shop_id, user_id, role) values (v_shop.id, v_user, 'owner');
  return v_shop;
end;
$$;

-- The team with each member's sign-in email, for members who may see the team.
create function public.list_shop_members(p_shop_id uuid)
returns table (user_id uuid, role text, email text, created_at timestamptz)
language sql stable
security definer
set search_path = ''
as $$
  select m.user_id, m.role, u.email::text, m.created_at
  from public.shop_members as m
  join auth.users as u on u.id = m.user_id
  where m.shop_id = p_shop_id and public.shop_can(p_shop_id, 'team.read')
  order by m.created_at, m.user_id
$$;

-- Owners change a member's role; the last owner cannot stop being one.
create function public.set_shop_member_role(p_shop_id uuid, p_user_id uuid, p_role text)
returns public.shop_members
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_member public.shop_members;
begin
  if not public.shop_can(p_shop_id, 'team.manage') then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  if p_role is null or p_role not in ('owner', 'admin', 'agent') then
    raise exception 'unknown role' using errcode = '22023';
  end if;
  -- Team changes of one shop take turns, so two owners demoting each other cannot both succeed.
  perform 1 from public.shops as s where s.id = p_shop_id for update;
  select * into v_member from public.shop_members as m
    where m.shop_id = p_shop_id and m.user_id = p_user_id for update;
  if not found then
    raise exception 'no such member' using errcode = 'PT404';
  end if;
  if v_member.role = 'owner' and p_role <> 'owner' and (
    select count(*) from public.shop_members as m where m.shop_id = p_shop_id and m.role = 'owner'
  ) = 1 then
    raise exception 'the last owner cannot stop being one' using errcode = 'PT409';
  end if;
  update public.shop_members as m set role = p_role
    where m.shop_id = p_shop_id and m.user_id = p_user_id
    returning * into v_member;
  return v_member;
end;
$$;

-- Owners remove members, and every member may leave; the last owner cannot.
create function public.remove_shop_member(p_shop_id uuid, p_user_id uuid) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_member public.shop_members;
begin
  if public.shop_member_role(p_shop_id) is null
    or (p_user_id is distinct from (select auth.uid())
      and not public.shop_can(p_shop_id, 'team.manage')) then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  perform 1 from public.shops as s where s.id = p_shop_id for update;
  select * into v_member from public.shop_members as m
    where m.shop_id = p_shop_id and m.user_id = p_user_id for update;
  if not found then
    raise exception 'no such member' using errcode = 'PT404';
  end if;
  if v_member.role = 'owner' and (
    select count(*) from public.shop_members as m where m.shop_id = p_shop_id and m.role = 'owner'
  ) = 1 then
    raise exception 'the last owner cannot leave' using errcode = 'PT409';
  end if;
  delete from public.shop_members as m where m.shop_id = p_shop_id and m.user_id = p_user_id;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Invitations: by email, sealed (lib/crypto, context shop_invitations.email) beside its keyed
-- hash; accepted by the signed-in user whose verified email has that hash, before it expires.

create table public.shop_invitations (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  email_sealed text not null constraint shop_invitations_email_sealed_length
      check (char_length(email_sealed) between 1 and 2000)
    constraint shop_invitations_email_sealed_format check (public.is_sealed(email_sealed)),
  email_hash text not null constraint shop_invitations_email_hash_length
    check (char_length(email_hash) between 16 and 200),
  role text not null constraint shop_invitations_role check (role in ('admin', 'agent')),
  invited_by uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);

-- One open invitation per address and shop: inviting again renews it.
create unique index shop_invitations_open_idx on public.shop_invitations (shop_id, email_hash)
  where accepted_at is null;
create index shop_invitations_email_hash_idx on public.shop_invitations (email_hash)
  where accepted_at is null;

alter table public.shop_invitations enable row level security;
revoke all on table public.shop_invitations from anon, authenticated;
grant select, delete on table public.shop_invitations to authenticated;

create policy "Owners see their shop's invitations"
  on public.shop_invitations for select to authenticated
  using (public.shop_can(shop_id, 'team.manage'));

create policy "Owners withdraw their shop's invitations"
  on public.shop_invitations for delete to authenticated
  using (public.shop_can(shop_id, 'team.manage') and accepted_at is null);

-- An invitation (or its renewal) made by an owner, for p_days.
create function public.invite_shop_member(
  p_user_id uuid,
  p_shop_id uuid,
  p_email_sealed text,
  p_email_hash text,
  p_role text,
  p_days int
) returns public.shop_invitations
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_invitation public.shop_invitations;
begin
  if not public.shop_user_can(p_user_id, p_shop_id, 'team.manage') then
    raise exception 'no such shop' using errcode = 'PT404';
  end if;
  insert into public.shop_invitations (
    shop_id, email_sealed, email_hash, role, invited_by, expires_at
  )
  values (
    p_shop_id, p_email_sealed, p_email_hash, p_role, p_user_id,
    now() + make_interval(days => greatest(1, least(coalesce(p_days, 7), 30)))
  )
  on conflict (shop_id, email_hash) where accepted_at is null do update
    set email_sealed = excluded.email_sealed, role = excluded.role,
      invited_by = excluded.invited_by, expires_at = excluded.expires_at, created_at = now()
  returning * into v_invitation;
  -- The invitee's email (lib/shops/emails.ts): the row names the inviting owner as its anchor
  -- (see the emails section below); one per invitation and renewal.
  perform public.enqueue_notification(
    'email', 'shop_invitation',
    'shop_invitation:' || v_invitation.id || ':' || (extract(epoch from v_invitation.created_at) * 1000)::bigint,
    null, null, null, p_user_id,
    jsonb_build_object('invitation_id', v_invitation.id, 'recipient', 'invitee')
  );
  return v_invitation;
end;
$$;

-- The invitee accepts: their verified email's hash must be the invitation's, and it must not
-- have expired. An existing member keeps their role.
create function public.accept_shop_invitation(
  p_user_id uuid,
  p_shop_id uuid,
  p_invitation_id uuid,
  p_email_hash text
) returns public.shop_members
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_invitation public.shop_invitations;
  v_member public.shop_members;
begin
  select * into v_invitation from public.shop_invitations as i
    where i.id = p_invitation_id and i.shop_id = p_shop_id and i.email_hash = p_email_hash
    for update;
  if not found or v_invitation.accepted_at is not null then
    raise exception 'no such invitation' using errcode = 'PT404';
  end if;
  if v_invitation.expires_at <= now() then
    raise exception 'the invitation has expired' using errcode = 'SHEXP';
  end if;
  -- The address must be proven, not only claimed: with email confirmation off (or for an
  -- identity whose email is unverified) anyone could sign up as the invitee.
  if not exists (
    select 1 from auth.users as u where u.id = p_user_id and u.email_confirmed_at is not null
  ) then
    raise exception 'confirm your email address before accepting an invitation'
      using errcode = '42501';
  end if;
  insert into public.shop_members (shop_id, user_id, role)
  values (v_invitation.shop_id, p_user_id, v_invitation.role)
  on conflict (shop_id, user_id) do nothing;
  update public.shop_invitations as i set accepted_at = now(), accepted_by = p_user_id
    where i.id = v_invitation.id;
  select * into v_member from public.shop_members as m
    where m.shop_id = v_invitation.shop_id and m.user_id = p_user_id;
  return v_member;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Products. Deleting one sets deleted_at: orders keep referring to it.

create table public.products (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  name text not null constraint products_name_length check (char_length(name) between 1 and 200)
    constraint products_name_printable check (name !~ '[[:cntrl:]]'),
  description text constraint products_description_length check (char_length(description) <= 5000),
  price_minor bigint not null constraint products_price_range
    check (price_minor between 0 and 100000000000),
  currency text not null constraint products_currency_format check (currency ~ '^[A-Z]{3}$'),
  stock int not null default 0 constraint products_stock_range check (stock between 0 and 1000000000),
  -- Only https, never fetched by the server (the browser loads it).
  image_url text constraint products_image_url_https
    check (char_length(image_url) <= 2048 and image_url ~ '^https://[^[:space:]/?#]+[^[:space:]]*$'),
  category text constraint products_category_length check (char_length(category) between 1 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);

create index products_shop_idx on public.products (shop_id, created_at desc, id desc)
  where deleted_at is null;

alter table public.products enable row level security;
revoke all on table public.products from anon, authenticated;
grant select,
  insert (shop_id, name, description, price_minor, currency, stock, image_url, category),
  update (name, description, price_minor, stock, image_url, category, deleted_at)
  on table public.products to authenticated;

create policy "Members read their shop's products"
  on public.products for select to authenticated
  using (public.shop_can(shop_id, 'products.read'));

create policy "Owners and admins add products"
  on public.products for insert to authenticated
  with check (public.shop_can(shop_id, 'products.write'));

create policy "Owners and admins change products"
  on public.products for update to authenticated
  using (public.shop_can(shop_id, 'products.write'))
  with check (public.shop_can(shop_id, 'products.write'));

-- A product is priced in its shop's currency.
create function public.products_check_currency() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.currency is distinct from (select s.currency from public.shops as s where s.id = new.shop_id)
  then
    raise exception 'a product is priced in its shop''s currency' using errcode = '22023';
  end if;
  return new;
end;
$$;

create trigger products_check_currency before insert on public.products
  for each row execute function public.products_check_currency();
create trigger products_set_updated_at before update on public.products
  for each row execute function public.shops_set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Forms: order or contact, their fields (validated by the API, lib/shops/form-fields.ts; SQL
-- keeps to the shape), and the products an order form offers (all of the shop's).

create table public.forms (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  kind text not null constraint forms_kind check (kind in ('order', 'contact')),
  name text not null constraint forms_name_length check (char_length(name) between 1 and 200),
  fields jsonb not null default '[]'::jsonb constraint forms_fields_shape
    check (jsonb_typeof(fields) = 'array' and jsonb_array_length(fields) <= 50
      and pg_column_size(fields) <= 32000),
  product_ids uuid[] not null default '{}' constraint forms_product_ids_count
    check (cardinality(product_ids) <= 200),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index forms_shop_idx on public.forms (shop_id, created_at);

alter table public.forms enable row level security;
revoke all on table public.forms from anon, authenticated;
grant select,
  insert (shop_id, kind, name, fields, product_ids, active),
  update (name, fields, product_ids, active)
  on table public.forms to authenticated;

create policy "Members read their shop's forms"
  on public.forms for select to authenticated
  using (public.shop_can(shop_id, 'forms.read'));

create policy "Owners and admins add forms"
  on public.forms for insert to authenticated
  with check (public.shop_can(shop_id, 'forms.write'));

create policy "Owners and admins change forms"
  on public.forms for update to authenticated
  using (public.shop_can(shop_id, 'forms.write'))
  with check (public.shop_can(shop_id, 'forms.write'));

-- The products a form offers are its shop's (whoever writes it).
create function public.forms_check_products() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (
    select 1 from unnest(new.product_ids) as offered (id)
    where not exists (
      select 1 from public.products as p where p.id = offered.id and p.shop_id = new.shop_id
    )
  ) then
    raise exception 'a form offers only its shop''s products' using errcode = '22023';
  end if;
  if new.kind = 'contact' and cardinality(new.product_ids) > 0 then
    raise exception 'a contact form offers no products' using errcode = '22023';
  end if;
  return new;
end;
$$;

create trigger forms_check_products before insert or update on public.forms
  for each row execute function public.forms_check_products();
create trigger forms_set_updated_at before update on public.forms
  for each row execute function public.shops_set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Orders, their items and their history.

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  form_id uuid references public.forms (id) on delete set null,
  -- The customer has no account: their contact is sealed (lib/crypto, contexts orders.*), the
  -- email also as a keyed hash.
  customer_name_sealed text not null constraint orders_customer_name_sealed_format
    check (char_length(customer_name_sealed) <= 2000 and public.is_sealed(customer_name_sealed)),
  customer_email_sealed text not null constraint orders_customer_email_sealed_format
    check (char_length(customer_email_sealed) <= 2000 and public.is_sealed(customer_email_sealed)),
  customer_email_hash text not null constraint orders_customer_email_hash_length
    check (char_length(customer_email_hash) between 16 and 200),
  customer_phone_sealed text constraint orders_customer_phone_sealed_format
    check (char_length(customer_phone_sealed) <= 2000 and public.is_sealed(customer_phone_sealed)),
  currency text not null constraint orders_currency_format check (currency ~ '^[A-Z]{3}$'),
  total_minor bigint not null constraint orders_total_range check (total_minor >= 0),
  status text not null default 'pending'
    constraint orders_status check (status in ('pending', 'processing', 'completed', 'cancelled')),
  payment_status text not null default 'unpaid' constraint orders_payment_status
    check (payment_status in ('unpaid', 'paid', 'partially_refunded', 'refunded')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index orders_shop_idx on public.orders (shop_id, created_at desc, id desc);

create table public.order_items (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references public.orders (id) on delete cascade,
  shop_id uuid not null references public.shops (id) on delete cascade,
  product_id uuid not null references public.products (id),
  -- Copied at order time: a later rename or price change does not rewrite the order.
  name text not null,
  unit_price_minor bigint not null constraint order_items_unit_price_range
    check (unit_price_minor >= 0),
  quantity int not null constraint order_items_quantity_range check (quantity between 1 and 1000),
  constraint order_items_product_once unique (order_id, product_id)
);

create index order_items_product_idx on public.order_items (product_id);

create table public.order_events (
  id bigint generated always as identity primary key,
  order_id uuid not null references public.orders (id) on delete cascade,
  shop_id uuid not null references public.shops (id) on delete cascade,
  -- Who changed it: the member, or null for the server (a payment, a customer's order).
  actor_user_id uuid references auth.users (id) on delete set null,
  from_status text,
  to_status text not null,
  from_payment_status text,
  to_payment_status text not null,
  created_at timestamptz not null default now()
);

create index order_events_order_idx on public.order_events (order_id, id);

alter table public.orders enable row level security;
alter table public.order_items enable row level security;
alter table public.order_events enable row level security;
revoke all on table public.orders, public.order_items, public.order_events
  from anon, authenticated;
grant select on table public.orders, public.order_items, public.order_events to authenticated;

create policy "Members read their shop's orders"
  on public.orders for select to authenticated
  using (public.shop_can(shop_id, 'orders.read'));
create policy "Members read their shop's order items"
  on public.order_items for select to authenticated
  using (public.shop_can(shop_id, 'orders.read'));
create policy "Members read their shop's order history"
  on public.order_events for select to authenticated
  using (public.shop_can(shop_id, 'orders.read'));

-- The state machine, whoever writes: an illegal move is PT409 (409 in the API). A cancelled
-- order gives its stock back. Nothing else about an order changes after it is placed except its
-- status, payment status and paying payment.
create function public.orders_check_transition() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.id <> old.id or new.shop_id <> old.shop_id or new.total_minor <> old.total_minor
    or new.currency <> old.currency or new.created_at <> old.created_at then
    raise exception 'an order''s contents do not change' using errcode = 'PT409';
  end if;
  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('processing', 'cancelled'))
    or (old.status = 'processing' and new.status in ('completed', 'cancelled'))
  ) then
    raise exception 'an order cannot move from % to %', old.status, new.status
      using errcode = 'PT409';
  end if;
  if new.status = 'cancelled' and old.status <> 'cancelled' then
    update public.products as p set stock = p.stock + i.quantity
      from public.order_items as i
      where i.order_id = new.id and p.id = i.product_id;
  end if;
  new.updated_at := now();
  return new;
end;
$$;

create trigger orders_check_transition before update on public.orders
  for each row execute function public.orders_check_transition();

-- Who changed what: the acting user (bastion.acting_user, set by act_for_user) or the caller.
create function public.orders_record_event() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor uuid := coalesce(
    nullif(current_setting('bastion.acting_user', true), '')::uuid, (select auth.uid())
  );
begin
  if tg_op = 'INSERT' then
    insert into public.order_events (
      order_id, shop_id, actor_user_id, from_status, to_status, from_payment_status,
      to_payment_status
    )
    values (new.id, new.shop_id, v_actor, null, new.status, null, new.payment_status);
  elsif new.status is distinct from old.status
    or new.payment_status is distinct from old.payment_status then
    insert into public.order_events (
      order_id, shop_id, actor_user_id, from_status, to_status, from_payment_status,
      to_payment_status
    )
    values (
      new.id, new.shop_id, v_actor, old.status, new.status, old.payment_status,
      new.payment_status
    );
  end if;
  return null;
end;
$$;

create trigger orders_record_event after insert or update on public.orders
  for each row execute function public.orders_record_event();

-- A member with orders.status moves an order (granted to authenticated: it checks the caller).
create function public.set_shop_order_status(p_shop_id uuid, p_order_id uuid, p_status text)
returns public.orders
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_order public.orders;
begin
  if not public.shop_can(p_shop_id, 'orders.read') then
    raise exception 'no such order' using errcode = 'PT404';
  end if;
  if not public.shop_can(p_shop_id, 'orders.status') then
    raise exception 'your role may not change order status' using errcode = '42501';
  end if;
  select * into v_order from public.orders as o
    where o.id = p_order_id and o.shop_id = p_shop_id for update;
  if not found then
    raise exception 'no such order' using errcode = 'PT404';
  end if;
  if v_order.status = p_status then
    return v_order;
  end if;
  update public.orders as o set status = p_status where o.id = v_order.id
    returning * into v_order;
  return v_order;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Form submissions: personal data, sealed as one JSON document (context form_submissions.answers),
-- kept for the shop's retention period.

create table public.form_submissions (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  form_id uuid references public.forms (id) on delete set null,
  kind text not null constraint form_submissions_kind check (kind in ('order', 'contact')),
  order_id uuid references public.orders (id) on delete set null,
  answers_sealed text not null constraint form_submissions_answers_sealed_format
    check (char_length(answers_sealed) <= 200000 and public.is_sealed(answers_sealed)),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index form_submissions_shop_idx on public.form_submissions (shop_id, created_at desc);
create index form_submissions_expires_idx on public.form_submissions (expires_at);

alter table public.form_submissions enable row level security;
revoke all on table public.form_submissions from anon, authenticated;
grant select on table public.form_submissions to authenticated;

create policy "Members read their shop's submissions"
  on public.form_submissions for select to authenticated
  using (public.shop_can(shop_id, 'submissions.read'));

-- A customer's submission of a public form, placed by the server (sealed values): a contact
-- message, or an order whose items are reserved here. p_items: [{"productId", "quantity"}].
-- Prices, names and the total come from the products, never from the caller. SHSTK when a
-- product has too little stock (nothing is reserved then), PT404 for an unknown or inactive
-- form, 22023 for items the form does not offer.
create function public.submit_shop_form(
  p_shop_id uuid,
  p_form_id uuid,
  p_items jsonb,
  p_name_sealed text,
  p_email_sealed text,
  p_email_hash text,
  p_phone_sealed text,
  p_answers_sealed text
) returns jsonb
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_form public.forms;
  v_shop public.shops;
  v_order public.orders;
  v_submission_id uuid;
  v_item record;
  v_product public.products;
  v_total bigint := 0;
  v_order_id uuid;
  v_product_ids uuid[] := '{}';
  v_names text[] := '{}';
  v_prices bigint[] := '{}';
  v_quantities int[] := '{}';
begin
  select * into v_form from public.forms as f
    where f.id = p_form_id and f.shop_id = p_shop_id and f.active;
  if not found then
    raise exception 'no such form' using errcode = 'PT404';
  end if;
  select * into v_shop from public.shops as s where s.id = p_shop_id;

  if v_form.kind = 'order' then
    if p_items is null or jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) = 0
      or jsonb_array_length(p_items) > 50 then
      raise exception 'an order needs items' using errcode = '22023';
    end if;
    v_order_id := gen_random_uuid();
    -- In product-id order, so two orders of the same products never wait on each other in a
    -- cycle. The update checks and takes the stock in one step under the row's lock: a buyer
    -- who waited on it sees the stock the first one left.
    for v_item in
      select (e ->> 'productId')::uuid as product_id, sum((e ->> 'quantity')::int) as quantity
      from jsonb_array_elements(p_items) as e
      group by 1 order by 1
    loop
      if v_item.quantity is null or v_item.quantity < 1 or v_item.quantity > 1000
        or not (v_item.product_id = any (v_form.product_ids)) then
        raise exception 'the form does not offer that' using errcode = '22023';
      end if;
      update public.products as p set stock = p.stock - v_item.quantity
        where p.id = v_item.product_id and p.shop_id = p_shop_id and p.deleted_at is null
          and p.stock >= v_item.quantity
        returning * into v_product;
      if not found then
        if not exists (
          select 1 from public.products as p
          where p.id = v_item.product_id and p.shop_id = p_shop_id and p.deleted_at is null
        ) then
          raise exception 'the form does not offer that' using errcode = '22023';
        end if;
        raise exception 'out of stock' using errcode = 'SHSTK';
      end if;
      v_product_ids := v_product_ids || v_product.id;
      v_names := v_names || v_product.name;
      v_prices := v_prices || v_product.price_minor;
      v_quantities := v_quantities || v_item.quantity::int;
      v_total := v_total + v_product.price_minor * v_item.quantity;
    end loop;
    -- The total, computed here from the prices copied into the items.
    insert into public.orders (
      id, shop_id, form_id, customer_name_sealed, customer_email_sealed, customer_email_hash,
      customer_phone_sealed, currency, total_minor
    )
    values (
      v_order_id, p_shop_id, p_form_id, p_name_sealed, p_email_sealed, p_email_hash,
      p_phone_sealed, v_shop.currency, v_total
    )
    returning * into v_order;
    insert into public.order_items (order_id, shop_id, product_id, name, unit_price_minor, quantity)
    select v_order_id, p_shop_id, item.product_id, item.name, item.price, item.quantity
    from unnest(v_product_ids, v_names, v_prices, v_quantities)
      as item (product_id, name, price, quantity);
  end if;

  insert into public.form_submissions (shop_id, form_id, kind, order_id, answers_sealed, expires_at)
  values (
    p_shop_id, p_form_id, v_form.kind, v_order.id, p_answers_sealed,
    now() + make_interval(days => v_shop.submission_retention_days)
  )
  returning id into v_submission_id;

  return jsonb_build_object(
    'submission_id', v_submission_id,
    'order_id', v_order.id,
    'total_minor', v_order.total_minor,
    'currency', v_order.currency,
    'status', v_order.status
  );
end;
$$;

-- Submissions past their shop's retention period (the daily sweep calls it).
create function public.purge_expired_shop_submissions() returns int
language sql volatile
security definer
set search_path = ''
as $$
  with gone as (
    delete from public.form_submissions as s where s.expires_at <= now() returning 1
  )
  select count(*)::int from gone
$$;

select public.restrict_execute('{}',
  'public.shop_role_of(uuid, uuid)',
  'public.shop_user_can(uuid, uuid, text)',
  'public.shops_set_updated_at()',
  'public.products_check_currency()',
  'public.forms_check_products()',
  'public.orders_check_transition()',
  'public.orders_record_event()');
select public.restrict_execute('{authenticated,service_role}',
  'public.shop_member_role(uuid)',
  'public.shop_can(uuid, text)',
  'public.create_shop(text, text, text)',
  'public.list_shop_members(uuid)',
  'public.set_shop_member_role(uuid, uuid, text)',
  'public.remove_shop_member(uuid, uuid)',
  'public.set_shop_order_status(uuid, uuid, text)');
select public.restrict_execute('{service_role}',
  'public.invite_shop_member(uuid, uuid, text, text, text, int)',
  'public.accept_shop_invitation(uuid, uuid, uuid, text)',
  'public.submit_shop_form(uuid, uuid, jsonb, text, text, text, text, text)',
  'public.purge_expired_shop_submissions()');

-- ---------------------------------------------------------------------------------------------
-- What a visitor sees of a public form: an active form, its fields, and the offered products that
-- are not deleted (name, price, stock left, picture, category). Granted to anon: it reads only
-- what the shop publishes through the form.
create function public.public_shop_form(p_shop_id uuid, p_form_id uuid) returns jsonb
language sql stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', f.id,
    'shop_id', f.shop_id,
    'shop_name', s.name,
    'currency', s.currency,
    'kind', f.kind,
    'name', f.name,
    'fields', f.fields,
    'products', coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', p.id, 'name', p.name, 'description', p.description,
        'price_minor', p.price_minor, 'currency', p.currency, 'in_stock', p.stock > 0,
        'image_url', p.image_url, 'category', p.category
      ) order by p.name, p.id)
      from public.products as p
      where p.id = any (f.product_ids) and p.shop_id = f.shop_id and p.deleted_at is null
    ), '[]'::jsonb)
  )
  from public.forms as f
  join public.shops as s on s.id = f.shop_id
  where f.id = p_form_id and f.shop_id = p_shop_id and f.active
$$;

select public.restrict_execute('{anon,authenticated,service_role}',
  'public.public_shop_form(uuid, uuid)');

-- ---------------------------------------------------------------------------------------------
-- Emails through the outbox (lib/shops/emails.ts, composed by lib/shops/notify-message.ts):
-- the shop's owners and admins hear of each order and contact message (one row per member,
-- user_id naming them, so the address is their sign-in email at delivery); the customer gets the
-- order's confirmation and each status change. The outbox row holds ids and a status only.
--
-- notifications_subject admits no commerce column (and 20261121002100_operations.sql re-creates
-- it after this file), so the customer's rows name the shop's first owner as user_id, their
-- anchor; data.order_id says what they are about and data.recipient = 'customer' whom they go to.
create function public.shop_notify_team(
  p_shop_id uuid,
  p_template text,
  p_key text,
  p_data jsonb
) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_member record;
begin
  for v_member in
    select m.user_id from public.shop_members as m
    where m.shop_id = p_shop_id and m.role in ('owner', 'admin')
  loop
    perform public.enqueue_notification(
      'email', p_template, p_key || ':' || v_member.user_id, null, null, null, v_member.user_id,
      p_data || jsonb_build_object('recipient', 'member')
    );
  end loop;
end;
$$;

create function public.shop_notify_customer(
  p_order public.orders,
  p_template text,
  p_key text,
  p_data jsonb
) returns void
language plpgsql volatile
security definer
set search_path = ''
as $$
declare
  v_anchor uuid;
begin
  select m.user_id into v_anchor from public.shop_members as m
    where m.shop_id = p_order.shop_id and m.role = 'owner'
    order by m.created_at, m.user_id limit 1;
  if v_anchor is null then
    return;
  end if;
  perform public.enqueue_notification(
    'email', p_template, p_key, null, null, null, v_anchor,
    p_data || jsonb_build_object('recipient', 'customer', 'order_id', p_order.id)
  );
end;
$$;

create function public.orders_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform public.shop_notify_team(
      new.shop_id, 'shop_order_received', 'shop_order_received:' || new.id,
      jsonb_build_object('order_id', new.id, 'shop_id', new.shop_id)
    );
    perform public.shop_notify_customer(
      new, 'shop_order_confirmation', 'shop_order_confirmation:' || new.id, '{}'::jsonb
    );
  elsif new.status is distinct from old.status then
    perform public.shop_notify_customer(
      new, 'shop_order_status', 'shop_order_status:' || new.id || ':' || new.status,
      jsonb_build_object('status', new.status)
    );
  end if;
  return null;
end;
$$;

create trigger orders_notify after insert or update of status on public.orders
  for each row execute function public.orders_notify();

create function public.form_submissions_notify() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.kind = 'contact' then
    perform public.shop_notify_team(
      new.shop_id, 'shop_contact_received', 'shop_contact_received:' || new.id,
      jsonb_build_object('submission_id', new.id, 'shop_id', new.shop_id)
    );
  end if;
  return null;
end;
$$;

create trigger form_submissions_notify after insert on public.form_submissions
  for each row execute function public.form_submissions_notify();

select public.restrict_execute('{}',
  'public.shop_notify_team(uuid, text, text, jsonb)',
  'public.shop_notify_customer(public.orders, text, text, jsonb)',
  'public.orders_notify()',
  'public.form_submissions_notify()');
