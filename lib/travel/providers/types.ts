// One interface for every flight provider: search, re-validate one offer (price and
// availability change), and — where the provider sells tickets through the API — create and
// cancel the order. Adapters speak their provider's wire format and answer in ProviderOffer.

import type { FlightProviderName, Passengers, ProviderOffer } from "../offer.js";
import type { FlightQuery } from "../search-request.js";
import type { Contact, Traveler } from "../travelers.js";

export interface ProviderOrder {
  /** The provider's order id (Duffel ord_…). */
  orderId: string;
  /** The airline's booking reference (PNR), when the provider gives one. */
  bookingReference: string | null;
}

export interface FlightProvider {
  readonly name: FlightProviderName;
  search(query: FlightQuery): Promise<ProviderOffer[]>;
  /** The offer as it stands now, or null when it can no longer be bought. */
  confirm(ref: string, passengers: Passengers, currency: string): Promise<ProviderOffer | null>;
  /**
   * Buys the offer at the confirmed price (Duffel). Absent: the provider takes no orders
   * through the API, and a paid booking is confirmed in Bastion alone.
   */
  createOrder?(
    offer: ProviderOffer,
    travelers: readonly Traveler[],
    contact: Contact,
    bookingId: string,
  ): Promise<ProviderOrder>;
  /**
   * The order created for this booking (found by the booking id it was created with), null when
   * the provider certainly has none, or "unknown" when it could not tell (the sweep retries).
   */
  findOrder?(bookingId: string): Promise<ProviderOrder | null | "unknown">;
  /** Quotes the order's cancellation (nothing changes until it is confirmed). */
  quoteCancellation?(orderId: string): Promise<CancellationQuote>;
  /** A quote asked for before, as it stands now (confirmed or not), or null when unknown. */
  getCancellation?(cancellationId: string): Promise<CancellationQuote | null>;
  /** Confirms the quote: the order is cancelled and the refund applied. */
  confirmCancellation?(cancellationId: string): Promise<CancellationQuote>;
}

/** What cancelling an order gives back (Duffel's order cancellation). */
export interface CancellationQuote {
  id: string;
  /** The refund in minor units of `currency`. */
  refundMinor: number;
  currency: string;
  /** Where the provider refunds it: our balance, the original payment, airline credits… */
  refundTo: string;
  expiresAt: string | null;
  confirmed: boolean;
}

/** The provider refused or failed; `status` 0 when it did not answer. Never its body. */
export class FlightProviderError extends Error {
  constructor(
    readonly provider: FlightProviderName,
    readonly endpoint: string,
    readonly status: number,
  ) {
    super(`${provider} ${endpoint}: ${status === 0 ? "no answer" : status}`);
    this.name = "FlightProviderError";
  }
}
