// Writing the caller's settings: one call to public.write_settings(), which compares the version
// the client edited from with the current one and writes only if they match, appending the new
// version to the history in the same transaction. A stale write is 409 version_conflict with the
// server's copy, so the client can merge and retry from it.
import type { SupabaseClient } from "@supabase/supabase-js";
import { ApiError } from "../http/errors.js";
import { entitledTier } from "../subscriptions/entitlement.js";
import { cheapestTierAllowing, TIER_FEATURES, tierTooLow } from "../subscriptions/features.js";
import type { Tier } from "../subscriptions/tiers.js";
import { jsonbTextBytes, SETTINGS_DOCUMENT_MAX_BYTES } from "./document.js";
import { type SettingsRow, settingsCopy } from "./row.js";
import {
  type Settings,
  SettingsView,
  type SettingsWrite,
  type SyncSettings,
  type SyncSettingsWrite,
} from "./schemas.js";

/** The web app's write: no device name, and the copy without one. */
export async function writeSettings(
  db: SupabaseClient,
  userId: string,
  write: SettingsWrite,
): Promise<Settings> {
  const tier = await entitledTier(db, userId);
  refuseOverTier(tier, write);
  const { applied, settings } = await compareAndSwap(db, write, null);
  if (!applied) throw versionConflict(SettingsView.parse(settings));
  return settings;
}

/**
 * A device's write (the browser extension): the copy names the device that wrote it. The tier
 * limits the document's size and the devices: those that wrote one of the last 50 versions (the
 * history public.write_settings keeps) count, and a new one must fit beside them.
 */
export async function pushSettings(
  db: SupabaseClient,
  userId: string,
  push: SyncSettingsWrite,
): Promise<SyncSettings> {
  const [tier, devices] = await Promise.all([entitledTier(db, userId), recentDevices(db)]);
  refuseOverTier(tier, push);
  if (!devices.has(push.device)) {
    const needed = devices.size + 1;
    if (needed > TIER_FEATURES[tier].syncedDevices) {
      const required = cheapestTierAllowing((features) => features.syncedDevices >= needed);
      throw tierTooLow(`Syncing ${needed} devices`, tier, required ?? "premium");
    }
  }
  const { applied, settings } = await compareAndSwap(db, push, push.device);
  if (!applied) throw versionConflict(settings);
  return settings;
}

function refuseOverTier(tier: Tier, write: SettingsWrite): void {
  const bytes = jsonbTextBytes(write.data);
  // Past the database's own cap no tier helps: compareAndSwap answers that.
  if (bytes > SETTINGS_DOCUMENT_MAX_BYTES || bytes <= TIER_FEATURES[tier].settingsBytes) return;
  const required = cheapestTierAllowing((features) => features.settingsBytes >= bytes);
  throw tierTooLow(`A settings document of ${bytes} bytes`, tier, required ?? "premium");
}

/** The devices that wrote the versions the history keeps, through the caller's own client. */
async function recentDevices(db: SupabaseClient): Promise<Set<string>> {
  const { data, error } = await db
    .from("settings_history")
    .select("device")
    .not("device", "is", null)
    .returns<{ device: string }[]>();
  if (error) throw new Error(`reading the settings history failed: ${error.code} ${error.message}`);
  return new Set(data.map((row) => row.device));
}

async function compareAndSwap(
  db: SupabaseClient,
  write: SettingsWrite,
  device: string | null,
): Promise<{ applied: boolean; settings: SyncSettings }> {
  if (jsonbTextBytes(write.data) > SETTINGS_DOCUMENT_MAX_BYTES) throw documentTooLarge();
  const { data, error } = await db
    .rpc("write_settings", {
      p_base_version: write.baseVersion,
      p_document: write.data,
      p_schema_version: write.schemaVersion,
      p_device: device,
    })
    .single<SettingsRow & { applied: boolean }>();
  if (error) {
    // The tier's limits, checked again by the database (the tier changed since it was read).
    if (error.code === "PT402") {
      throw new ApiError("subscription_required", "Your tier no longer allows this write.");
    }
    // The table's own size check: the same measure as above, kept for any path around it.
    if (error.code === "23514" && error.message.includes("document_size")) {
      throw documentTooLarge();
    }
    throw new Error(`writing settings failed: ${error.code} ${error.message}`);
  }
  return { applied: data.applied, settings: settingsCopy(data) };
}

function versionConflict(current: Settings | SyncSettings): ApiError {
  return new ApiError(
    "version_conflict",
    "The settings changed since the version you edited; merge with `current` and send again with its version.",
    { extensions: { current } },
  );
}

function documentTooLarge(): ApiError {
  return new ApiError(
    "payload_too_large",
    `The settings document may be at most ${SETTINGS_DOCUMENT_MAX_BYTES} bytes as stored (JSON with a space after each ":" and ",").`,
  );
}
