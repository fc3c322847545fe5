// GET /api/health?action=profile: the MindfulQALB SPA's profile read (src/contexts/AuthContext.tsx),
// which wants the bare row of its own `profiles` table — `{id, email, full_name, phone,
// avatar_url, role, created_at, updated_at}` with `role` one of user, admin, therapist — and
// gates its admin pages on `role === "admin"`. Bastion's profile, in those names: the name and
// phone opened from their sealed columns, the role from the access token (admin → admin,
// staff → therapist, anyone else → user), no avatar.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { openProfile, PROFILE_COLUMNS, type ProfileRow } from "./profile.js";

export const SpaProfile = z
  .strictObject({
    id: z.guid(),
    email: z.string().nullable(),
    full_name: z.string().nullable(),
    phone: z.string().nullable(),
    avatar_url: z.null().describe("Bastion keeps no avatar"),
    role: z.enum(["user", "admin", "therapist"]),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "SpaProfile" });
export type SpaProfile = z.infer<typeof SpaProfile>;

export async function getSpaProfile(db: SupabaseClient, caller: Caller): Promise<SpaProfile> {
  const { data, error } = await db
    .from("profiles")
    .select(`${PROFILE_COLUMNS}, created_at, updated_at`)
    .eq("id", caller.userId)
    .maybeSingle<ProfileRow & { created_at: string; updated_at: string }>();
  if (error) throw new Error(`profile read failed: ${error.code} ${error.message}`);
  if (!data) throw new ApiError("unauthorized", "This account no longer exists.");
  const open = openProfile(data);
  return {
    id: data.id,
    email: caller.email ?? null,
    full_name: open.fullName,
    phone: open.phone,
    avatar_url: null,
    role: caller.roles.includes("admin")
      ? "admin"
      : caller.roles.includes("staff")
        ? "therapist"
        : "user",
    created_at: data.created_at,
    updated_at: data.updated_at,
  };
}
