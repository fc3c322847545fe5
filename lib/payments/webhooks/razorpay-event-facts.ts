// What handling a Razorpay-shaped webhook needs from its body — ids, amounts and statuses — read
// once when it arrives and stored in the inbox in place of the body. Razorpay's payment entity
// also carries the customer's email, phone number and card or UPI details, which the inbox must
// not keep in the clear (a copy of card details sitting in a log table is a leak waiting to
// happen); the handler re-fetches the payment from Razorpay anyway.
import * as z from "zod";
import { notesOf, RazorpayNotes } from "../providers/razorpay.js";
import { LEDGER_REFUND_KEY } from "../providers/types.js";

const Id = z.string().min(1).max(200);

export const EventFacts = z.object({
  paymentId: Id.optional(),
  /** The order the payment paid: how the event finds our payment. */
  orderId: Id.optional(),
  failureReason: z.string().max(500).optional(),
  refund: z
    .object({
      id: Id,
      paymentId: Id,
      amountMinor: z.number().int().positive(),
      status: z.string(),
      /** Set on refunds we made (LEDGER_REFUND_KEY); absent on the dashboard's. */
      ledgerKey: z.string().optional(),
    })
    .optional(),
  dispute: z
    .object({
      id: Id,
      amountMinor: z.number().int(),
      currency: z.string(),
      reasonCode: z.string().optional(),
    })
    .optional(),
});
export type EventFacts = z.infer<typeof EventFacts>;

/**
 * Each entity the events we handle carry. One that does not have this shape is left out rather
 * than refused: an event type we do not handle may use the same name for something else, and
 * must still be answered 2xx.
 */
const entity = <T extends z.ZodType>(schema: T) =>
  z.object({ entity: schema }).optional().catch(undefined);

const WebhookPayload = z
  .object({
    payment: entity(
      z.object({ id: Id, order_id: Id.nullish(), error_description: z.string().nullish() }),
    ),
    refund: entity(
      z.object({
        id: Id,
        payment_id: Id,
        amount: z.number().int().positive(),
        status: z.string(),
        notes: RazorpayNotes.nullish(),
      }),
    ),
    dispute: entity(
      z.object({
        id: Id,
        amount: z.number().int(),
        currency: z.string(),
        reason_code: z.string().nullish(),
      }),
    ),
  })
  .catch({});

/** A Razorpay webhook body: its type, and the facts its payload holds. */
export const RazorpayWebhookBody = z.object({
  event: z.string().min(1).max(200),
  payload: WebhookPayload.transform(({ payment, refund, dispute }): EventFacts => {
    const ledgerKey = refund && notesOf(refund.entity.notes)[LEDGER_REFUND_KEY];
    return {
      paymentId: payment?.entity.id ?? refund?.entity.payment_id,
      orderId: payment?.entity.order_id ?? undefined,
      failureReason: payment?.entity.error_description?.slice(0, 500) ?? undefined,
      refund: refund && {
        id: refund.entity.id,
        paymentId: refund.entity.payment_id,
        amountMinor: refund.entity.amount,
        status: refund.entity.status,
        ledgerKey: typeof ledgerKey === "string" ? ledgerKey : undefined,
      },
      dispute: dispute && {
        id: dispute.entity.id,
        amountMinor: dispute.entity.amount,
        currency: dispute.entity.currency,
        reasonCode: dispute.entity.reason_code ?? undefined,
      },
    };
  }),
});
