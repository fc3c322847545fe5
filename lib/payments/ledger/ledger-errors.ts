// The ledger functions' refusals (supabase/migrations/20261121000500_payments.sql) as API errors.
import type { PostgrestError } from "@supabase/supabase-js";
import { ApiError } from "../../http/errors.js";

export function throwLedgerError(error: PostgrestError, action: string): never {
  switch (error.code) {
    case "PT404":
      throw new ApiError("not_found", "There is no such payment, order or booking.");
    case "PT409":
      throw new ApiError("conflict", "This payment or booking cannot take this change now.");
    case "BKAMT":
      throw new ApiError(
        "payment_verification_failed",
        "The provider's record of this payment does not match the order.",
      );
    case "BKRFD":
      throw new ApiError(
        "refund_exceeds_captured",
        "A refund can be at most what was captured and not yet refunded.",
      );
    default:
      throw new Error(`${action} failed: ${error.code} ${error.message}`);
  }
}
