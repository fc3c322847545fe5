// A shop's forms: order forms (products offered, customers order through them) and contact forms,
// each with its fields. Members list them; owners and admins add and change them (RLS:
// forms.write). Visitors read an active form through public.public_shop_form, with a signed form
// token that the submission must bring back (lib/shops/form-token.ts).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { requireShopPermission } from "./access.js";
import { issueFormToken, MIN_FILL_SECONDS } from "./form-token.js";
import { throwShopError } from "./shop-errors.js";

export const FormParams = z.strictObject({ shopId: z.uuid(), formId: z.uuid() });

export const FIELD_TYPES = [
  "text",
  "textarea",
  "email",
  "tel",
  "number",
  "select",
  "checkbox",
] as const;

/** Keys the submission itself uses for the customer and the bot trap; a field may not take them. */
const RESERVED_KEYS = new Set(["name", "email", "phone", "website", "items", "token"]);

export const FormField = z
  .strictObject({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, "Lower-case letters, digits and _, starting with a letter")
      .refine(
        (key) => !RESERVED_KEYS.has(key),
        "Reserved: the customer's name, email and phone are asked by every form",
      ),
    label: z.string().trim().min(1).max(200),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    /** The choices of a select field. */
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional(),
    /** Text fields: length bounds (default at most 2000 characters). */
    minLength: z.number().int().min(0).max(5000).optional(),
    maxLength: z.number().int().min(1).max(5000).optional(),
    /** Number fields: bounds. */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .refine((field) => (field.type === "select") === (field.options !== undefined), {
    message: "A select field has options, and only a select field",
    path: ["options"],
  })
  .meta({ id: "ShopFormField" });
export type FormField = z.infer<typeof FormField>;

const Fields = z
  .array(FormField)
  .max(50)
  .refine(
    (fields) => new Set(fields.map((f) => f.key)).size === fields.length,
    "Field keys are unique",
  );

export const FormCreate = z
  .strictObject({
    kind: z.enum(["order", "contact"]),
    name: z.string().trim().min(1).max(200),
    fields: Fields.default([]),
    productIds: z
      .array(z.uuid())
      .max(200)
      .default([])
      .describe("Order forms: the products offered"),
    active: z.boolean().default(true),
  })
  .meta({ id: "ShopFormCreate" });

export const FormUpdate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    fields: Fields.optional(),
    productIds: z.array(z.uuid()).max(200).optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: "ShopFormUpdate" });

export const FormView = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    kind: z.enum(["order", "contact"]),
    name: z.string(),
    fields: z.array(FormField),
    productIds: z.array(z.uuid()),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "ShopForm" });

export const FormList = z.object({ forms: z.array(FormView) }).meta({ id: "ShopFormList" });

const FORM_COLUMNS = "id, shop_id, kind, name, fields, product_ids, active, created_at, updated_at";

const FormRow = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  kind: z.enum(["order", "contact"]),
  name: z.string(),
  fields: z.unknown(),
  product_ids: z.array(z.uuid()),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Fields a Data API writer stored outside the API's rules read as none, never as a 500. */
export function storedFields(raw: unknown): FormField[] {
  const parsed = Fields.safeParse(raw);
  return parsed.success ? parsed.data : [];
}

function formView(raw: unknown): z.infer<typeof FormView> {
  const row = FormRow.parse(raw);
  return {
    id: row.id,
    shopId: row.shop_id,
    kind: row.kind,
    name: row.name,
    fields: storedFields(row.fields),
    productIds: row.product_ids,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function listForms(
  db: SupabaseClient,
  shopId: string,
): Promise<z.infer<typeof FormList>> {
  await requireShopPermission(db, shopId, "forms.read");
  const { data, error } = await db
    .from("forms")
    .select(FORM_COLUMNS)
    .eq("shop_id", shopId)
    .order("created_at")
    .order("id")
    .limit(200);
  if (error) throwShopError(error, "listing forms");
  return { forms: z.array(z.unknown()).parse(data).map(formView) };
}

export async function createForm(
  db: SupabaseClient,
  shopId: string,
  body: z.infer<typeof FormCreate>,
): Promise<z.infer<typeof FormView>> {
  await requireShopPermission(db, shopId, "forms.write");
  if (body.kind === "contact" && body.productIds.length > 0) {
    throw new ApiError("bad_request", "A contact form offers no products.", {
      errors: { productIds: ["Only order forms offer products"] },
    });
  }
  const { data, error } = await db
    .from("forms")
    .insert({
      shop_id: shopId,
      kind: body.kind,
      name: body.name,
      fields: body.fields,
      product_ids: [...new Set(body.productIds)],
      active: body.active,
    })
    .select(FORM_COLUMNS)
    .single();
  if (error) throwShopError(error, "adding a form");
  return formView(data);
}

export async function updateForm(
  db: SupabaseClient,
  shopId: string,
  formId: string,
  body: z.infer<typeof FormUpdate>,
): Promise<z.infer<typeof FormView>> {
  await requireShopPermission(db, shopId, "forms.write");
  const changes = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.fields !== undefined && { fields: body.fields }),
    ...(body.productIds !== undefined && { product_ids: [...new Set(body.productIds)] }),
    ...(body.active !== undefined && { active: body.active }),
  };
  const base =
    Object.keys(changes).length === 0
      ? db.from("forms").select(FORM_COLUMNS)
      : db.from("forms").update(changes).select(FORM_COLUMNS);
  const { data, error } = await base.eq("id", formId).eq("shop_id", shopId).maybeSingle();
  if (error) throwShopError(error, "changing a form");
  if (!data) throw new ApiError("not_found", "There is no such form in this shop.");
  return formView(data);
}

// ---------------------------------------------------------------------------------------------
// The public form.

const PublicFormRow = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  shop_name: z.string(),
  currency: z.string(),
  kind: z.enum(["order", "contact"]),
  name: z.string(),
  fields: z.unknown(),
  products: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      description: z.string().nullable(),
      price_minor: z.coerce.number(),
      currency: z.string(),
      in_stock: z.boolean(),
      image_url: z.string().nullable(),
      category: z.string().nullable(),
    }),
  ),
});
export type PublicFormRow = z.infer<typeof PublicFormRow>;

export const PublicFormView = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    shopName: z.string(),
    kind: z.enum(["order", "contact"]),
    name: z.string(),
    currency: z.string(),
    fields: z.array(FormField),
    products: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        description: z.string().nullable(),
        priceMinor: z.number().int(),
        currency: z.string(),
        inStock: z.boolean(),
        imageUrl: z.string().nullable(),
        category: z.string().nullable(),
      }),
    ),
    formToken: z
      .string()
      .describe(
        `Send back as \`token\` with the submission, no sooner than ${MIN_FILL_SECONDS} seconds and within a day`,
      ),
  })
  .meta({ id: "PublicShopForm" });

/** The active form as a visitor may read it (null: no such active form). */
export async function readPublicForm(
  db: SupabaseClient,
  shopId: string,
  formId: string,
): Promise<PublicFormRow | null> {
  const { data, error } = await db.rpc("public_shop_form", {
    p_shop_id: shopId,
    p_form_id: formId,
  });
  if (error) throwShopError(error, "reading a public form");
  return data === null ? null : PublicFormRow.parse(data);
}

export async function publicForm(
  db: SupabaseClient,
  shopId: string,
  formId: string,
): Promise<z.infer<typeof PublicFormView>> {
  const row = await readPublicForm(db, shopId, formId);
  if (!row) throw new ApiError("not_found", "There is no such form.");
  return {
    id: row.id,
    shopId: row.shop_id,
    shopName: row.shop_name,
    kind: row.kind,
    name: row.name,
    currency: row.currency,
    fields: storedFields(row.fields),
    products: row.products.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      priceMinor: p.price_minor,
      currency: p.currency,
      inStock: p.in_stock,
      imageUrl: p.image_url,
      category: p.category,
    })),
    formToken: issueFormToken(row.id),
  };
}
