// What a practice needs before its first booking, applied to a Supabase project by the owner
// (`npm run setup`, `npm run make-admin`, dev/setup.ts): the session types and prices, the
// practitioner and their hours, and the consent version, from a JSON file checked here; then the
// first admin. Each is one call to a service-role function (supabase/migrations/
// 20261121000900_practice_setup.sql), one transaction, safe to run again.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { CONSENT_VERSION } from "../consent/consent-version.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { assertTimeZone } from "../scheduling/zoned.js";

const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;
const ITEM_KEY = /^[a-z][a-z0-9_]{0,49}$/;

export const PracticeFile = z.strictObject({
  sessionTypes: z
    .array(
      z.strictObject({
        slug: z.string().regex(SESSION_TYPE_SLUG),
        name: z.string().trim().min(1).max(100),
        description: z.string().max(2000).optional(),
        durationMinutes: z.number().int().min(5).max(1440),
        bufferMinutes: z.number().int().min(0).max(1440).optional(),
        requiresConsent: z.boolean().optional(),
        prices: z
          .array(
            z.strictObject({
              currency: z.string().regex(/^[A-Z]{3}$/, "An ISO 4217 code such as INR or USD"),
              format: z.enum(SESSION_FORMATS),
              amountMinor: z.number().int().min(0),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
  practitioner: z.strictObject({
    displayName: z.string().trim().min(1).max(200),
    timeZone: z.string().refine(isTimeZone, "An IANA time zone such as Asia/Kolkata"),
    hours: z
      .array(
        z.strictObject({
          /** ISO weekdays: 1 = Monday … 7 = Sunday. */
          weekdays: z.array(z.number().int().min(1).max(7)).min(1),
          start: z.string().regex(CLOCK, "HH:MM"),
          end: z.string().regex(CLOCK, "HH:MM, or 24:00"),
        }),
      )
      .min(1),
  }),
  consent: z.strictObject({
    version: z.string().regex(CONSENT_VERSION),
    title: z.string().trim().min(1).max(200),
    requiredItems: z.array(z.string().regex(ITEM_KEY)).min(1).max(50),
    retentionDays: z.number().int().min(1).max(36500),
  }),
});
export type PracticeFile = z.infer<typeof PracticeFile>;

export interface PracticeApplied {
  sessionTypes: number;
  prices: number;
  practitionerId: string;
  workingIntervals: number;
  consentVersion: string;
}

function isTimeZone(name: string): boolean {
  try {
    assertTimeZone(name);
    return true;
  } catch {
    return false;
  }
}

/** Why the database refused, in the owner's words; anything unexpected keeps its code. */
function setupError(error: PostgrestError): Error {
  if (error.code === "PS409" || error.code === "PS404") return new Error(error.message);
  return new Error(`the database refused the setup: ${error.code} ${error.message}`);
}

export async function applyPractice(
  service: SupabaseClient,
  practice: PracticeFile,
): Promise<PracticeApplied> {
  const { data, error } = await service.rpc("admin_apply_practice", {
    p_practice: practice,
  });
  if (error) throw setupError(error);
  return data as PracticeApplied;
}

/** Gives the account with this email the role; staff are linked to the practitioner named. */
export async function grantRole(
  service: SupabaseClient,
  email: string,
  role: "admin" | "staff",
  practitionerId?: string,
): Promise<string> {
  const { data, error } = await service.rpc("admin_grant_role", {
    p_email: email,
    p_role: role,
    p_practitioner_id: practitionerId ?? null,
  });
  if (error) throw setupError(error);
  return data as string;
}
