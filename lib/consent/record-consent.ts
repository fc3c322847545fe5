// Recording a client's consent (POST /api/consent): one call to public.record_consent, which
// checks the acknowledgments against the version's items and computes the expiry from its
// retention (supabase/migrations/20261121000300_consent.sql). The record's evidence comes from the
// request as the platform delivered it — the client's IP from the platform's header, the user
// agent from the request's header — never from the body: the therapy spec's body carries its own
// `ipAddress` and `userAgent`, which are accepted (so that body is not refused) and ignored; any
// other unknown field is refused with 400. For the same reason the function is
// the server's alone (the service client), naming the signed-in caller: through the Data API a
// client could type any evidence it liked.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { sealPersonalData } from "../crypto/personal-data.js";
import { customerEmailHash } from "../customers/customer-email.js";
import { ApiError } from "../http/errors.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { Acknowledgments } from "./acknowledgments.js";
import { CONSENT_VERSION } from "./consent-version.js";
import { CONSENT_SEALED_COLUMNS } from "./sealed-columns.js";

/** consent_records.user_agent holds at most this many characters; longer ones are cut. */
const USER_AGENT_MAX = 512;

/** What lib/http/client-ip.ts answers when the platform gave no address. */
const NO_CLIENT_IP = "unknown";

export const ConsentRequest = z.strictObject({
  /** A session type's slug, as GET /api/services lists them. */
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  /** The client's email, which a booking for them later gives again; stored only as a keyed hash. */
  email: z.email().max(254),
  /** An active version, as GET /api/consent/versions lists them. */
  consentVersion: z.string().regex(CONSENT_VERSION),
  /** Exactly the version's required items: a list of keys, or an object of key → true. */
  acknowledgments: Acknowledgments,
  /** Accepted and ignored: the record keeps the address the server saw the request come from. */
  ipAddress: z.string().max(100).optional(),
  /** Accepted and ignored: the record keeps the request's User-Agent header. */
  userAgent: z.string().max(1000).optional(),
});
export type ConsentRequest = z.infer<typeof ConsentRequest>;

export const ConsentReceipt = z
  .object({
    success: z.literal(true),
    /** Send it with the booking (consentId) to rest the booking on this consent. */
    consentId: z.uuid(),
  })
  .meta({ id: "ConsentReceipt" });
export type ConsentReceipt = z.infer<typeof ConsentReceipt>;

/** Where the consent came from, as the platform saw the request. */
export interface ConsentOrigin {
  /** lib/http/client-ip.ts's answer. */
  ip: string;
  /** The User-Agent header, as sent. */
  userAgent: string | null;
}

/** Records the consent for the signed-in caller (`userId`) or a guest (null), as the server. */
export async function recordConsent(
  server: SupabaseClient,
  userId: string | null,
  consent: ConsentRequest,
  origin: ConsentOrigin,
): Promise<ConsentReceipt> {
  const { data, error } = await server
    .rpc("record_consent", {
      p_user_id: userId,
      p_session_type_slug: consent.sessionType,
      p_consent_version: consent.consentVersion,
      p_email_hash: customerEmailHash(consent.email),
      p_acknowledgments: consent.acknowledgments,
      p_ip_sealed:
        origin.ip === NO_CLIENT_IP
          ? null
          : sealPersonalData(origin.ip, CONSENT_SEALED_COLUMNS.ip_sealed),
      p_user_agent: origin.userAgent?.slice(0, USER_AGENT_MAX) || null,
    })
    .single<{ id: string }>();
  if (error) throw refusal(error);
  return { success: true, consentId: data.id };
}

/** record_consent's SQLSTATEs (see the migration) as the API's answers. */
function refusal(error: PostgrestError): Error {
  switch (error.code) {
    case "VC001":
      return invalid(
        "acknowledgments",
        "Acknowledge exactly the required items of this consent version, as GET /api/consent/versions lists them",
      );
    case "VC002":
      return invalid(
        "consentVersion",
        "There is no active consent version with this name; GET /api/consent/versions lists them",
      );
    case "PT404":
      return new ApiError("not_found", "There is no bookable session type with this name.");
    case "28000":
      return new ApiError("unauthorized", "This account no longer exists; sign in again.");
    default:
      return new Error(`recording consent failed: ${error.code} ${error.message}`);
  }
}

function invalid(field: keyof ConsentRequest, message: string): ApiError {
  return new ApiError("validation_failed", "Some fields are missing or not valid.", {
    errors: { [field]: [message] },
  });
}
