// GET/PUT /api/users/me/settings: the signed-in user's settings document, versioned; a write
// based on an old version is 409 with the server's copy.
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { SETTINGS_BODY_LIMIT_BYTES } from "../../../lib/settings/document.js";
import { readSettings } from "../../../lib/settings/read.js";
import { SettingsView, SettingsWrite } from "../../../lib/settings/schemas.js";
import { writeSettings } from "../../../lib/settings/write.js";

export default route({
  GET: endpoint(
    {
      summary: "My settings (version 0 and an empty document until the first write)",
      tags: ["settings"],
      auth: "user",
      response: SettingsView,
      limit: "read",
    },
    ({ db }) => readSettings(db.user),
  ),
  PUT: endpoint(
    {
      summary: "Replace my settings, if nobody changed them since baseVersion",
      description:
        "Lands only if `baseVersion` is still the current version; otherwise 409 `version_conflict`, whose `current` member is the server's copy to merge with. The tier limits the document's size (GET /api/subscriptions lists it): past it, 402 `subscription_required` with `requiredTier`.",
      tags: ["settings"],
      auth: "user",
      body: SettingsWrite,
      bodyLimitBytes: SETTINGS_BODY_LIMIT_BYTES,
      response: SettingsView,
      limit: "write",
      errors: ["version_conflict", "subscription_required"],
    },
    ({ db, caller, body }) => writeSettings(db.user, caller.userId, body),
  ),
});
