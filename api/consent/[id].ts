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
        "Staff and admins only. Shows what was acknowledged, when, and from which IP address and user agent; the client's email is never shown. Every read is recorded in the personal-data access log.",
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
