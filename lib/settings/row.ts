// The settings row as PostgREST returns it (user_settings, or write_settings' result), and the
// copy a client sees. No row yet reads as version 0: an empty document nobody has written.
import type { SyncSettings } from "./schemas.js";

export const SETTINGS_COLUMNS = "version, schema_version, document, updated_at, updated_by_device";

export interface SettingsRow {
  version: number;
  schema_version: number | null;
  document: Record<string, unknown> | null;
  updated_at: string | null;
  updated_by_device: string | null;
}

export function settingsCopy(row: SettingsRow | null): SyncSettings {
  if (!row?.version) {
    return { version: 0, schemaVersion: 0, data: {}, updatedAt: null, device: null };
  }
  return {
    version: Number(row.version),
    schemaVersion: row.schema_version ?? 0,
    data: row.document ?? {},
    updatedAt: row.updated_at && new Date(row.updated_at).toISOString(),
    device: row.updated_by_device,
  };
}
