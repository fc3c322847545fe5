// GET /api/auth/me: who the caller is (from the verified token) and their profile (through RLS).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { MyShop, myShops } from "../shops/shops.js";
import { openProfile, type ProfileRow } from "./profile.js";

export const MeView = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string().optional(),
      /** The spec's `username`: the sign-in email's local part (Bastion keeps no separate handle). */
      username: z.string().nullable(),
      roles: z.array(z.string()),
    }),
    profile: z
      .object({
        fullName: z.string().nullable(),
        phone: z.string().nullable(),
        locale: z.string().nullable(),
        timeZone: z.string().nullable(),
      })
      .nullable(),
    /** The shops the caller belongs to, with their role in each (the spec's `role`). */
    shops: z.array(MyShop),
  })
  .meta({ id: "Me" });

export async function currentUser(
  caller: Caller,
  db: SupabaseClient,
): Promise<z.infer<typeof MeView>> {
  // Both reads at once: the profile and the shops are one round trip's wait.
  const [{ data, error }, shops] = await Promise.all([
    db
      .from("profiles")
      .select("full_name_sealed, phone_sealed, locale, time_zone")
      .eq("id", caller.userId)
      .maybeSingle<Omit<ProfileRow, "id">>(),
    myShops(db, caller.userId),
  ]);
  if (error) throw new Error(`profile read failed: ${error.code}`);
  return {
    user: {
      id: caller.userId,
      ...(caller.email && { email: caller.email }),
      username: caller.email ? (caller.email.split("@")[0] ?? null) : null,
      roles: caller.roles,
    },
    profile: data && openProfile(data),
    shops,
  };
}
