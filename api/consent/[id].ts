// GET /api/consent/:id: one consent record, for staff audits. Each read is logged.
import {
  ConsentRecordParams,
  ConsentRecordView,
  readConsentRecord,
} from "../../lib/consent/read-consent-record.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "One consent record, for an audit",
      description:
        "Staff of a practitioner whose booking rests on the record (its consentId), and admins; for other staff it is 404, as an unknown id. Shows what was acknowledged, when, and from which IP address and user agent; the client's email is never shown. Every read is recorded in the personal-data access log and the staff action log.",
      tags: ["consent"],
      auth: ["staff"],
      params: ConsentRecordParams,
      response: ConsentRecordView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => readConsentRecord(db.user, params.id),
  ),
});
