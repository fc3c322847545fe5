// The daily consent purge (GET /api/cron/purge-consent, vercel.json crons): deletes the consent
// records past their retention through public.purge_expired_consent, which only the service role
// may run. Idempotent: a second run finds nothing left to delete.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

export const ConsentPurge = z
  .object({
    /** Records deleted by this run. */
    purged: z.number().int().nonnegative(),
  })
  .meta({ id: "ConsentPurge" });
export type ConsentPurge = z.infer<typeof ConsentPurge>;

export async function purgeExpiredConsent(service: SupabaseClient): Promise<ConsentPurge> {
  const { data, error } = await service.rpc("purge_expired_consent");
  if (error) throw new Error(`consent purge failed: ${error.code} ${error.message}`);
  return { purged: data as number };
}
