// Admins publish the consent versions a practice uses and retire them (POST
// /api/consent/versions, POST /api/consent/versions/{version}/retire): one call each to
// public.publish_consent_version / retire_consent_version
// (supabase/migrations/20261121001300_guest_payments.sql), which write the row and the
// staff_actions entry in one transaction. A published version keeps its items and retention
// forever (the consent migration's trigger), so every record keeps meaning what it meant;
// retiring one stops new consent to it and leaves its records as they are.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { CONSENT_ITEM, CONSENT_ITEMS_MAX, CONSENT_VERSION } from "./consent-version.js";

export const PublishConsentVersion = z.strictObject({
  /** The name clients send as `consentVersion`, such as a date ("2024-01-15"). */
  version: z.string().regex(CONSENT_VERSION),
  title: z.string().trim().min(1).max(200),
  /** The item keys a client must acknowledge, every one of them ("item1", "confidentiality"). */
  requiredItems: z
    .array(z.string().regex(CONSENT_ITEM))
    .min(1)
    .max(CONSENT_ITEMS_MAX)
    .refine((items) => new Set(items).size === items.length, "Each item once"),
  /** How long each record of this consent is kept, from the day it is given. */
  retentionDays: z
    .number()
    .int()
    .positive()
    .max(36_500)
    .default(365 * 7),
});
export type PublishConsentVersion = z.input<typeof PublishConsentVersion>;

export const ConsentVersionParams = z.strictObject({ version: z.string().regex(CONSENT_VERSION) });

export const PublishedConsentVersion = z
  .object({
    version: z.string(),
    title: z.string(),
    requiredItems: z.array(z.string()),
    retentionDays: z.number().int(),
    /** False once retired: no new consent to it is accepted. */
    active: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "PublishedConsentVersion" });
export type PublishedConsentVersion = z.infer<typeof PublishedConsentVersion>;

const Row = z.object({
  version: z.string(),
  title: z.string(),
  required_items: z.array(z.string()),
  retention_days: z.number().int(),
  active: z.boolean(),
  created_at: z.string(),
});

function view(data: unknown): PublishedConsentVersion {
  const row = Row.parse(data);
  return {
    version: row.version,
    title: row.title,
    requiredItems: row.required_items,
    retentionDays: row.retention_days,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function refusal(error: PostgrestError, action: string): Error {
  if (error.code === "PT409") {
    return new ApiError(
      "conflict",
      "A consent version with this name is already published; its items never change. Publish a new version and retire this one.",
    );
  }
  if (error.code === "PT404") return new ApiError("not_found", "There is no such consent version.");
  return new Error(`${action} failed: ${error.code} ${error.message}`);
}

/** `service` publishes for the admin `actorId` (recorded in staff_actions). */
export async function publishConsentVersion(
  service: SupabaseClient,
  actorId: string,
  request: z.output<typeof PublishConsentVersion>,
): Promise<PublishedConsentVersion> {
  const { data, error } = await service.rpc("publish_consent_version", {
    p_actor: actorId,
    p_version: request.version,
    p_title: request.title,
    p_required_items: request.requiredItems,
    p_retention_days: request.retentionDays,
  });
  if (error) throw refusal(error, "publishing a consent version");
  return view(data);
}

/** `service` retires the version for the admin `actorId` (recorded in staff_actions). */
export async function retireConsentVersion(
  service: SupabaseClient,
  actorId: string,
  version: string,
): Promise<PublishedConsentVersion> {
  const { data, error } = await service.rpc("retire_consent_version", {
    p_actor: actorId,
    p_version: version,
  });
  if (error) throw refusal(error, "retiring a consent version");
  return view(data);
}
