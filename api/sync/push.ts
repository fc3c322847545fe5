// POST /api/sync/push: a device sends its edited copy; it lands only if it was edited from the
// current version, otherwise 409 with the server's copy to merge with.
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SETTINGS_BODY_LIMIT_BYTES } from "../../lib/settings/document.js";
import { SyncSettingsView, SyncSettingsWrite } from "../../lib/settings/schemas.js";
import { pushSettings } from "../../lib/settings/write.js";

export default route({
  POST: endpoint(
    {
      summary: "Push a device's settings, if nobody changed them since baseVersion",
      description:
        "Lands only if `baseVersion` is still the current version; otherwise 409 `version_conflict`, whose `current` member is the server's copy to merge with.",
      tags: ["sync"],
      auth: "user",
      body: SyncSettingsWrite,
      bodyLimitBytes: SETTINGS_BODY_LIMIT_BYTES,
      response: SyncSettingsView,
      limit: "write",
      errors: ["version_conflict"],
    },
    ({ db, body }) => pushSettings(db.user, body),
  ),
});
