// A sign-up with the address of an existing account (email confirmation on) is answered as a new
// one; its owner gets the account_exists notice instead (the outbox, at most one an hour, see
// supabase/migrations/20261121000700_notifications.sql). Called after the response, so
// how long it takes does not show in the answer.
import type { SupabaseClient } from "@supabase/supabase-js";
import { deliverQueued } from "../notify/outbox/then-deliver.js";

export async function noticeExistingAccount(service: SupabaseClient, email: string): Promise<void> {
  const { data: queued, error } = await service.rpc("enqueue_account_exists_notice", {
    p_email: email,
  });
  if (error) throw new Error(`queueing the account_exists notice failed: ${error.code}`);
  if (queued === true) await deliverQueued(service);
}
