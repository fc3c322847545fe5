// Admins manage the practice through the API (issue 17, item 6): session types and prices,
// practitioners with their weekly hours, time off, staff roles, and the practice's settings
// (how long booking personal data is kept, item 7). Each write is one call to a function of
// supabase/migrations/20261121001500_staff_admin.sql with the admin's own token: the function
// checks the admin role itself (has_app_role, from app_metadata), does the write in one
// transaction and records it in public.staff_actions with the admin as actor. The shapes are
// those of the practice file (lib/admin/practice-setup.ts, `npm run setup`).
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { ApiError } from "../http/errors.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { assertTimeZone } from "../scheduling/zoned.js";

const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

const TimeZone = z.string().refine((name) => {
  try {
    assertTimeZone(name);
    return true;
  } catch {
    return false;
  }
}, "An IANA time zone such as Asia/Kolkata");

const WeeklyHours = z
  .array(
    z.strictObject({
      /** ISO weekdays: 1 = Monday … 7 = Sunday. */
      weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      start: z.string().regex(CLOCK, "HH:MM"),
      end: z.string().regex(CLOCK, "HH:MM, or 24:00"),
    }),
  )
  .max(50);

export const SessionTypeParams = z.strictObject({
  slug: z.string().regex(SESSION_TYPE_SLUG, "a-z, 0-9, _ and -, starting with a letter"),
});

export const SessionTypeBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
  durationMinutes: z.number().int().min(5).max(1440),
  bufferMinutes: z.number().int().min(0).max(1440).optional(),
  requiresConsent: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(1000).optional(),
  /** false retires the type: no longer offered; its bookings stay. */
  active: z.boolean().optional(),
  /** Every price offered; the type's other prices stop being offered. */
  prices: z
    .array(
      z.strictObject({
        currency: z.string().regex(/^[A-Z]{3}$/, "An ISO 4217 code such as INR or USD"),
        format: z.enum(SESSION_FORMATS),
        amountMinor: z.number().int().min(0).max(100_000_000),
      }),
    )
    .max(20)
    .refine(
      (prices) => new Set(prices.map((p) => `${p.currency}:${p.format}`)).size === prices.length,
      "Each currency and format at most once",
    ),
});
export type SessionTypeBody = z.infer<typeof SessionTypeBody>;

export const SessionTypeSaved = z
  .object({ id: z.uuid(), slug: z.string() })
  .meta({ id: "SessionTypeSaved" });
export type SessionTypeSaved = z.infer<typeof SessionTypeSaved>;

export const PractitionerParams = z.strictObject({ id: z.uuid() });

export const PractitionerCreate = z.strictObject({
  displayName: z.string().trim().min(1).max(200),
  timeZone: TimeZone,
  active: z.boolean().optional(),
  /** Weekly hours in the practitioner's time zone, as in supabase/practice.example.json. */
  hours: WeeklyHours.optional(),
});
export type PractitionerCreate = z.infer<typeof PractitionerCreate>;

export const PractitionerUpdate = PractitionerCreate.partial();
export type PractitionerUpdate = z.infer<typeof PractitionerUpdate>;

export const PractitionerSaved = z.object({ id: z.uuid() }).meta({ id: "PractitionerSaved" });
export type PractitionerSaved = z.infer<typeof PractitionerSaved>;

export const TimeOffBody = z
  .strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    /** For staff only; never shown to customers. */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine(({ from, to }) => Date.parse(to) > Date.parse(from), "`to` must be after `from`");
export type TimeOffBody = z.infer<typeof TimeOffBody>;

export const TimeOffParams = z.strictObject({ id: z.uuid() });

export const TimeOffSaved = z.object({ id: z.uuid() }).meta({ id: "TimeOffSaved" });
export type TimeOffSaved = z.infer<typeof TimeOffSaved>;

export const StaffRoleBody = z.strictObject({
  /** The account, which must have signed up. */
  email: z.email().max(320),
  /** null removes the account's role. */
  role: z.enum(["staff", "admin"]).nullable(),
  /** The practitioner the account acts for; null or omitted: none. */
  practitionerId: z.uuid().nullable().optional(),
});
export type StaffRoleBody = z.infer<typeof StaffRoleBody>;

export const StaffRoleSaved = z
  .object({
    userId: z.uuid(),
    role: z.enum(["staff", "admin"]).nullable(),
    practitionerId: z.uuid().nullable(),
  })
  .meta({ id: "StaffRole" });
export type StaffRoleSaved = z.infer<typeof StaffRoleSaved>;

export const PracticeSettings = z
  .strictObject({
    /**
     * Days after a booking's session (or lapsed hold) that its customer's personal data is kept
     * before the daily job erases it; null keeps it until a period is set.
     */
    bookingRetentionDays: z.number().int().min(1).max(36500).nullable(),
    /**
     * Who serves a booking that names no practitioner: `first_active` (the first active one), or
     * `first_free` (availability lists every active practitioner's free times, and the booking
     * gets the first one free then).
     */
    practitionerAssignment: z.enum(["first_active", "first_free"]),
  })
  .meta({ id: "PracticeSettings" });
export type PracticeSettings = z.infer<typeof PracticeSettings>;

/** A change of settings: the fields sent are set, the others kept. */
export const PracticeSettingsChange = PracticeSettings.partial()
  .refine((change) => Object.keys(change).length > 0, "Send at least one setting")
  .meta({ id: "PracticeSettingsChange" });
export type PracticeSettingsChange = z.infer<typeof PracticeSettingsChange>;

const StoredSettings = z.object({
  booking_retention_days: z.number().int().nullable(),
  practitioner_assignment: z.enum(["first_active", "first_free"]),
});

function settingsOf(stored: unknown): PracticeSettings {
  const row = StoredSettings.parse(stored);
  return {
    bookingRetentionDays: row.booking_retention_days,
    practitionerAssignment: row.practitioner_assignment,
  };
}

/** What the admin functions' refusals mean to a client; anything else is our bug. */
function adminError(error: PostgrestError, action: string): never {
  switch (error.code) {
    case "42501":
      throw new ApiError("forbidden", "This needs an admin account.");
    case "PT404":
      throw new ApiError("not_found", error.message ? `${capitalise(error.message)}.` : undefined);
    case "23505":
    case "23P01":
      throw new ApiError(
        "conflict",
        error.code === "23P01"
          ? "Working hours of one weekday overlap; merge or split them."
          : "This conflicts with an existing row.",
      );
    case "22023":
    case "22007":
    case "22008":
    case "23514":
      throw new ApiError("validation_failed", `The database refused it: ${error.message}.`);
    default:
      throw new Error(`${action} failed: ${error.code} ${error.message}`);
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export async function putSessionType(
  db: SupabaseClient,
  slug: string,
  body: SessionTypeBody,
): Promise<SessionTypeSaved> {
  const { data, error } = await db.rpc("admin_put_session_type", { p_slug: slug, p_type: body });
  if (error) adminError(error, "saving a session type");
  return { id: z.uuid().parse(data), slug };
}

export async function putPractitioner(
  db: SupabaseClient,
  id: string | null,
  body: PractitionerCreate | PractitionerUpdate,
): Promise<PractitionerSaved> {
  const { data, error } = await db.rpc("admin_put_practitioner", {
    p_id: id,
    p_practitioner: body,
  });
  if (error) adminError(error, "saving a practitioner");
  return { id: z.uuid().parse(data) };
}

export async function addTimeOff(
  db: SupabaseClient,
  practitionerId: string,
  body: TimeOffBody,
): Promise<TimeOffSaved> {
  const { data, error } = await db.rpc("admin_add_time_off", {
    p_practitioner_id: practitionerId,
    p_from: body.from,
    p_to: body.to,
    p_reason: body.reason ?? null,
  });
  if (error) adminError(error, "adding time off");
  return { id: z.uuid().parse(data) };
}

export async function removeTimeOff(db: SupabaseClient, id: string): Promise<void> {
  const { error } = await db.rpc("admin_remove_time_off", { p_id: id });
  if (error) adminError(error, "removing time off");
}

export async function setStaffRole(
  db: SupabaseClient,
  body: StaffRoleBody,
): Promise<StaffRoleSaved> {
  const practitionerId = body.practitionerId ?? null;
  const { data, error } = await db.rpc("admin_set_staff", {
    p_email: body.email,
    p_role: body.role,
    p_practitioner_id: practitionerId,
  });
  if (error) adminError(error, "setting a staff role");
  return { userId: z.uuid().parse(data), role: body.role, practitionerId };
}

export async function readPracticeSettings(db: SupabaseClient): Promise<PracticeSettings> {
  const { data, error } = await db
    .from("booking_rules")
    .select("booking_retention_days, practitioner_assignment")
    .single();
  if (error) adminError(error, "reading the practice settings");
  return settingsOf(data);
}

export async function writePracticeSettings(
  db: SupabaseClient,
  change: PracticeSettingsChange,
): Promise<PracticeSettings> {
  const settings: Record<string, unknown> = {};
  if (change.bookingRetentionDays !== undefined) {
    settings.booking_retention_days = change.bookingRetentionDays;
  }
  if (change.practitionerAssignment !== undefined) {
    settings.practitioner_assignment = change.practitionerAssignment;
  }
  const { data, error } = await db.rpc("admin_set_practice_settings", { p_settings: settings });
  if (error) adminError(error, "writing the practice settings");
  return settingsOf(data);
}

const AdminPractitionerRow = z.object({
  id: z.uuid(),
  display_name: z.string(),
  time_zone: z.string(),
  active: z.boolean(),
  staff: z.object({ user_id: z.uuid(), email: z.string().nullable() }).nullable(),
  hours: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
  time_off: z.array(
    z.object({ id: z.uuid(), from: z.string(), to: z.string(), reason: z.string().nullable() }),
  ),
});

export const AdminPractitionerList = z
  .object({
    practitioners: z.array(
      z.object({
        id: z.uuid(),
        displayName: z.string(),
        timeZone: z.string(),
        active: z.boolean(),
        /** The staff account that acts for the practitioner (PUT /api/admin/staff). */
        staff: z.object({ userId: z.uuid(), email: z.string().nullable() }).nullable(),
        /** One row per weekday and interval, in the practitioner's time zone. */
        hours: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
        /** Time off that has not ended yet, by start. */
        timeOff: z.array(
          z.object({
            id: z.uuid(),
            from: z.iso.datetime(),
            to: z.iso.datetime(),
            reason: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "AdminPractitionerList" });
export type AdminPractitionerList = z.infer<typeof AdminPractitionerList>;

const iso = (text: string) => new Date(text).toISOString();

export async function listPractitioners(db: SupabaseClient): Promise<AdminPractitionerList> {
  const { data, error } = await db.rpc("admin_practitioners");
  if (error) adminError(error, "listing practitioners");
  return {
    practitioners: z
      .array(AdminPractitionerRow)
      .parse(data)
      .map((row) => ({
        id: row.id,
        displayName: row.display_name,
        timeZone: row.time_zone,
        active: row.active,
        staff: row.staff && { userId: row.staff.user_id, email: row.staff.email },
        hours: row.hours,
        timeOff: row.time_off.map((off) => ({
          id: off.id,
          from: iso(off.from),
          to: iso(off.to),
          reason: off.reason,
        })),
      })),
  };
}

const AdminSessionTypeRow = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  duration_minutes: z.number().int(),
  buffer_minutes: z.number().int(),
  requires_consent: z.boolean(),
  sort_order: z.number().int(),
  active: z.boolean(),
  prices: z.array(
    z.object({
      currency: z.string(),
      format: z.enum(SESSION_FORMATS),
      amount_minor: z.number().int(),
      active: z.boolean(),
    }),
  ),
});

export const AdminSessionTypeList = z
  .object({
    sessionTypes: z.array(
      z.object({
        id: z.uuid(),
        slug: z.string(),
        name: z.string(),
        description: z.string(),
        durationMinutes: z.number().int(),
        bufferMinutes: z.number().int(),
        requiresConsent: z.boolean(),
        sortOrder: z.number().int(),
        /** false: retired, not offered. */
        active: z.boolean(),
        /** Every price the type has had; `active` ones are offered. */
        prices: z.array(
          z.object({
            currency: z.string(),
            format: z.enum(SESSION_FORMATS),
            amountMinor: z.number().int(),
            active: z.boolean(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "AdminSessionTypeList" });
export type AdminSessionTypeList = z.infer<typeof AdminSessionTypeList>;

export async function listSessionTypes(db: SupabaseClient): Promise<AdminSessionTypeList> {
  const { data, error } = await db.rpc("admin_session_types");
  if (error) adminError(error, "listing session types");
  return {
    sessionTypes: z
      .array(AdminSessionTypeRow)
      .parse(data)
      .map((row) => ({
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        durationMinutes: row.duration_minutes,
        bufferMinutes: row.buffer_minutes,
        requiresConsent: row.requires_consent,
        sortOrder: row.sort_order,
        active: row.active,
        prices: row.prices.map((price) => ({
          currency: price.currency,
          format: price.format,
          amountMinor: price.amount_minor,
          active: price.active,
        })),
      })),
  };
}
