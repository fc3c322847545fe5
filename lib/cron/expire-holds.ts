// The hold-expiry sweep (vercel.json cron → /api/cron/expire-holds). Holds stop counting at
// their expiry without it — availability and create_booking both look at expires_at — so this
// only writes the status down (for lists, reports and the audit trail); availability is read
// fresh on every request, so there is nothing to forget. Idempotent: a second run finds nothing
// to expire. It also cancels shop orders left unpaid past their hold, which does give their
// stock back (20261121002500_shop_order_holds.sql; each new order of a shop does it first too).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

const Expired = z.array(
  z.object({ practitioner_id: z.uuid(), blocked_from: z.string(), blocked_to: z.string() }),
);

export const HoldSweep = z
  .object({
    expired: z.number().int(),
    /** Shop orders left unpaid past their hold, cancelled so their stock is free again. */
    expiredOrders: z.number().int(),
  })
  .meta({ id: "HoldSweep" });

export async function expireStaleHolds(
  service: SupabaseClient,
): Promise<z.infer<typeof HoldSweep>> {
  const { data, error } = await service.rpc("expire_stale_holds");
  if (error) throw new Error(`expiring holds failed: ${error.code} ${error.message}`);
  const expired = Expired.parse(data);
  const orders = await service.rpc("expire_unpaid_shop_orders");
  if (orders.error) {
    throw new Error(`expiring unpaid orders failed: ${orders.error.code} ${orders.error.message}`);
  }
  return { expired: expired.length, expiredOrders: z.number().int().parse(orders.data) };
}
