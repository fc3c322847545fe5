// Who a booking request comes from, for the endpoints that serve customers and guests alike
// (auth "optional"): a signed-in caller acts through their own client and RLS; a guest through
// the anon client with the hash of the manage token they present.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../auth/caller.js";
import type { BookingAccess } from "./manage-booking.js";
import { presentedManageTokenHash } from "./manage-token.js";

export function bookingAccess(
  request: Request,
  caller: Caller | undefined,
  userDb: () => SupabaseClient,
): BookingAccess {
  return caller
    ? { db: userDb(), manageTokenHash: null }
    : { db: undefined, manageTokenHash: presentedManageTokenHash(request) };
}
