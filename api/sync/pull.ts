// GET /api/sync/pull?since=<version>: the current settings when they are newer than the
// device's copy, otherwise 304 Not Modified with no body; without `since`, the current settings.
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { pullSettings } from "../../lib/settings/read.js";
import { PullQuery, SyncSettingsView } from "../../lib/settings/schemas.js";

export default route({
  GET: endpoint(
    {
      summary: "Pull the settings if they are newer than the device's version (else 304)",
      description:
        "304 Not Modified, with no body, when `since` is the current version or later: the device is up to date. Without `since` the answer is always the current copy (version 0 and an empty document before the first write).",
      alsoAnswers: [
        { status: 304, description: "Not Modified: the device has the current version" },
      ],
      tags: ["sync"],
      auth: "user",
      query: PullQuery,
      response: SyncSettingsView,
      limit: "read",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, query }) => pullSettings(db.user, query.since),
  ),
});
