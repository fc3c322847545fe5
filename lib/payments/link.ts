// POST /api/payments/link, the MindfulQALB SPA's last step: it pays first (create-order, the
// checkout, verify), then books (POST /api/bookings, a hold), then sends
// `{razorpay_order_id, booking_id}`. The captured, unused payment of that order pays for the
// caller's live hold of the same session type and format, which is confirmed in the same
// database call (public.link_payment_to_booking); the booking takes the payment's amount and
// currency, the server's price less any coupon. Linking the same pair again answers the booking.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../db/rpc.js";
import { ApiError } from "../http/errors.js";

export const LinkRequest = z.strictObject({
  razorpay_order_id: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .describe("The `orderId` create-order answered (order_…)"),
  booking_id: z.uuid().describe("The `bookingId` POST /api/bookings answered"),
});
export type LinkRequest = z.infer<typeof LinkRequest>;

export const LinkResult = z
  .strictObject({
    success: z.literal(true),
    bookingId: z.uuid(),
    status: z.string().describe("`confirmed`: the payment pays for the booking"),
  })
  .meta({ id: "PaymentLink" });
export type LinkResult = z.infer<typeof LinkResult>;

const call = rpcCaller((error, fn) => {
  switch (error.code) {
    case "PT404":
      throw new ApiError("not_found", "There is no such order or booking of yours.");
    case "PT409":
      throw new ApiError(
        "conflict",
        "The booking is not a live hold any more: book again, then link the payment.",
      );
    case "BKPAY":
      throw new ApiError(
        "payment_not_usable",
        "This order's payment cannot pay for this booking: it is not captured yet (send the checkout's answer to POST /api/payments/verify first), already pays for another booking, was refunded, or was for another session type or format.",
      );
    default:
      throw new Error(`${fn} failed: ${error.code} ${error.message}`);
  }
});

const Linked = z.object({ id: z.uuid(), status: z.string() });

export async function linkPayment(
  service: SupabaseClient,
  userId: string,
  request: LinkRequest,
): Promise<LinkResult> {
  const booking = await call(
    service,
    "link_payment_to_booking",
    {
      p_user_id: userId,
      p_provider_order_id: request.razorpay_order_id,
      p_booking_id: request.booking_id,
    },
    Linked,
  );
  return { success: true, bookingId: booking.id, status: booking.status };
}
