-- Sign-up with an address that already has an account (issue #13). With email confirmation on
-- (a Supabase project's default) Supabase Auth answers it exactly as a new address and sends
-- nothing, and so does POST /api/auth/register: the answer must not tell anyone the address is
-- taken. The owner is told instead, by the account_exists notice through the outbox.
--
-- One notice per account per hour at most (the idempotency key names the hour), so repeated
-- sign-ups cannot flood the owner's inbox; the API's per-address limit on sign-ups applies too.
-- Only confirmed accounts: an unconfirmed one gets Supabase Auth's confirmation mail again.
-- The server's alone (POST /api/auth/register, through the service client): the address is
-- looked up here and never leaves the database; the answer is only whether a notice was queued.
create function public.enqueue_account_exists_notice(p_email text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user_id uuid;
begin
  -- Supabase Auth stores addresses lower-cased; comparing that way uses its index on email.
  select u.id into v_user_id
    from auth.users as u
   where u.email = lower(trim(p_email))
     and u.email_confirmed_at is not null;
  if v_user_id is null then
    return false;
  end if;
  perform public.enqueue_notification(
    'email',
    'account_exists',
    'account_exists:' || v_user_id || ':'
      || to_char(date_trunc('hour', now() at time zone 'UTC'), 'YYYY-MM-DD"T"HH24') || ':email',
    null, null, null, v_user_id
  );
  return true;
end;
$$;

revoke execute on function public.enqueue_account_exists_notice(text)
  from public, anon, authenticated;
grant execute on function public.enqueue_account_exists_notice(text) to service_role;
