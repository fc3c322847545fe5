// What each role in a shop may do: the one table. The database holds the same table
// (public.shop_role_permissions, supabase/migrations/20261121001900_shops.sql) and every RLS
// policy asks it through public.shop_can; tests/api/shops-roles.test.ts compares the two.
import * as z from "zod";

export const SHOP_ROLES = ["owner", "admin", "agent"] as const;
export const ShopRole = z.enum(SHOP_ROLES);
export type ShopRole = z.infer<typeof ShopRole>;

/** Each permission with the lowest role that has it; every higher role has it too. */
export const PERMISSION_LOWEST_ROLE = {
  "shop.read": "agent",
  "products.read": "agent",
  "orders.read": "agent",
  "forms.read": "agent",
  "submissions.read": "agent",
  "conversations.handle": "agent",
  "team.read": "agent",
  "shop.update": "admin",
  "products.write": "admin",
  "forms.write": "admin",
  "orders.status": "admin",
  "payments.refund": "admin",
  "team.manage": "owner",
  "integrations.manage": "owner",
  "payouts.manage": "owner",
} as const satisfies Record<string, ShopRole>;

export type ShopPermission = keyof typeof PERMISSION_LOWEST_ROLE;

const RANK: Record<ShopRole, number> = { agent: 1, admin: 2, owner: 3 };

export function roleCan(role: ShopRole | null | undefined, permission: ShopPermission): boolean {
  return role != null && RANK[role] >= RANK[PERMISSION_LOWEST_ROLE[permission]];
}

/** The table as rows (role, permission), as the database lists it. */
export function rolePermissionRows(): { role: ShopRole; permission: ShopPermission }[] {
  return SHOP_ROLES.flatMap((role) =>
    (Object.keys(PERMISSION_LOWEST_ROLE) as ShopPermission[])
      .filter((permission) => roleCan(role, permission))
      .map((permission) => ({ role, permission })),
  );
}
