-- Two things every module with personal data needs (issue #5):
--
-- - has_app_role(role): the caller's role as the API sees it (lib/auth/roles.ts): from the
--   token's app_metadata, `role` (one) or `roles` (a list), admin implying staff. app_metadata
--   is set by the server only; user_metadata, which users edit, is never read. Policies and
--   functions ask this instead of reading the claim each their own way.
-- - personal_data_reads: an append-only log of who read which personal data of whom, written by
--   the security-definer functions that hand staff and admins decryptable customer data (a
--   customer reading their own booking is not logged). Nobody reads it through the Data API;
--   audits use the service role or SQL.

create function public.has_app_role(p_role text) returns boolean
language sql stable
set search_path = ''
as $$
  with metadata as (select coalesce(auth.jwt() -> 'app_metadata', '{}'::jsonb) as m)
  select exists (
    select 1 from metadata,
      lateral (
        select m ->> 'role' as role where jsonb_typeof(m -> 'role') = 'string'
        union all
        select jsonb_array_elements_text(m -> 'roles') where jsonb_typeof(m -> 'roles') = 'array'
      ) as granted
    where granted.role = p_role or (p_role = 'staff' and granted.role = 'admin')
  )
$$;

revoke execute on function public.has_app_role(text) from public;
grant execute on function public.has_app_role(text) to anon, authenticated, service_role;

create table public.personal_data_reads (
  id bigint generated always as identity primary key,
  actor uuid references auth.users (id) on delete set null,
  -- What was read: a table and a row of it, and which personal fields.
  subject_table text not null,
  subject_id uuid not null,
  fields text[] not null,
  at timestamptz not null default now()
);

create index personal_data_reads_subject_idx on public.personal_data_reads (subject_table, subject_id);

alter table public.personal_data_reads enable row level security;
revoke all on table public.personal_data_reads from anon, authenticated;
revoke update, delete, truncate on table public.personal_data_reads from service_role;

-- Called by the security-definer read functions, in the transaction of the read.
create function public.record_personal_data_read(
  p_subject_table text,
  p_subject_id uuid,
  p_fields text[]
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  insert into public.personal_data_reads (actor, subject_table, subject_id, fields)
  values ((select auth.uid()), p_subject_table, p_subject_id, p_fields)
$$;

revoke execute on function public.record_personal_data_read(text, uuid, text[])
  from public, anon, authenticated;
