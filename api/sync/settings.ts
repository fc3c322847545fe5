// GET/PUT /api/sync/settings: the settings document as a syncing device (the browser extension)
// sees it, with the name of the device that wrote each version.
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SETTINGS_BODY_LIMIT_BYTES } from "../../lib/settings/document.js";
import { readSettings } from "../../lib/settings/read.js";
import { SyncSettingsView, SyncSettingsWrite } from "../../lib/settings/schemas.js";
import { pushSettings } from "../../lib/settings/write.js";

export default route({
  GET: endpoint(
    {
      summary: "The current settings, for a syncing device",
      tags: ["sync"],
      auth: "user",
      response: SyncSettingsView,
      limit: "read",
    },
    ({ db }) => readSettings(db.user),
  ),
  PUT: endpoint(
    {
      summary: "Replace the settings from a device, if nobody changed them since baseVersion",
      description:
        "Lands only if `baseVersion` is still the current version; otherwise 409 `version_conflict`, whose `current` member is the server's copy to merge with. The tier limits the document's size and the devices that sync (GET /api/subscriptions lists them): past either, 402 `subscription_required` with `requiredTier`.",
      tags: ["sync"],
      auth: "user",
      body: SyncSettingsWrite,
      bodyLimitBytes: SETTINGS_BODY_LIMIT_BYTES,
      response: SyncSettingsView,
      limit: "write",
      errors: ["version_conflict", "subscription_required"],
      roundTrips: { database: 3, redis: 1 },
    },
    ({ db, caller, body }) => pushSettings(db.user, caller.userId, body),
  ),
});
