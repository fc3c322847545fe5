// POST /api/consent: a client's informed consent, from a guest or a signed-in user. The evidence
// of where it came from (IP, user agent) is taken from the request, never from the body.
import { ConsentReceipt, ConsentRequest, recordConsent } from "../lib/consent/record-consent.js";
import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Record a client's consent before a session",
      description:
        "Guests may call it; with an access token the record also names the signed-in user. `acknowledgments` must be exactly the required items of the active `consentVersion` (GET /api/consent/versions), as an array of item keys or an object of item key → true; otherwise 400. The server records the caller's IP (sealed) and user agent from the request itself: `ipAddress` and `userAgent` in the body (the therapy spec sends them) are accepted and ignored, so the record keeps what the server saw, never what the client claims. The email is kept only as a keyed hash, and the record until the version's retention ends. Send the `consentId` with the booking.",
      tags: ["consent"],
      auth: "optional",
      privileged: { ledgerStep: "consent evidence is sealed and written only by the server" },
      body: ConsentRequest,
      response: ConsentReceipt,
      status: 201,
      limit: "write",
      errors: ["not_found"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ caller, db, body, ip, headers }) =>
      recordConsent(db.service, caller?.userId ?? null, body, {
        ip,
        userAgent: headers.get("user-agent"),
      }),
  ),
});
