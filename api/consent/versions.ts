// GET /api/consent/versions: what the SPA shows before asking for consent; POST: an admin
// publishes a new version.
import { ConsentVersionList, listConsentVersions } from "../../lib/consent/consent-version.js";
import {
  PublishConsentVersion,
  PublishedConsentVersion,
  publishConsentVersion,
} from "../../lib/consent/publish-version.js";
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
  POST: endpoint(
    {
      summary: "Publish a consent version (admin)",
      description:
        "Admins (role `admin` in app_metadata) publish a version the practice's clients consent to, such as `2024-01-15` with items `item1`…`item3`: POST /api/consent then accepts it, with the items as an array or an object of item → true. Its items and retention never change once published (409 for a name already published): publish a new version and retire the old one (POST /api/consent/versions/{version}/retire). `retentionDays` defaults to seven years. Recorded in the staff audit log.",
      tags: ["consent"],
      auth: ["admin"],
      privileged: {
        ledgerStep: "consent versions and the staff audit are written only by the server",
      },
      body: PublishConsentVersion,
      response: PublishedConsentVersion,
      status: 201,
      limit: "write",
      errors: ["conflict"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ caller, body, db }) => publishConsentVersion(db.service, caller.userId, body),
  ),
});
