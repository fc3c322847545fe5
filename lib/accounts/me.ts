// GET /api/auth/me: who the caller is (from the verified token) and their profile (through RLS).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { openProfile, type ProfileRow } from "./profile.js";

export const MeView = z
  .object({
    user: z.object({ id: z.string(), email: z.string().optional(), roles: z.array(z.string()) }),
    profile: z
      .object({
        fullName: z.string().nullable(),
        phone: z.string().nullable(),
        locale: z.string().nullable(),
        timeZone: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: "Me" });

export async function currentUser(
  caller: Caller,
  db: SupabaseClient,
): Promise<z.infer<typeof MeView>> {
  const { data, error } = await db
    .from("profiles")
    .select("full_name_sealed, phone_sealed, locale, time_zone")
    .eq("id", caller.userId)
    .maybeSingle<Omit<ProfileRow, "id">>();
  if (error) throw new Error(`profile read failed: ${error.code}`);
  return {
    user: { id: caller.userId, ...(caller.email && { email: caller.email }), roles: caller.roles },
    profile: data && openProfile(data),
  };
}
