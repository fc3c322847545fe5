// The caller's role in a shop, read once per request through the membership helper
// (public.shop_member_role): a non-member gets 404 (they may not know the shop exists), a member
// whose role lacks the permission 403. Row-level security enforces the same table again on every
// read and write, so this check only shapes the answer.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { roleCan, type ShopPermission, ShopRole } from "./roles.js";
import { throwShopError } from "./shop-errors.js";

export const ShopParams = z.strictObject({ shopId: z.uuid() });

export async function shopRole(db: SupabaseClient, shopId: string): Promise<ShopRole | null> {
  const { data, error } = await db.rpc("shop_member_role", { p_shop_id: shopId });
  if (error) throwShopError(error, "reading the caller's shop role");
  return ShopRole.nullable().parse(data ?? null);
}

export async function requireShopPermission(
  db: SupabaseClient,
  shopId: string,
  permission: ShopPermission,
): Promise<ShopRole> {
  const role = await shopRole(db, shopId);
  if (role === null) throw new ApiError("not_found", "There is no such shop.");
  if (!roleCan(role, permission)) {
    throw new ApiError("forbidden", `Your role in this shop (${role}) does not allow this.`);
  }
  return role;
}

/** What a DELETE answers (200). */
export const Removed = z.object({ removed: z.literal(true) }).meta({ id: "ShopRemoved" });
export const REMOVED = { removed: true } as const;
