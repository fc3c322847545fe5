// What the ledger needs from a payment provider, whatever its API looks like. Razorpay and the
// local sandbox are order-based (the browser pays an order, and a signature over our order id and
// the payment id proves it); Stripe is intent-based. Both can report a payment and refund one.
export type ProviderName = "razorpay" | "stripe" | "sandbox";

/** A payment as the provider itself reports it (fetched, never taken from the client). */
export interface ProviderPayment {
  /** Razorpay/sandbox pay_…, Stripe pi_…. */
  id: string;
  /** The order it paid: Razorpay/sandbox order_…, Stripe pi_… (the intent is its own order). */
  orderId: string;
  status: "created" | "authorized" | "captured" | "refunded" | "failed";
  amountMinor: number;
  currency: string;
}

/**
 * Metadata (Stripe) or notes (Razorpay) on every refund we create, holding our idempotency key:
 * the webhook tells our refunds from those made in the provider's dashboard by it.
 */
export const LEDGER_REFUND_KEY = "ledger_refund_key";

export interface ProviderRefund {
  id: string;
  /** pending: the provider took it and is paying it out; its webhook settles it later. */
  status: "pending" | "succeeded" | "failed";
}

/** Every provider: report a payment, refund one (the idempotency key makes a retry the same refund). */
export interface PaymentProvider {
  name: ProviderName;
  fetchPayment(providerPaymentId: string): Promise<ProviderPayment>;
  /**
   * The captured payment of one of our orders, if the provider has one: how the reconciliation
   * sweep finds a payment whose webhook and verify never arrived. Undefined when none is.
   */
  capturedPaymentOf(providerOrderId: string): Promise<ProviderPayment | undefined>;
  refund(
    providerPaymentId: string,
    amountMinor: number,
    idempotencyKey: string,
    options?: RefundOptions,
  ): Promise<ProviderRefund>;
}

export interface RefundOptions {
  /**
   * A destination charge (Stripe Connect): reverse the transfer to the connected account and
   * return the platform's fee in proportion, so the refund comes out of the shop's share.
   */
  reverseTransfer?: boolean;
}

/** Razorpay-shaped providers: orders the browser checkout pays, proven by a signature. */
export interface OrderProvider extends PaymentProvider {
  name: "razorpay" | "sandbox";
  /** The public key id the browser checkout is opened with. */
  keyId: string;
  createOrder(order: {
    receipt: string;
    amountMinor: number;
    currency: string;
  }): Promise<{ orderId: string }>;
  /** HMAC-SHA256 of `orderId|paymentId` with the key secret, compared in constant time. */
  checkoutSignatureValid(orderId: string, paymentId: string, signature: string): boolean;
}
