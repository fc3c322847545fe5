// The settings contract: what a client sends and what it gets back. One document per user, with
// a version every write bumps; a write names the version it was based on (compare-and-swap).
import * as z from "zod";
import { unstorableReason } from "./document.js";

/** Control characters and lone surrogates: Postgres text refuses some, people read none. */
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;
const INT4_MAX = 2_147_483_647;

/**
 * The document itself: any JSON object. Checked before zod copies it (a copy would drop a
 * "__proto__" key without a word) for what jsonb cannot hold; its size is checked on write.
 */
export const SettingsData = z.preprocess(
  (value, context) => {
    // A missing document is the record's "required", not a JSON value it cannot store.
    const reason = value === undefined ? undefined : unstorableReason(value);
    if (reason) context.addIssue({ code: "custom", message: reason, input: value });
    return value;
  },
  z.record(z.string(), z.unknown()),
);

const SchemaVersion = z
  .number()
  .int()
  .min(1)
  .max(INT4_MAX)
  .describe("The version of the document's format, chosen by the client");

const BaseVersion = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe("The version this copy was edited from; 0 when there were no settings yet");

const Device = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !UNPRINTABLE.test(name), "Remove control characters")
  .describe("A name for the device writing, shown beside the version it wrote");

export const SettingsWrite = z.strictObject({
  baseVersion: BaseVersion,
  schemaVersion: SchemaVersion,
  data: SettingsData,
});
export type SettingsWrite = z.infer<typeof SettingsWrite>;

export const SyncSettingsWrite = SettingsWrite.extend({ device: Device });
export type SyncSettingsWrite = z.infer<typeof SyncSettingsWrite>;

export const SettingsView = z
  .object({
    version: z.number().int().min(0).describe("0 until the first write"),
    schemaVersion: z.number().int().min(0).describe("0 until the first write"),
    data: z.record(z.string(), z.unknown()),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Settings" });
export type Settings = z.infer<typeof SettingsView>;

export const SyncSettingsView = SettingsView.extend({
  device: z.string().nullable().describe("The device that wrote this version, if any"),
}).meta({ id: "SyncSettings" });
export type SyncSettings = z.infer<typeof SyncSettingsView>;

export const PullQuery = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,15}$/, "The version number the device has, such as 12")
    .transform(Number)
    .optional()
    .describe(
      "The version the device has; the answer is 304 when there is nothing newer. Left out, the answer is always the whole current copy (a device's first pull)",
    ),
});
