// POST /api/consent/versions/{version}/retire: an admin stops new consent to a version.
import {
  ConsentVersionParams,
  PublishedConsentVersion,
  retireConsentVersion,
} from "../../../../lib/consent/publish-version.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Retire a consent version (admin)",
      description:
        "Admins stop new consent to this version: POST /api/consent refuses it and GET /api/consent/versions no longer lists it (within a minute, its cache). Records already given are kept until their retention ends, and bookings resting on them are unchanged. Retiring a retired version changes nothing. Recorded in the staff audit log.",
      tags: ["consent"],
      auth: ["admin"],
      privileged: {
        ledgerStep: "consent versions and the staff audit are written only by the server",
      },
      params: ConsentVersionParams,
      response: PublishedConsentVersion,
      limit: "write",
      errors: ["not_found"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ caller, params, db }) => retireConsentVersion(db.service, caller.userId, params.version),
  ),
});
