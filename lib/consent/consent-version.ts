// The consent versions the SPA shows before asking for consent (GET /api/consent/versions): the
// active rows of public.consent_versions (supabase/migrations/20261121000300_consent.sql), which
// row-level security shows to anyone, read with the anon client.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

/** A version's name, as consent_versions.version allows it ("2026-11"). */
export const CONSENT_VERSION = /^[A-Za-z0-9._-]{1,40}$/;
/** An item a client acknowledges ("confidentiality"), as consent_item_keys_valid allows it. */
export const CONSENT_ITEM = /^[a-z][a-z0-9_]{0,49}$/;
/** At most this many items per version. */
export const CONSENT_ITEMS_MAX = 50;

export const ConsentVersion = z
  .object({
    version: z.string(),
    title: z.string(),
    /** Every one of them must be acknowledged, and nothing else, for POST /api/consent. */
    requiredItems: z.array(z.string()),
    /** How long a record of this consent is kept, from the day it is given. */
    retentionDays: z.number().int().positive(),
  })
  .meta({ id: "ConsentVersion" });

export const ConsentVersionList = z.array(ConsentVersion).meta({ id: "ConsentVersionList" });
export type ConsentVersion = z.infer<typeof ConsentVersion>;

interface ConsentVersionRow {
  version: string;
  title: string;
  required_items: string[];
  retention_days: number;
}

/** The active versions, newest first: the SPA asks for the first. */
export async function listConsentVersions(db: SupabaseClient): Promise<ConsentVersion[]> {
  const { data, error } = await db
    .from("consent_versions")
    .select("version, title, required_items, retention_days")
    .eq("active", true)
    .order("created_at", { ascending: false })
    .order("version")
    .overrideTypes<ConsentVersionRow[], { merge: false }>();
  if (error) throw new Error(`consent versions read failed: ${error.code} ${error.message}`);
  return data.map((row) => ({
    version: row.version,
    title: row.title,
    requiredItems: row.required_items,
    retentionDays: row.retention_days,
  }));
}
