// The commerce functions' refusals (supabase/migrations/20261121001900_shops.sql) as API errors.
import type { PostgrestError } from "@supabase/supabase-js";
import { ApiError } from "../http/errors.js";

export function throwShopError(error: PostgrestError, what: string): never {
  switch (error.code) {
    case "PT404":
      throw new ApiError("not_found", "There is no such resource in this shop.");
    case "PT409":
      throw new ApiError("conflict", shopConflictDetail(error.message));
    case "SHSTK":
      throw new ApiError(
        "conflict",
        "Not enough stock left for this order: nothing was reserved. Choose a smaller quantity or another product.",
      );
    case "SHEXP":
      throw new ApiError(
        "conflict",
        "This invitation has expired: ask the shop's owner for a new one.",
      );
    case "42501":
      throw new ApiError(
        "forbidden",
        error.message.startsWith("confirm your email")
          ? "Confirm your email address before accepting an invitation."
          : "Your role in this shop does not allow this.",
      );
    case "22023":
    case "23514":
      throw new ApiError("bad_request", "The request does not fit this shop's rules.");
    case "23503":
      throw new ApiError("bad_request", "The request names something this shop does not have.");
    default:
      throw new Error(`${what} failed: ${error.code} ${error.message}`);
  }
}

/** Our own functions' messages are written for people (no SQL, no data). */
function shopConflictDetail(message: string): string {
  if (/cannot move from/.test(message)) {
    return `The order's status cannot change that way (${message.replace(/^an order /, "")}): pending → processing → completed, and cancelled from pending or processing.`;
  }
  if (/last owner/.test(message))
    return "The shop's last owner cannot leave or stop being its owner.";
  if (/too many shops/.test(message)) return "You have created the most shops one person may.";
  return "This conflicts with the shop's current state.";
}
