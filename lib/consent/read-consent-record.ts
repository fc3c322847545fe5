// One consent record for a staff audit (GET /api/consent/:id): public.read_consent_record shows it
// to admins and to the staff of a practitioner whose booking rests on it, answers PT404 to anyone
// else, and logs the read in personal_data_reads and staff_actions in the same transaction
// (supabase/migrations/20261121000300_consent.sql). The IP is opened here; the email hash never
// leaves the database, and the view below lists every field that leaves the API.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { CONSENT_SEALED_COLUMNS } from "./sealed-columns.js";

export const ConsentRecordParams = z.strictObject({ id: z.uuid() });

export const ConsentRecordView = z
  .object({
    id: z.uuid(),
    sessionType: z.string(),
    consentVersion: z.string(),
    acknowledgments: z.array(z.string()),
    /** The client's address when they consented; null if the platform gave none. */
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    /** The signed-in client; null for a guest, or once their account is deleted. */
    userId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    /** When the record is purged. */
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "ConsentRecord" });
export type ConsentRecordView = z.infer<typeof ConsentRecordView>;

interface ConsentRecordRow {
  id: string;
  session_type: string;
  consent_version: string;
  acknowledgments: string[];
  ip_sealed: string | null;
  user_agent: string | null;
  user_id: string | null;
  created_at: string;
  expires_at: string;
}

/**
 * The record, read as the caller of `db` (a staff member's client). A sealed IP that does not
 * open throws PersonalDataError (a 500, logged): an audit must not show a record as if it had no
 * address when its evidence was tampered with.
 */
export async function readConsentRecord(
  db: SupabaseClient,
  id: string,
): Promise<ConsentRecordView> {
  const { data, error } = await db
    .rpc("read_consent_record", { p_id: id })
    .single<ConsentRecordRow>();
  if (error?.code === "PT404") {
    throw new ApiError("not_found", "There is no consent record with this id.");
  }
  if (error) throw new Error(`consent record read failed: ${error.code} ${error.message}`);
  return {
    id: data.id,
    sessionType: data.session_type,
    consentVersion: data.consent_version,
    acknowledgments: data.acknowledgments,
    ip: data.ip_sealed && openPersonalData(data.ip_sealed, CONSENT_SEALED_COLUMNS.ip_sealed),
    userAgent: data.user_agent,
    userId: data.user_id,
    createdAt: new Date(data.created_at).toISOString(),
    expiresAt: new Date(data.expires_at).toISOString(),
  };
}
