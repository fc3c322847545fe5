// Coupons (migration 20261121003000_coupons.sql): the MindfulQALB SPA checks a code at checkout
// with POST /api/coupons/validate, then sends it to create-order as `couponCode` (and again as
// `coupon_code`). The discount is always the server's: validate only previews it on the amount
// the screen shows, and create-order computes it again on the catalogue price, opening the
// payment at the discounted amount. Every code that gives no discount — unknown, inactive, not
// yet or no longer valid, used up, in another currency — gets the same answer, so codes cannot
// be told apart by guessing; the endpoint is limited per IP (the "coupon" policy). Codes are
// never logged.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../db/rpc.js";
import { ApiError } from "../http/errors.js";
import { throwLedgerError } from "./ledger/ledger-errors.js";
import { PaymentRow } from "./payment-row.js";

/** The codes the SPA lets through (`/^[A-Z0-9_-]{1,32}$/i`), which the table also holds to. */
export const COUPON_CODE = /^[A-Z0-9_-]{1,32}$/i;

/** What the SPA shows for every code that gives no discount. */
export const COUPON_NOT_VALID = "This coupon code is not valid.";

export const CouponCheck = z.strictObject({
  code: z.string().trim().min(1).max(64).describe("The code as typed (any case)"),
  amountPaise: z
    .number()
    .int()
    .positive()
    .max(100_000_000)
    .describe("The price the checkout shows, in INR paise: the preview is computed on it"),
});
export type CouponCheck = z.infer<typeof CouponCheck>;

export const CouponAnswer = z
  .strictObject({
    valid: z.boolean(),
    discountPaise: z
      .number()
      .int()
      .optional()
      .describe("What the code takes off `amountPaise`; create-order computes it again"),
    code: z.string().optional().describe("The code as the practice wrote it (upper case)"),
    couponId: z.uuid().optional(),
    message: z.string().optional().describe("Shown to the customer when `valid` is false"),
  })
  .meta({ id: "CouponCheckResult" });
export type CouponAnswer = z.infer<typeof CouponAnswer>;

const Quote = z
  .object({ coupon_id: z.uuid(), code: z.string(), discount_minor: z.coerce.number().int() })
  .nullable();

const call = rpcCaller(throwLedgerError);

/** A preview of the code's discount on the SPA's amount (INR paise, as the SPA sends it). */
export async function checkCoupon(
  service: SupabaseClient,
  request: CouponCheck,
): Promise<CouponAnswer> {
  const quote = COUPON_CODE.test(request.code)
    ? await call(
        service,
        "coupon_quote",
        { p_code: request.code, p_amount_minor: request.amountPaise, p_currency: "INR" },
        Quote,
      )
    : null;
  if (!quote) return { valid: false, message: COUPON_NOT_VALID };
  return {
    valid: true,
    discountPaise: quote.discount_minor,
    code: quote.code,
    couponId: quote.coupon_id,
  };
}

/** The coupon create-order was sent: `couponCode` and `coupon_code` must agree when both come. */
export function couponCodeOf(request: {
  couponCode?: string;
  coupon_code?: string;
}): string | undefined {
  const { couponCode, coupon_code } = request;
  if (couponCode !== undefined && coupon_code !== undefined && couponCode !== coupon_code) {
    throw new ApiError("validation_failed", "Send one coupon code.", {
      errors: { coupon_code: ["Must be the same code as couponCode"] },
    });
  }
  return couponCode ?? coupon_code;
}

/** The refusal of a code create-order cannot apply; `error` is the field the SPA shows. */
export function couponRefused(): ApiError {
  return new ApiError("bad_request", COUPON_NOT_VALID, {
    extensions: { error: COUPON_NOT_VALID },
  });
}

/** A payment for a catalogue session at its price less the coupon's discount (one SQL call). */
export async function openCouponPayment(
  service: SupabaseClient,
  payment: {
    userId: string | null;
    provider: string;
    sessionType: string;
    format: string | null;
    currency: string;
    couponCode: string;
  },
): Promise<PaymentRow & { discount_minor: number }> {
  if (!COUPON_CODE.test(payment.couponCode)) throw couponRefused();
  const { data, error } = await service.rpc("ledger_open_coupon_payment", {
    p_user_id: payment.userId,
    p_provider: payment.provider,
    p_session_type_slug: payment.sessionType,
    p_format: payment.format,
    p_currency: payment.currency,
    p_coupon_code: payment.couponCode,
  });
  if (error?.code === "CPNOK") throw couponRefused();
  if (error) throwLedgerError(error, "ledger_open_coupon_payment");
  return PaymentRow.extend({ discount_minor: z.coerce.number().int() }).parse(data);
}
