// Products of a shop: list with filters and cursor pagination, add, change, soft delete. Writes go
// through the member's own token (RLS: products.write); image URLs are checked here (https only,
// no credentials, no local hosts) and by the table's check, and never fetched by the server.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { afterCursor, nextCursor, PageCursor, PageLimit } from "../http/page-cursor.js";
import { requireShopPermission } from "./access.js";
import { throwShopError } from "./shop-errors.js";

export const ProductParams = z.strictObject({ shopId: z.uuid(), productId: z.uuid() });

/** https only, no user:password@, no bare IPs or local names: the browser loads it, we never do. */
export const ImageUrl = z
  .string()
  .max(2048)
  .refine((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    return (
      url.protocol === "https:" &&
      !url.username &&
      !url.password &&
      url.hostname.includes(".") &&
      !/^[\d.]+$/.test(url.hostname) &&
      !url.hostname.startsWith("[") &&
      !/(^|\.)(localhost|local|internal)$/i.test(url.hostname) &&
      !/\s/.test(text)
    );
  }, "An https URL on a public host name")
  .describe("https only; shown by the browser, never fetched by the server");

const Name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, "No control characters");
const Category = z.string().trim().min(1).max(100);
const PriceMinor = z
  .number()
  .int()
  .min(0)
  .max(100_000_000_000)
  .describe("In minor units of the shop's currency (cents)");
const Stock = z.number().int().min(0).max(1_000_000_000);

export const ProductCreate = z
  .strictObject({
    name: Name,
    description: z.string().max(5000).nullable().optional(),
    priceMinor: PriceMinor,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .describe("The shop's currency; any other is refused (400)"),
    stock: Stock.default(0),
    imageUrl: ImageUrl.nullable().optional(),
    category: Category.nullable().optional(),
  })
  .meta({ id: "ProductCreate" });

export const ProductUpdate = z
  .strictObject({
    name: Name.optional(),
    description: z.string().max(5000).nullable().optional(),
    priceMinor: PriceMinor.optional(),
    stock: Stock.optional(),
    imageUrl: ImageUrl.nullable().optional(),
    category: Category.nullable().optional(),
  })
  .meta({ id: "ProductUpdate" });

export const ProductView = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    priceMinor: z.number().int(),
    currency: z.string(),
    stock: z.number().int(),
    imageUrl: z.string().nullable(),
    category: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Product" });
export type ProductView = z.infer<typeof ProductView>;

export const ProductListQuery = z.strictObject({
  category: Category.optional(),
  q: z.string().trim().min(1).max(100).optional().describe("Part of the name, any case"),
  inStock: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  minPriceMinor: z.coerce.number().int().min(0).optional(),
  maxPriceMinor: z.coerce.number().int().min(0).optional(),
  limit: PageLimit,
  cursor: PageCursor.optional().describe("`nextCursor` of the previous page"),
});

export const ProductList = z
  .object({ products: z.array(ProductView), nextCursor: z.string().nullable() })
  .meta({ id: "ProductList" });

const ProductRow = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  price_minor: z.coerce.number(),
  currency: z.string(),
  stock: z.coerce.number(),
  image_url: z.string().nullable(),
  category: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const PRODUCT_COLUMNS =
  "id, shop_id, name, description, price_minor, currency, stock, image_url, category, created_at, updated_at";

export function productView(raw: unknown): ProductView {
  const row = ProductRow.parse(raw);
  return {
    id: row.id,
    shopId: row.shop_id,
    name: row.name,
    description: row.description,
    priceMinor: row.price_minor,
    currency: row.currency,
    stock: row.stock,
    imageUrl: row.image_url,
    category: row.category,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** `%` and `_` match literally in a name search; `,()` would end PostgREST's filter. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/[,()]/g, " ")}%`;
}

export async function listProducts(
  db: SupabaseClient,
  shopId: string,
  query: z.infer<typeof ProductListQuery>,
): Promise<z.infer<typeof ProductList>> {
  await requireShopPermission(db, shopId, "products.read");
  let request = db
    .from("products")
    .select(PRODUCT_COLUMNS)
    .eq("shop_id", shopId)
    .is("deleted_at", null);
  if (query.category !== undefined) request = request.eq("category", query.category);
  if (query.q !== undefined) request = request.ilike("name", likePattern(query.q));
  if (query.inStock === true) request = request.gt("stock", 0);
  if (query.inStock === false) request = request.eq("stock", 0);
  if (query.minPriceMinor !== undefined) request = request.gte("price_minor", query.minPriceMinor);
  if (query.maxPriceMinor !== undefined) request = request.lte("price_minor", query.maxPriceMinor);
  if (query.cursor) request = request.or(afterCursor(query.cursor));
  const { data, error } = await request
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(query.limit + 1);
  if (error) throwShopError(error, "listing products");
  const rows = z.array(z.object({ created_at: z.string(), id: z.uuid() }).loose()).parse(data);
  return {
    products: rows.slice(0, query.limit).map(productView),
    nextCursor: nextCursor(rows, query.limit),
  };
}

export async function createProduct(
  db: SupabaseClient,
  shopId: string,
  body: z.infer<typeof ProductCreate>,
): Promise<ProductView> {
  await requireShopPermission(db, shopId, "products.write");
  const shop = await db.from("shops").select("currency").eq("id", shopId).single();
  if (shop.error) throwShopError(shop.error, "reading the shop's currency");
  const currency = z.object({ currency: z.string() }).parse(shop.data).currency;
  if (body.currency !== undefined && body.currency !== currency) {
    throw new ApiError("bad_request", `This shop sells in ${currency}.`, {
      errors: { currency: [`Must be ${currency}, the shop's currency`] },
    });
  }
  const { data, error } = await db
    .from("products")
    .insert({
      shop_id: shopId,
      name: body.name,
      description: body.description ?? null,
      price_minor: body.priceMinor,
      currency,
      stock: body.stock,
      image_url: body.imageUrl ?? null,
      category: body.category ?? null,
    })
    .select(PRODUCT_COLUMNS)
    .single();
  if (error) throwShopError(error, "adding a product");
  return productView(data);
}

export async function updateProduct(
  db: SupabaseClient,
  shopId: string,
  productId: string,
  body: z.infer<typeof ProductUpdate>,
): Promise<ProductView> {
  await requireShopPermission(db, shopId, "products.write");
  const changes = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.priceMinor !== undefined && { price_minor: body.priceMinor }),
    ...(body.stock !== undefined && { stock: body.stock }),
    ...(body.imageUrl !== undefined && { image_url: body.imageUrl }),
    ...(body.category !== undefined && { category: body.category }),
  };
  const base =
    Object.keys(changes).length === 0
      ? db.from("products").select(PRODUCT_COLUMNS)
      : db.from("products").update(changes).select(PRODUCT_COLUMNS);
  const { data, error } = await base
    .eq("id", productId)
    .eq("shop_id", shopId)
    .is("deleted_at", null)
    .maybeSingle();
  if (error) throwShopError(error, "changing a product");
  if (!data) throw new ApiError("not_found", "There is no such product in this shop.");
  return productView(data);
}

/** Soft delete: orders keep their items; the product leaves lists and forms can no longer sell it. */
export async function deleteProduct(
  db: SupabaseClient,
  shopId: string,
  productId: string,
): Promise<void> {
  await requireShopPermission(db, shopId, "products.write");
  const { data, error } = await db
    .from("products")
    .update({ deleted_at: new Date().toISOString() })
    .eq("id", productId)
    .eq("shop_id", shopId)
    .is("deleted_at", null)
    .select("id")
    .maybeSingle();
  if (error) throwShopError(error, "deleting a product");
  if (!data) throw new ApiError("not_found", "There is no such product in this shop.");
}
