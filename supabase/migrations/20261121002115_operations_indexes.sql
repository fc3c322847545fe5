-- The operations view reads each condition on every call and the alert job every few minutes:
-- partial indexes keep each condition to the rows it can match, whatever the size of the
-- outbox and the ledger.
create index notifications_failed_idx on public.notifications (updated_at)
  where status in ('failed', 'bounced');
create index notifications_waiting_idx on public.notifications (created_at)
  where status in ('queued', 'sending');
create index payments_captured_idx on public.payments (captured_at) where status = 'captured';
create index refunds_pending_idx on public.refunds (created_at) where status = 'pending';
