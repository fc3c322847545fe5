// Who a booking request comes from, for the endpoints that serve customers and guests alike
// (auth "optional"), and which database client each kind of booking function is called with:
// - functions a client may call (read, cancel, SMS opt-in): a signed-in caller's own client, so
//   the database checks their token; for a guest the server's, because only the server may
//   present a manage token's hash (the database refuses it from anyone else);
// - functions only the server may call (create and change, which take sealed personal data):
//   the server's, naming the signed-in caller's id or the guest's token hash.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { presentedManageTokenHash } from "./manage-token.js";

export interface BookingAccess {
  /** The signed-in caller's id, or null for a guest. */
  userId: string | null;
  /** The hash of the manage token a guest presents; null for signed-in callers or without one. */
  manageTokenHash: string | null;
  /** For client-callable functions. */
  client: SupabaseClient;
  /** For server-only functions. */
  server: SupabaseClient;
  /** For what anyone may read: the catalogue and availability. */
  anon: SupabaseClient;
}

export interface BookingClients {
  readonly anon: SupabaseClient;
  readonly user: SupabaseClient;
  readonly service: SupabaseClient;
}

/**
 * Who is asking, from the request: the signed-in caller, or a guest presenting a manage token as
 * X-Booking-Token. A request with neither is 401.
 */
export function bookingAccess(
  headers: Headers,
  caller: Caller | undefined,
  db: BookingClients,
): BookingAccess {
  if (caller) {
    return {
      userId: caller.userId,
      manageTokenHash: null,
      client: db.user,
      server: db.service,
      anon: db.anon,
    };
  }
  const manageTokenHash = presentedManageTokenHash(headers);
  if (manageTokenHash === null) {
    throw new ApiError(
      "unauthorized",
      "Sign in, or send the booking's manage token in the X-Booking-Token header.",
    );
  }
  return { userId: null, manageTokenHash, client: db.service, server: db.service, anon: db.anon };
}
