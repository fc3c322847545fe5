-- Password-reset mail through Bastion's own template and outbox (issue #7), instead of the Auth
-- server's. The link carries a one-time secret (the recovery token's hash), which no outbox row
-- may keep in the clear and none keeps for longer than it needs: it is stored sealed by the
-- server (lib/crypto), and erased from the row the moment the row is final — sent, delivered,
-- failed or bounced — by the trigger below. The link is also useless after an hour (the Auth
-- server's expiry); the deliverer does not send it after `expires_at`.

-- One request, one row: the key names the request, so a retried internal call adds nothing.
create function public.enqueue_password_reset(
  p_user_id uuid,
  p_request_id uuid,
  p_reset_url_sealed text,
  p_expires_at timestamptz
) returns void
language sql
volatile
security definer
set search_path = ''
as $$
  select public.enqueue_notification(
    'email', 'password_reset', 'password_reset:' || p_user_id || ':' || p_request_id || ':email',
    null, null, null, p_user_id,
    jsonb_build_object('reset_url_sealed', p_reset_url_sealed, 'expires_at', p_expires_at)
  )
$$;

create function public.notifications_forget_secrets() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status in ('sent', 'delivered', 'failed', 'bounced') then
    new.data := new.data - 'reset_url_sealed';
  end if;
  return new;
end;
$$;

create trigger notifications_forget_secrets
  before update of status on public.notifications
  for each row execute function public.notifications_forget_secrets();

revoke execute on function public.notifications_forget_secrets()
  from public, anon, authenticated, service_role;
revoke execute on function public.enqueue_password_reset(uuid, uuid, text, timestamptz)
  from public, anon, authenticated;
grant execute on function public.enqueue_password_reset(uuid, uuid, text, timestamptz)
  to service_role;
