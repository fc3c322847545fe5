// The ledger's new payment for what a payment endpoint's body asks to pay for: a hold (the
// payment takes its amount and currency) or a session from the catalogue, in the currency asked
// for or else the practice's. The body never names an amount: the ledger prices every payment.
import type { Caller } from "../auth/caller.js";
import { defaultCurrency } from "../bookings/policy.js";
import type { NewPayment } from "./ledger/ledger.js";
import type { ProviderName } from "./providers/types.js";

/** The fields of a payment request that say what it pays for. */
export interface PaymentFor {
  bookingId?: string;
  sessionType?: string;
  format?: string;
  currency?: string;
}

export function newPayment(
  caller: Caller,
  provider: ProviderName,
  request: PaymentFor,
): NewPayment {
  return {
    userId: caller.userId,
    provider,
    bookingId: request.bookingId ?? null,
    sessionType: request.sessionType ?? null,
    format: request.format ?? null,
    currency: request.currency ?? defaultCurrency(),
  };
}

/**
 * What the specs of the endpoints that start a payment share: a signed-in payer, 201, the
 * "payment" limit, a required Idempotency-Key (a retry must not open a second payment), and the
 * ledger, which only the server writes.
 */
export const STARTS_A_PAYMENT = {
  tags: ["payments"],
  auth: "user" as const,
  privileged: { ledgerStep: "the payments ledger is written only by the server" },
  status: 201 as const,
  limit: "payment" as const,
  idempotency: "required" as const,
};
