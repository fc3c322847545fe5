// The shop functions of the payments ledger (supabase/migrations/20261121001905_shop_payments.sql),
// each one database call, written only by the server through the service role. Their refusals
// are the ledger's (PT404, PT409, BKRFD), answered as the ledger's API errors; opening one also
// refuses Razorpay for an order not in INR (22023, a 400).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../../db/rpc.js";
import { ApiError } from "../../http/errors.js";
import { throwLedgerError } from "../../payments/ledger/ledger-errors.js";
import { RefundRow } from "../../payments/ledger/refund-payment.js";
import { ShopPaymentRow } from "./shop-payment-row.js";

const call = rpcCaller(throwLedgerError);

const openCall = rpcCaller((error, action) => {
  if (error.code === "22023") {
    throw new ApiError(
      "bad_request",
      "Razorpay takes INR orders only: pay this order with Stripe.",
    );
  }
  return throwLedgerError(error, action);
});

/** A payment for one of the shop's pending orders, priced from the order under its lock. */
export function openShopPayment(
  service: SupabaseClient,
  open: {
    shopId: string;
    orderId: string;
    /** null: `inrProvider` for an INR order, else Stripe. */
    provider: "stripe" | "razorpay" | null;
    inrProvider: "stripe" | "razorpay";
    feeBps: number;
  },
): Promise<ShopPaymentRow> {
  return openCall(
    service,
    "shop_open_payment",
    {
      p_shop_id: open.shopId,
      p_order_id: open.orderId,
      p_provider: open.provider,
      p_inr_provider: open.inrProvider,
      p_fee_bps: open.feeBps,
    },
    ShopPaymentRow,
  );
}

/** One of the shop's payments, for a member whose role carries `permission`; 404 for anyone else. */
export function shopPaymentForMember(
  service: SupabaseClient,
  member: { userId: string; shopId: string; paymentId: string; permission: string },
): Promise<ShopPaymentRow> {
  return call(
    service,
    "shop_payment_for_member",
    {
      p_user_id: member.userId,
      p_shop_id: member.shopId,
      p_payment_id: member.paymentId,
      p_permission: member.permission,
    },
    ShopPaymentRow,
  );
}

/** A refund reserved by the shop's owner or admin (never more than is left to refund). */
export function beginShopRefund(
  service: SupabaseClient,
  refund: {
    userId: string;
    shopId: string;
    paymentId: string;
    amountMinor: number | null;
    reason: string;
    idempotencyKey: string;
  },
): Promise<RefundRow> {
  return call(
    service,
    "shop_begin_refund",
    {
      p_user_id: refund.userId,
      p_shop_id: refund.shopId,
      p_payment_id: refund.paymentId,
      p_amount_minor: refund.amountMinor,
      p_reason: refund.reason,
      p_idempotency_key: refund.idempotencyKey,
    },
    RefundRow,
  );
}

export const PaymentAccountRow = z.object({
  shop_id: z.uuid(),
  stripe_account_id: z.string(),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  status_read_at: z.string().nullable(),
});
export type PaymentAccountRow = z.infer<typeof PaymentAccountRow>;

/** A composite returned by a function is all nulls when there is no row. */
const OptionalAccount = z
  .object({ shop_id: z.uuid().nullable() })
  .loose()
  .nullable()
  .transform((row) => (row?.shop_id ? PaymentAccountRow.parse(row) : undefined));

/** The shop's Connect account, for its owner (404 for anyone else); undefined before onboarding. */
export function paymentAccountForOwner(
  service: SupabaseClient,
  userId: string,
  shopId: string,
): Promise<PaymentAccountRow | undefined> {
  return call(
    service,
    "shop_payment_account_for_owner",
    { p_user_id: userId, p_shop_id: shopId },
    OptionalAccount,
  );
}

/** Records the account Stripe created; the shop's first account wins a race. */
export function recordPaymentAccount(
  service: SupabaseClient,
  userId: string,
  shopId: string,
  stripeAccountId: string,
): Promise<PaymentAccountRow> {
  return call(
    service,
    "record_shop_payment_account",
    { p_user_id: userId, p_shop_id: shopId, p_stripe_account_id: stripeAccountId },
    PaymentAccountRow,
  );
}

/** What Stripe reported of an account when read at `readAt`; undefined when no shop has it. */
export function recordPaymentAccountStatus(
  service: SupabaseClient,
  status: {
    stripeAccountId: string;
    chargesEnabled: boolean;
    payoutsEnabled: boolean;
    detailsSubmitted: boolean;
    readAt: Date;
  },
): Promise<PaymentAccountRow | undefined> {
  return call(
    service,
    "record_shop_payment_account_status",
    {
      p_stripe_account_id: status.stripeAccountId,
      p_charges_enabled: status.chargesEnabled,
      p_payouts_enabled: status.payoutsEnabled,
      p_details_submitted: status.detailsSubmitted,
      p_read_at: status.readAt.toISOString(),
    },
    OptionalAccount,
  );
}
