// Razorpay-shaped webhooks as a WebhookSource for receiveWebhook: Razorpay's own, and the local
// sandbox's, which signs the same events with its public secret. The body only says which payment
// an event is about; what happened to it comes from the provider — each payment event re-fetches
// the payment and applies its state now — so a stale, repeated or out-of-order event converges on
// the provider's truth, and the ledger's forward-only states make an older one a no-op.
import { parseJson } from "../../http/body.js";
import { ApiError, type ErrorCode } from "../../http/errors.js";
import { paymentByOrder } from "../ledger/ledger.js";
import { razorpayWebhookSignatureValid } from "../providers/razorpay.js";
import { paymentProvider } from "../providers/registry.js";
import { sandboxWebhookSignatureValid } from "../providers/sandbox.js";
import type { OrderProvider } from "../providers/types.js";
import { EventFacts, RazorpayWebhookBody } from "./razorpay-event-facts.js";
import { applyPayment, applyRefund, disputed, refundFailed } from "./razorpay-event-handlers.js";
import type { WebhookSource } from "./receive.js";

type OrderProviderName = OrderProvider["name"];
type Handling = "payment" | "refund" | "refund failed" | "dispute";

const SIGNATURE_VALID: Record<OrderProviderName, (rawBody: string, signature: string) => boolean> =
  { razorpay: razorpayWebhookSignatureValid, sandbox: sandboxWebhookSignatureValid };

/** Every event type handled; any other is stored and answered "ignored: unhandled type". */
const HANDLING = new Map<string, Handling>([
  // Re-fetched and applied as the provider reports the payment now. By the time an authorized
  // payment's event is handled it is usually captured (orders capture automatically); if not, it
  // stays pending and the capture's own event follows.
  ["payment.authorized", "payment"],
  ["payment.captured", "payment"],
  ["payment.failed", "payment"],
  ["order.paid", "payment"],
  ["refund.created", "refund"],
  ["refund.processed", "refund"],
  ["refund.failed", "refund failed"],
  ["payment.dispute.created", "dispute"],
  ["payment.dispute.won", "dispute"],
  ["payment.dispute.lost", "dispute"],
  ["payment.dispute.closed", "dispute"],
  ["payment.dispute.under_review", "dispute"],
  ["payment.dispute.action_required", "dispute"],
]);

/** What a Razorpay-shaped webhook may answer besides its receipt: the specs list these. */
export const ORDER_PROVIDER_WEBHOOK_ERRORS: ErrorCode[] = [
  "webhook_signature_invalid",
  "bad_request",
  "malformed_json",
  "provider_not_configured",
];

export function orderProviderWebhookSource(name: OrderProviderName): WebhookSource {
  return {
    provider: name,
    async verify(rawBody, headers) {
      // 503 before anything is read when the provider is not configured here (the sandbox,
      // whose secret is public, on every deployment).
      await paymentProvider(name);
      const signature = headers.get("x-razorpay-signature");
      if (signature === null || !SIGNATURE_VALID[name](rawBody, signature)) return undefined;
      const id = headers.get("x-razorpay-event-id");
      if (!id || id.length > 200) {
        throw new ApiError("bad_request", "Send the event id in X-Razorpay-Event-Id.");
      }
      const body = RazorpayWebhookBody.safeParse(parseJson(rawBody));
      if (!body.success) throw new ApiError("bad_request", "The body is not a Razorpay event.");
      return { id, type: body.data.event, payload: body.data.payload };
    },
    async handle(event, service) {
      const handling = HANDLING.get(event.type);
      if (handling === undefined) return "ignored: unhandled type";
      const facts = EventFacts.parse(event.payload);
      // Razorpay sends every payment of the account, other apps' too. An order we never made is
      // not ours to apply, and no retry would change that.
      if (!facts.orderId || !(await paymentByOrder(service, name, facts.orderId))) {
        return "ignored: unknown order";
      }
      switch (handling) {
        case "payment":
          return facts.paymentId
            ? applyPayment(service, name, facts.paymentId, facts.failureReason)
            : "ignored: no payment in the payload";
        case "refund":
          return facts.refund
            ? applyRefund(service, name, facts.refund)
            : "ignored: no refund in the payload";
        case "refund failed":
          return facts.refund
            ? refundFailed(service, name, facts.refund)
            : "ignored: no refund in the payload";
        case "dispute":
          return facts.dispute
            ? disputed(service, name, event.type, facts.paymentId, facts.dispute)
            : "ignored: no dispute";
      }
    },
  };
}
