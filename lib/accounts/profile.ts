// The signed-in user's profile: public.profiles, one row per user, created by a trigger when the
// user signs up (supabase/migrations/20261121000100_accounts.sql). The name and phone are sealed
// like a booking's: reads go through the caller's own client, so row-level security keeps everyone
// to their own row, and are opened here; writes are the server's (write-profile.ts), since
// a client could store anything in a sealed column. The schemas here check what the old plain
// columns' constraints checked, and check time zones against the runtime's time zone database,
// which a constraint cannot.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { openPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { PROFILE_SEALED_COLUMNS } from "./sealed-columns.js";

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** The shape of a BCP 47 language tag; Intl decides whether it is a valid one. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const LANGUAGE_TAG_MAX = 35;
/** The shape of an IANA time zone name; Intl decides whether the zone exists. */
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+/-]*$/;
const TIME_ZONE_MAX = 64;
/** Control characters (C0, DEL, C1): never part of a name, and invisible in most interfaces. */
const CONTROL_CHARACTER = /\p{Cc}/u;

const FullName = z
  .string()
  .trim()
  .min(1, "Enter a name, or send null to remove it")
  .max(200, "At most 200 characters")
  .refine((name) => !CONTROL_CHARACTER.test(name), "Remove control characters such as tabs");

const Phone = z.string().regex(E164, "A phone number in E.164 form, such as +14155550123");

const Locale = z
  .string()
  .max(LANGUAGE_TAG_MAX, `At most ${LANGUAGE_TAG_MAX} characters`)
  .regex(LANGUAGE_TAG, "A language tag such as en-GB or pt-BR")
  .transform((tag, context) => {
    const canonical = canonicalLanguageTag(tag);
    if (canonical === undefined) {
      context.issues.push({ code: "custom", message: "Not a valid language tag", input: tag });
      return z.NEVER;
    }
    return canonical;
  });

const TimeZone = z
  .string()
  .max(TIME_ZONE_MAX, `At most ${TIME_ZONE_MAX} characters`)
  .regex(TIME_ZONE_NAME, "An IANA time zone name such as Europe/Paris")
  .transform((name, context) => {
    const known = knownTimeZone(name);
    if (known === undefined) {
      context.issues.push({ code: "custom", message: "Not a known time zone", input: name });
      return z.NEVER;
    }
    return known;
  });

export const Profile = z
  .object({
    id: z.guid(),
    fullName: z.string().nullable(),
    phone: z.string().nullable(),
    locale: z.string().nullable(),
    timeZone: z.string().nullable(),
    /** From the caller's access token: the address is kept by Auth, not in the profile. */
    email: z.string().nullable(),
  })
  .meta({ id: "Profile" });

export type Profile = z.infer<typeof Profile>;

/**
 * The fields PUT changes: a field left out keeps its value, null clears it (the extension's spec
 * sends only what changed). Being strict, it refuses anything else (id, email, role,
 * app_metadata…) with 400.
 */
export const ProfileUpdate = z
  .strictObject({
    fullName: FullName.nullable().optional(),
    phone: Phone.nullable().optional(),
    locale: Locale.nullable().optional(),
    timeZone: TimeZone.nullable().optional(),
  })
  .meta({ id: "ProfileUpdate" });

export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

export const PROFILE_COLUMNS = "id, full_name_sealed, phone_sealed, locale, time_zone";

export interface ProfileRow {
  id: string;
  full_name_sealed: string | null;
  phone_sealed: string | null;
  locale: string | null;
  time_zone: string | null;
}

export async function getProfile(db: SupabaseClient, caller: Caller): Promise<Profile> {
  const { data, error } = await db
    .from("profiles")
    .select(PROFILE_COLUMNS)
    .eq("id", caller.userId)
    .maybeSingle<ProfileRow>();
  if (error) throw new Error(`profile read failed: ${error.code} ${error.message}`);
  return profileView(data, caller);
}

export function profileView(row: ProfileRow | null, caller: Caller): Profile {
  // The row goes only with the account: a token that outlived its account.
  if (!row) throw new ApiError("unauthorized", "This account no longer exists.");
  return { id: row.id, ...openProfile(row), email: caller.email ?? null };
}

/** The profile's own fields, the sealed ones opened. */
export function openProfile(row: Omit<ProfileRow, "id">) {
  const open = (sealed: string | null, column: keyof typeof PROFILE_SEALED_COLUMNS) =>
    sealed === null ? null : openPersonalData(sealed, PROFILE_SEALED_COLUMNS[column]);
  return {
    fullName: open(row.full_name_sealed, "full_name_sealed"),
    phone: open(row.phone_sealed, "phone_sealed"),
    locale: row.locale,
    timeZone: row.time_zone,
  };
}

/** en-us → en-US; undefined when Intl does not take the tag. */
function canonicalLanguageTag(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && canonical.length <= LANGUAGE_TAG_MAX && LANGUAGE_TAG.test(canonical)
      ? canonical
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The zone's name as the runtime spells it (europe/paris → Europe/Paris); undefined for a zone
 * the runtime does not know. Intl.supportedValuesOf("timeZone") would miss UTC and the aliases
 * (US/Eastern) that Postgres and browsers accept, so the zone is tried instead.
 */
function knownTimeZone(name: string): string | undefined {
  try {
    const { timeZone } = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions();
    return timeZone.length <= TIME_ZONE_MAX && TIME_ZONE_NAME.test(timeZone) ? timeZone : undefined;
  } catch {
    return undefined;
  }
}
