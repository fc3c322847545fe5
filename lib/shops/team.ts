// A shop's team: members and their roles, invitations by email (sealed, with a keyed hash the
// invitee's verified email must match), accepting one, changing roles, removing members and
// leaving. The last owner can neither leave nor stop being one (the database decides, under the
// shop's lock).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import {
  lookupHash,
  normalizeEmail,
  openPersonalData,
  sealPersonalData,
} from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { requireShopPermission } from "./access.js";
import { ShopRole } from "./roles.js";
import { SHOP_SEALED } from "./sealed-contexts.js";
import { throwShopError } from "./shop-errors.js";

export const MemberParams = z.strictObject({ shopId: z.uuid(), userId: z.uuid() });
export const InvitationParams = z.strictObject({ shopId: z.uuid(), invitationId: z.uuid() });

export const INVITATION_DAYS = 7;

export const MemberView = z
  .object({
    userId: z.uuid(),
    email: z.string().nullable(),
    role: ShopRole,
    joinedAt: z.string(),
  })
  .meta({ id: "ShopMember" });

export const MemberList = z.object({ members: z.array(MemberView) }).meta({ id: "ShopMemberList" });

export const MemberRoleChange = z
  .strictObject({ role: ShopRole })
  .meta({ id: "ShopMemberRoleChange" });

export const InvitationCreate = z
  .strictObject({
    email: z.email().max(254),
    role: z.enum(["admin", "agent"]),
  })
  .meta({ id: "ShopInvitationCreate" });

export const InvitationView = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    email: z.string(),
    role: z.enum(["admin", "agent"]),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "ShopInvitation" });

export const InvitationList = z
  .object({ invitations: z.array(InvitationView) })
  .meta({ id: "ShopInvitationList" });

const MemberRow = z.object({
  user_id: z.uuid(),
  role: ShopRole,
  email: z.string().nullable(),
  created_at: z.string(),
});

export async function listMembers(
  db: SupabaseClient,
  shopId: string,
): Promise<z.infer<typeof MemberList>> {
  await requireShopPermission(db, shopId, "team.read");
  const { data, error } = await db.rpc("list_shop_members", { p_shop_id: shopId });
  if (error) throwShopError(error, "listing members");
  return {
    members: z
      .array(MemberRow)
      .parse(data)
      .map((row) => ({
        userId: row.user_id,
        email: row.email,
        role: row.role,
        joinedAt: new Date(row.created_at).toISOString(),
      })),
  };
}

export async function changeMemberRole(
  db: SupabaseClient,
  shopId: string,
  userId: string,
  body: z.infer<typeof MemberRoleChange>,
): Promise<{ userId: string; role: ShopRole }> {
  await requireShopPermission(db, shopId, "team.manage");
  const { data, error } = await db.rpc("set_shop_member_role", {
    p_shop_id: shopId,
    p_user_id: userId,
    p_role: body.role,
  });
  if (error) throwShopError(error, "changing a member's role");
  const row = z.object({ user_id: z.uuid(), role: ShopRole }).parse(data);
  return { userId: row.user_id, role: row.role };
}

/** Owners remove anyone; every member may remove themselves (leave). */
export async function removeMember(
  db: SupabaseClient,
  caller: Caller,
  shopId: string,
  userId: string,
): Promise<void> {
  await requireShopPermission(db, shopId, userId === caller.userId ? "shop.read" : "team.manage");
  const { error } = await db.rpc("remove_shop_member", { p_shop_id: shopId, p_user_id: userId });
  if (error) throwShopError(error, "removing a member");
}

const InvitationRow = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  email_sealed: z.string(),
  role: z.enum(["admin", "agent"]),
  expires_at: z.string(),
  created_at: z.string(),
});

function invitationView(raw: unknown): z.infer<typeof InvitationView> {
  const row = InvitationRow.parse(raw);
  return {
    id: row.id,
    shopId: row.shop_id,
    email: openPersonalData(row.email_sealed, SHOP_SEALED.invitationEmail),
    role: row.role,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Open (not accepted) invitations; expired ones included until renewed or withdrawn. */
export async function listInvitations(
  db: SupabaseClient,
  shopId: string,
): Promise<z.infer<typeof InvitationList>> {
  await requireShopPermission(db, shopId, "team.manage");
  const { data, error } = await db
    .from("shop_invitations")
    .select("id, shop_id, email_sealed, role, expires_at, created_at")
    .eq("shop_id", shopId)
    .is("accepted_at", null)
    .order("created_at", { ascending: false })
    .limit(200);
  if (error) throwShopError(error, "listing invitations");
  return { invitations: z.array(z.unknown()).parse(data).map(invitationView) };
}

/** Inviting an address again renews its open invitation (new role, new expiry). */
export async function inviteMember(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  shopId: string,
  body: z.infer<typeof InvitationCreate>,
): Promise<z.infer<typeof InvitationView>> {
  await requireShopPermission(db, shopId, "team.manage");
  const email = normalizeEmail(body.email);
  const { data, error } = await service.rpc("invite_shop_member", {
    p_user_id: caller.userId,
    p_shop_id: shopId,
    p_email_sealed: sealPersonalData(email, SHOP_SEALED.invitationEmail),
    p_email_hash: lookupHash(email, SHOP_SEALED.invitationEmailHash),
    p_role: body.role,
    p_days: INVITATION_DAYS,
  });
  if (error) throwShopError(error, "inviting a member");
  return invitationView(data);
}

export async function withdrawInvitation(
  db: SupabaseClient,
  shopId: string,
  invitationId: string,
): Promise<void> {
  await requireShopPermission(db, shopId, "team.manage");
  const { data, error } = await db
    .from("shop_invitations")
    .delete()
    .eq("id", invitationId)
    .eq("shop_id", shopId)
    .is("accepted_at", null)
    .select("id");
  if (error) throwShopError(error, "withdrawing an invitation");
  if (!data || data.length === 0) throw new ApiError("not_found", "There is no such invitation.");
}

/**
 * The invitee accepts with their own session: the invitation's address must be the caller's
 * verified sign-in email (compared by keyed hash); anyone else gets 404, as for an unknown id.
 */
export async function acceptInvitation(
  service: SupabaseClient,
  caller: Caller,
  shopId: string,
  invitationId: string,
): Promise<{ shopId: string; role: ShopRole }> {
  if (!caller.email) throw new ApiError("not_found", "There is no such invitation.");
  const { data, error } = await service.rpc("accept_shop_invitation", {
    p_user_id: caller.userId,
    p_shop_id: shopId,
    p_invitation_id: invitationId,
    p_email_hash: lookupHash(normalizeEmail(caller.email), SHOP_SEALED.invitationEmailHash),
  });
  if (error) throwShopError(error, "accepting an invitation");
  const row = z.object({ shop_id: z.uuid(), role: ShopRole }).parse(data);
  return { shopId: row.shop_id, role: row.role };
}
