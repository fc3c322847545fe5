// Reading the caller's settings through their own client: row-level security shows a user their
// own row and nobody else's.
import type { SupabaseClient } from "@supabase/supabase-js";
import { SETTINGS_COLUMNS, type SettingsRow, settingsCopy } from "./row.js";
import type { SyncSettings } from "./schemas.js";

export async function readSettings(db: SupabaseClient): Promise<SyncSettings> {
  const { data, error } = await db
    .from("user_settings")
    .select(SETTINGS_COLUMNS)
    .maybeSingle<SettingsRow>();
  if (error) throw new Error(`reading settings failed: ${error.code} ${error.message}`);
  return settingsCopy(data);
}

/**
 * A device's pull: 304 Not Modified when it already has the current version; without `since`
 * (a device that has nothing yet) always the current copy, version 0 and an empty document
 * included.
 */
export async function pullSettings(
  db: SupabaseClient,
  since: number | undefined,
): Promise<SyncSettings | Response> {
  const current = await readSettings(db);
  if (since !== undefined && since >= current.version) return new Response(null, { status: 304 });
  return current;
}
