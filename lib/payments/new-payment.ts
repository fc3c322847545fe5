// The ledger's new payment for what a payment endpoint's body asks to pay for: a hold (the
// payment takes its amount and currency) or a session from the catalogue, in the currency asked
// for or else the practice's, in the format asked for or else the session type's default. The
// body never names an amount: the ledger prices every payment. The payer is the signed-in
// caller, or a guest: a guest pays for a hold with its manage token (X-Booking-Token), whose
// hash the ledger compares with the hold's, or for a session from the catalogue as nobody.
import type { Caller } from "../auth/caller.js";
import { presentedManageTokenHash } from "../bookings/manage-token.js";
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

/** Who pays: the signed-in caller, or a guest with the manage token the request presents. */
export interface Payer {
  userId: string | null;
  manageTokenHash: string | null;
}

export function payerOf(caller: Caller | undefined, headers: Headers): Payer {
  return caller
    ? { userId: caller.userId, manageTokenHash: null }
    : { userId: null, manageTokenHash: presentedManageTokenHash(headers) };
}

export function newPayment(payer: Payer, provider: ProviderName, request: PaymentFor): NewPayment {
  return {
    userId: payer.userId,
    manageTokenHash: payer.manageTokenHash,
    provider,
    bookingId: request.bookingId ?? null,
    sessionType: request.sessionType ?? null,
    format: request.format ?? null,
    currency: request.currency ?? defaultCurrency(),
  };
}

/**
 * What the specs of the endpoints that start a payment share: a signed-in payer or a guest (the
 * therapy spec's SPA has no accounts), 201, the "payment" limit, an optional Idempotency-Key
 * (honoured when sent: a retry with it opens no second payment; without it each call opens a new
 * order, which is harmless — an order nobody pays is never charged), and the ledger, which only
 * the server writes.
 */
export const STARTS_A_PAYMENT = {
  tags: ["payments"],
  auth: "optional" as const,
  privileged: { ledgerStep: "the payments ledger is written only by the server" },
  status: 201 as const,
  limit: "payment" as const,
  idempotency: "optional" as const,
};

/** What the descriptions of these endpoints say about guests and Idempotency-Key. */
export const GUEST_PAYMENT_NOTE =
  "No account is needed: a guest pays for a hold by sending its manage token as X-Booking-Token (404 without the right one), or pays for a session from the catalogue and books with the payment afterwards (POST /api/bookings with `paymentId`). `Idempotency-Key` is optional and honoured when sent.";
