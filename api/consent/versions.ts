// GET /api/consent/versions: what the SPA shows before asking for consent.
import { ConsentVersionList, listConsentVersions } from "../../lib/consent/consent-version.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "The consent versions a client may give, with their required items",
      description:
        "Public. The active versions, newest first: ask the client to acknowledge every one of `requiredItems` and send them with `version` to POST /api/consent. `retentionDays` is how long the record is kept.",
      tags: ["consent"],
      auth: "public",
      response: ConsentVersionList,
      limit: "read",
      // Versions change a few times a year; a retired one stays accepted for at most a minute.
      cacheControl: "public, max-age=60",
    },
    ({ db }) => listConsentVersions(db.anon),
  ),
});
