-- Seed data for local development, applied by the local stack after the migrations (and again
-- whenever this file changes), and by `supabase db reset` on a Supabase project.
-- Write it so it can run twice: use `on conflict do nothing`.

-- The catalogue (supabase/migrations/20261121000200_catalogue_and_scheduling.sql): the four
-- session types, their prices in minor units (paise, cents) per currency and format, and one
-- practitioner in India with weekday hours. Fixed ids, so the rows are the same on every machine.
insert into public.session_types
  (id, slug, name, description, duration_minutes, buffer_minutes, requires_consent, sort_order)
values
  ('5e55a0e1-0000-4000-8000-000000000001', 'individual', 'Individual session',
   'A one-to-one session with a practitioner.', 50, 10, true, 1),
  ('5e55a0e1-0000-4000-8000-000000000002', 'couples', 'Couples session',
   'A session for two partners together.', 80, 10, true, 2),
  ('5e55a0e1-0000-4000-8000-000000000003', 'family', 'Family session',
   'A session for a family or several members of one household.', 90, 10, true, 3),
  ('5e55a0e1-0000-4000-8000-000000000004', 'free', 'Introductory call',
   'A short free call to see whether working together is a good fit.', 15, 5, false, 4)
on conflict do nothing;

insert into public.session_type_prices (session_type_id, currency, format, amount_minor)
values
  ('5e55a0e1-0000-4000-8000-000000000001', 'INR', 'video', 250000),
  ('5e55a0e1-0000-4000-8000-000000000001', 'INR', 'in_person', 300000),
  ('5e55a0e1-0000-4000-8000-000000000001', 'USD', 'video', 6000),
  ('5e55a0e1-0000-4000-8000-000000000001', 'USD', 'in_person', 7000),
  ('5e55a0e1-0000-4000-8000-000000000002', 'INR', 'video', 400000),
  ('5e55a0e1-0000-4000-8000-000000000002', 'INR', 'in_person', 450000),
  ('5e55a0e1-0000-4000-8000-000000000002', 'USD', 'video', 9500),
  ('5e55a0e1-0000-4000-8000-000000000002', 'USD', 'in_person', 11000),
  ('5e55a0e1-0000-4000-8000-000000000003', 'INR', 'video', 450000),
  ('5e55a0e1-0000-4000-8000-000000000003', 'INR', 'in_person', 500000),
  ('5e55a0e1-0000-4000-8000-000000000003', 'USD', 'video', 11000),
  ('5e55a0e1-0000-4000-8000-000000000003', 'USD', 'in_person', 12000),
  ('5e55a0e1-0000-4000-8000-000000000004', 'INR', 'video', 0),
  ('5e55a0e1-0000-4000-8000-000000000004', 'USD', 'video', 0)
on conflict do nothing;

insert into public.practitioners (id, display_name, time_zone)
values ('9a7c0000-0000-4000-8000-000000000001', 'Dr. Asha Menon', 'Asia/Kolkata')
on conflict do nothing;

-- Monday to Friday (ISO weekdays 1–5), 10:00–13:00 and 14:00–18:00 in Asia/Kolkata.
insert into public.working_hours (id, practitioner_id, weekday, start_time, end_time)
select
  ('9a7c0000-0000-4000-8000-0000000001' || weekday || half)::uuid,
  '9a7c0000-0000-4000-8000-000000000001',
  weekday,
  start_time,
  end_time
from generate_series(1, 5) as weekday,
  (values (1, time '10:00', time '13:00'), (2, time '14:00', time '18:00'))
    as hours (half, start_time, end_time)
on conflict do nothing;

-- Consent (supabase/migrations/20261121000300_consent.sql): the version of the informed consent
-- the SPA asks for before a session, and the items a client acknowledges one by one. Records
-- are kept 2555 days (about seven years), as health-care records commonly are. A published
-- version's items and retention never change: a new text is a new version.
insert into public.consent_versions (version, title, required_items, retention_days)
values (
  '2026-11',
  'Informed consent for therapy',
  array['confidentiality', 'cancellation_policy', 'emergency_contact', 'telehealth_risks'],
  2555
)
on conflict do nothing;

-- A demo shop (supabase/migrations/20261121001900_shops.sql): three products, an order form and a
-- contact form, public at /api/shops/5e0d5e0d-0000-4000-8000-000000000001/forms/<form id>. It has
-- no members, as the seed makes no accounts; to manage it locally, sign up and make yourself its
-- owner: insert into public.shop_members (shop_id, user_id, role)
--   values ('5e0d5e0d-0000-4000-8000-000000000001', '<your user id>', 'owner');
insert into public.shops (id, name, description, currency)
values (
  '5e0d5e0d-0000-4000-8000-000000000001',
  'Demo Pottery',
  'Hand-thrown mugs and bowls (demo data)',
  'INR'
)
on conflict do nothing;

insert into public.products (id, shop_id, name, description, price_minor, currency, stock, image_url, category)
values
  ('5e0d5e0d-0000-4000-8000-000000000101', '5e0d5e0d-0000-4000-8000-000000000001', 'Indigo mug',
    '350 ml, dishwasher safe', 89900, 'INR', 12, 'https://images.example.com/demo/indigo-mug.jpg', 'mugs'),
  ('5e0d5e0d-0000-4000-8000-000000000102', '5e0d5e0d-0000-4000-8000-000000000001', 'Rice bowl',
    'Speckled stoneware, 15 cm', 64900, 'INR', 3, 'https://images.example.com/demo/rice-bowl.jpg', 'bowls'),
  ('5e0d5e0d-0000-4000-8000-000000000103', '5e0d5e0d-0000-4000-8000-000000000001', 'Tea set',
    'Teapot and four cups', 459900, 'INR', 0, null, 'sets')
on conflict do nothing;

insert into public.forms (id, shop_id, kind, name, fields, product_ids)
values
  ('5e0d5e0d-0000-4000-8000-000000000201', '5e0d5e0d-0000-4000-8000-000000000001', 'order',
    'Order pottery',
    '[{"key": "gift_note", "label": "Gift note", "type": "textarea", "required": false, "maxLength": 200}]',
    array['5e0d5e0d-0000-4000-8000-000000000101', '5e0d5e0d-0000-4000-8000-000000000102',
      '5e0d5e0d-0000-4000-8000-000000000103']::uuid[]),
  ('5e0d5e0d-0000-4000-8000-000000000202', '5e0d5e0d-0000-4000-8000-000000000001', 'contact',
    'Ask the potter',
    '[{"key": "message", "label": "Your question", "type": "textarea", "required": true, "maxLength": 2000}]',
    '{}')
on conflict do nothing;
