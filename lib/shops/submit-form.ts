// POST /api/shops/:shopId/forms/:formId/submissions: a visitor without an account submits a
// shop's public form. Bot resistance first (honeypot, signed form token, minimum fill time; the
// endpoint's rate limit per address), then the answers are validated against the form's own
// definition, read from the database, never from the client. The customer's contact and answers
// are sealed here; public.submit_shop_form places the order (reserving stock, pricing it from the
// products) or records the contact message, in one transaction.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import {
  lookupHash,
  normalizeEmail,
  openPersonalData,
  sealPersonalData,
} from "../crypto/personal-data.js";
import { ApiError, type FieldErrors } from "../http/errors.js";
import { afterCursor, nextCursor, PageCursor } from "../http/page-cursor.js";
import { requireShopPermission } from "./access.js";
import { checkFormToken } from "./form-token.js";
import { type FormField, readPublicForm, storedFields } from "./forms.js";
import { SHOP_SEALED } from "./sealed-contexts.js";
import { throwShopError } from "./shop-errors.js";

export const FormSubmission = z
  .strictObject({
    token: z.string().max(300).describe("`formToken` from GET /api/shops/{shopId}/forms/{formId}"),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\p{Cc}]*$/u),
    email: z.email().max(254),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{1,14}$/, "E.164, such as +14155550123")
      .optional(),
    answers: z
      .record(z.string().max(40), z.union([z.string().max(5000), z.number(), z.boolean()]))
      .default({})
      .describe("The form's fields by key"),
    items: z
      .array(z.strictObject({ productId: z.uuid(), quantity: z.number().int().min(1).max(1000) }))
      .max(50)
      .optional()
      .describe("Order forms: what to order (at least one item)"),
    website: z
      .string()
      .max(500)
      .optional()
      .describe("Leave empty: a hidden field that only bots fill"),
  })
  .meta({ id: "ShopFormSubmission" });
export type FormSubmission = z.infer<typeof FormSubmission>;

export const FormSubmissionReceipt = z
  .object({
    submissionId: z.uuid(),
    orderId: z.uuid().nullable(),
    status: z.enum(["pending"]).nullable(),
    totalMinor: z.number().int().nullable().describe("Computed by the server from the products"),
    currency: z.string().nullable(),
  })
  .meta({ id: "ShopFormSubmissionReceipt" });

const Placed = z.object({
  submission_id: z.uuid(),
  order_id: z.uuid().nullable(),
  total_minor: z.coerce.number().nullable(),
  currency: z.string().nullable(),
  status: z.enum(["pending"]).nullable(),
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors of the answers against the form's fields (empty: valid). */
export function validateAnswers(
  fields: FormField[],
  answers: Record<string, string | number | boolean>,
): FieldErrors {
  const errors: FieldErrors = {};
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(answers)) {
    if (!known.has(key)) errors[`answers.${key}`] = ["This form has no such field"];
  }
  for (const field of fields) {
    const value = answers[field.key];
    const path = `answers.${field.key}`;
    const empty = value === undefined || value === "" || value === false;
    if (empty) {
      if (field.required) errors[path] = ["Required"];
      continue;
    }
    const problem = fieldProblem(field, value);
    if (problem) errors[path] = [problem];
  }
  return errors;
}

function fieldProblem(field: FormField, value: string | number | boolean): string | null {
  switch (field.type) {
    case "checkbox":
      return typeof value === "boolean" ? null : "true or false";
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return "A number";
      if (field.min !== undefined && value < field.min) return `At least ${field.min}`;
      if (field.max !== undefined && value > field.max) return `At most ${field.max}`;
      return null;
    }
    case "select":
      return typeof value === "string" && field.options?.includes(value)
        ? null
        : `One of: ${field.options?.join(", ")}`;
    default: {
      if (typeof value !== "string") return "Text";
      if (
        /\p{Cc}/u.test(value.replace(/[\n\r\t]/g, "")) ||
        (field.type !== "textarea" && /[\n\r]/.test(value))
      )
        return "No control characters";
      const max = field.maxLength ?? 2000;
      if (value.length > max) return `At most ${max} characters`;
      if (field.minLength !== undefined && value.length < field.minLength)
        return `At least ${field.minLength} characters`;
      if (field.type === "email" && !EMAIL.test(value)) return "An email address";
      if (field.type === "tel" && !/^\+?[0-9 ()-]{4,20}$/.test(value)) return "A phone number";
      return null;
    }
  }
}

export async function submitShopForm(
  anon: SupabaseClient,
  service: SupabaseClient,
  shopId: string,
  formId: string,
  body: FormSubmission,
): Promise<z.infer<typeof FormSubmissionReceipt>> {
  // Bots: the trap field filled, or no token this form gave out, or one used too fast. The
  // answer says only that the submission was refused, never which check caught it.
  if (body.website !== undefined && body.website !== "") {
    throw new ApiError("bad_request", "The submission was refused. Reload the form and try again.");
  }
  const token = checkFormToken(formId, body.token);
  if (token !== null) {
    throw new ApiError(
      "bad_request",
      token === "expired"
        ? "The form was open too long: reload it and submit again."
        : "The submission was refused. Reload the form and try again.",
      { errors: { token: [token === "expired" ? "Expired" : "Not accepted"] } },
    );
  }
  const form = await readPublicForm(anon, shopId, formId);
  if (!form) throw new ApiError("not_found", "There is no such form.");
  const fields = storedFields(form.fields);
  const errors = validateAnswers(fields, body.answers);
  if (form.kind === "order" && (body.items === undefined || body.items.length === 0)) {
    errors.items = ["An order form needs at least one item"];
  }
  if (form.kind === "contact" && body.items !== undefined && body.items.length > 0) {
    errors.items = ["A contact form takes no items"];
  }
  const offered = new Set(form.products.map((p) => p.id));
  body.items?.forEach((item, index) => {
    if (!offered.has(item.productId))
      errors[`items.${index}.productId`] = ["Not offered by this form"];
  });
  if (Object.keys(errors).length > 0) {
    throw new ApiError("validation_failed", "Some answers do not fit the form.", { errors });
  }

  if (form.kind === "order") {
    // Stock that lapsed unpaid orders held goes back first (20261121002500_shop_order_holds.sql).
    const expired = await service.rpc("expire_unpaid_shop_orders", { p_shop_id: shopId });
    if (expired.error) throwShopError(expired.error, "expiring unpaid orders");
  }
  const email = normalizeEmail(body.email);
  const { data, error } = await service.rpc("submit_shop_form", {
    p_shop_id: shopId,
    p_form_id: formId,
    p_items: form.kind === "order" ? body.items : null,
    p_name_sealed: sealPersonalData(body.name, SHOP_SEALED.customerName),
    p_email_sealed: sealPersonalData(email, SHOP_SEALED.customerEmail),
    p_email_hash: lookupHash(email, SHOP_SEALED.customerEmailHash),
    p_phone_sealed:
      body.phone === undefined ? null : sealPersonalData(body.phone, SHOP_SEALED.customerPhone),
    p_answers_sealed: sealPersonalData(
      JSON.stringify({ name: body.name, email, phone: body.phone ?? null, answers: body.answers }),
      SHOP_SEALED.answers,
    ),
  });
  if (error) throwShopError(error, "submitting a form");
  const placed = Placed.parse(data);
  return {
    submissionId: placed.submission_id,
    orderId: placed.order_id,
    status: placed.status,
    totalMinor: placed.total_minor,
    currency: placed.order_id === null ? null : placed.currency,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading them back: the team's inbox of a form (submissions.read), answers opened on the server.

export const SubmissionListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: PageCursor.optional().describe("`nextCursor` of the previous page"),
});

export const SubmissionView = z
  .object({
    id: z.uuid(),
    formId: z.uuid(),
    kind: z.enum(["order", "contact"]),
    orderId: z.uuid().nullable(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    createdAt: z.string(),
    expiresAt: z.string().describe("When it is deleted (the shop's retention period)"),
  })
  .meta({ id: "ShopFormSubmissionView" });

export const SubmissionList = z
  .object({ submissions: z.array(SubmissionView), nextCursor: z.string().nullable() })
  .meta({ id: "ShopFormSubmissionList" });

const SubmissionRow = z.object({
  id: z.uuid(),
  form_id: z.uuid(),
  kind: z.enum(["order", "contact"]),
  order_id: z.uuid().nullable(),
  answers_sealed: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});

const OpenedAnswers = z.object({
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export async function listSubmissions(
  db: SupabaseClient,
  shopId: string,
  formId: string,
  query: z.infer<typeof SubmissionListQuery>,
): Promise<z.infer<typeof SubmissionList>> {
  await requireShopPermission(db, shopId, "submissions.read");
  let request = db
    .from("form_submissions")
    .select("id, form_id, kind, order_id, answers_sealed, created_at, expires_at")
    .eq("shop_id", shopId)
    .eq("form_id", formId);
  if (query.cursor) request = request.or(afterCursor(query.cursor));
  const { data, error } = await request
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(query.limit + 1);
  if (error) throwShopError(error, "listing submissions");
  const rows = z.array(SubmissionRow).parse(data);
  return {
    submissions: rows.slice(0, query.limit).map((row) => {
      const opened = OpenedAnswers.parse(
        JSON.parse(openPersonalData(row.answers_sealed, SHOP_SEALED.answers)),
      );
      return {
        id: row.id,
        formId: row.form_id,
        kind: row.kind,
        orderId: row.order_id,
        ...opened,
        createdAt: new Date(row.created_at).toISOString(),
        expiresAt: new Date(row.expires_at).toISOString(),
      };
    }),
    nextCursor: nextCursor(rows, query.limit),
  };
}
