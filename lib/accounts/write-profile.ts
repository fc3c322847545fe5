// Profile writes, the server's alone: the name and phone are sealed here and stored through the
// service client, because the database cannot tell ciphertext from text and a user's own token
// could otherwise put anything into a sealed column (users keep the update grant on locale and
// time_zone only). Each write names its row by the verified caller's id, never by input.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../auth/caller.js";
import { sealPersonalData } from "../crypto/personal-data.js";
import {
  PROFILE_COLUMNS,
  type Profile,
  type ProfileRow,
  type ProfileUpdate,
  profileView,
} from "./profile.js";
import { PROFILE_SEALED_COLUMNS } from "./sealed-columns.js";

const seal = (value: string | null, column: keyof typeof PROFILE_SEALED_COLUMNS) =>
  value === null ? null : sealPersonalData(value, PROFILE_SEALED_COLUMNS[column]);

/**
 * PUT /api/users/me: the fields sent replaced, null clearing one, the others kept. An empty
 * update writes nothing and answers the profile as it is.
 */
export async function updateProfile(
  service: SupabaseClient,
  caller: Caller,
  update: ProfileUpdate,
): Promise<Profile> {
  const changes = {
    ...(update.fullName !== undefined && {
      full_name_sealed: seal(update.fullName, "full_name_sealed"),
    }),
    ...(update.phone !== undefined && { phone_sealed: seal(update.phone, "phone_sealed") }),
    ...(update.locale !== undefined && { locale: update.locale }),
    ...(update.timeZone !== undefined && { time_zone: update.timeZone }),
  };
  const profiles = service.from("profiles");
  const written =
    Object.keys(changes).length === 0
      ? profiles.select(PROFILE_COLUMNS)
      : profiles.update(changes).select(PROFILE_COLUMNS);
  const { data, error } = await written.eq("id", caller.userId).maybeSingle<ProfileRow>();
  if (error) throw new Error(`profile update failed: ${error.code} ${error.message}`);
  return profileView(data, caller);
}

/** Control characters (C0, DEL, C1), which a profile's name may not hold. */
const CONTROL_CHARACTERS = /\p{Cc}/gu;
const FULL_NAME_MAX = 200;

/**
 * The name given at registration, on the profile the sign-up trigger made, cleaned to fit a
 * profile's name rather than fail the sign-up (control characters become spaces, at most 200
 * characters). With e-mail confirmation on, Supabase Auth answers an address it already has with
 * a made-up user: no profile has that id, so nothing is written. An address whose account is
 * still unconfirmed gets that account back (and its mail again), so a repeat sign-up, by anyone,
 * names that same pending account: only a profile without a name is written, in one statement,
 * and so the name stays the one its own sign-up gave. (The account's created_at would be another
 * signal, but it is Supabase's clock against this function's, and a pending account may be
 * seconds old.)
 */
export async function saveRegisteredName(
  service: SupabaseClient,
  userId: string,
  fullName: string,
): Promise<void> {
  const name = fullName.replace(CONTROL_CHARACTERS, " ").trim().slice(0, FULL_NAME_MAX).trim();
  if (name === "") return;
  const { error } = await service
    .from("profiles")
    .update({ full_name_sealed: seal(name, "full_name_sealed") })
    .eq("id", userId)
    .is("full_name_sealed", null);
  if (error) throw new Error(`saving the registered name failed: ${error.code} ${error.message}`);
}
