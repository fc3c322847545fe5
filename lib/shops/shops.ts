// Shops: create (the caller becomes its owner, public.create_shop), read and change settings.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { requireShopPermission } from "./access.js";
import { ShopRole } from "./roles.js";
import { throwShopError } from "./shop-errors.js";

const Name = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}]*$/u, "No control characters");

export const ShopCreate = z
  .strictObject({
    name: Name,
    description: z.string().max(2000).nullable().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "An ISO 4217 code such as EUR")
      .default("USD")
      .describe("Every product of the shop is priced in it; it does not change later."),
  })
  .meta({ id: "ShopCreate" });

export const ShopUpdate = z
  .strictObject({
    name: Name.optional(),
    description: z.string().max(2000).nullable().optional(),
    submissionRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe("Form submissions older than this are deleted."),
  })
  .meta({ id: "ShopUpdate" });

export const ShopView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    currency: z.string(),
    submissionRetentionDays: z.number().int(),
    role: ShopRole.describe("The caller's role in this shop"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Shop" });
export type ShopView = z.infer<typeof ShopView>;

const ShopRow = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  currency: z.string(),
  submission_retention_days: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
const COLUMNS =
  "id, name, description, currency, submission_retention_days, created_at, updated_at";

function shopView(row: z.infer<typeof ShopRow>, role: ShopRole): ShopView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    currency: row.currency,
    submissionRetentionDays: row.submission_retention_days,
    role,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function createShop(
  db: SupabaseClient,
  body: z.infer<typeof ShopCreate>,
): Promise<ShopView> {
  const { data, error } = await db.rpc("create_shop", {
    p_name: body.name,
    p_currency: body.currency,
    p_description: body.description ?? null,
  });
  if (error) throwShopError(error, "creating a shop");
  return shopView(ShopRow.parse(data), "owner");
}

export async function getShop(db: SupabaseClient, shopId: string): Promise<ShopView> {
  const role = await requireShopPermission(db, shopId, "shop.read");
  const { data, error } = await db.from("shops").select(COLUMNS).eq("id", shopId).maybeSingle();
  if (error) throwShopError(error, "reading a shop");
  if (!data) throw new ApiError("not_found", "There is no such shop.");
  return shopView(ShopRow.parse(data), role);
}

export async function updateShop(
  db: SupabaseClient,
  shopId: string,
  body: z.infer<typeof ShopUpdate>,
): Promise<ShopView> {
  const role = await requireShopPermission(db, shopId, "shop.update");
  const changes = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.submissionRetentionDays !== undefined && {
      submission_retention_days: body.submissionRetentionDays,
    }),
  };
  const query =
    Object.keys(changes).length === 0
      ? db.from("shops").select(COLUMNS).eq("id", shopId).maybeSingle()
      : db.from("shops").update(changes).eq("id", shopId).select(COLUMNS).maybeSingle();
  const { data, error } = await query;
  if (error) throwShopError(error, "changing a shop");
  if (!data) throw new ApiError("not_found", "There is no such shop.");
  return shopView(ShopRow.parse(data), role);
}

/** The caller's shops with their role in each (GET /api/auth/me). */
export const MyShop = z.object({ id: z.uuid(), name: z.string(), role: ShopRole });

export async function myShops(
  db: SupabaseClient,
  userId: string,
): Promise<z.infer<typeof MyShop>[]> {
  const { data, error } = await db
    .from("shop_members")
    .select("role, shops(id, name)")
    .eq("user_id", userId)
    .order("created_at");
  if (error) throwShopError(error, "listing the caller's shops");
  return z
    .array(z.object({ role: ShopRole, shops: z.object({ id: z.uuid(), name: z.string() }) }))
    .parse(data)
    .map((row) => ({ id: row.shops.id, name: row.shops.name, role: row.role }));
}
