// GET /api/shops/:shopId/payments/:id through the caller's own client: row-level security shows a
// shop's members the payments of their shop's orders (the payments policy of
// 20261121001905_shop_payments.sql), and the order must be this shop's; anything else is 404.
import type { SupabaseClient } from "@supabase/supabase-js";
import { ApiError } from "../../http/errors.js";
import { type ShopPayment, ShopPaymentRow, shopPaymentView } from "./shop-payment-row.js";

export async function readShopPayment(
  db: SupabaseClient,
  shopId: string,
  paymentId: string,
): Promise<ShopPayment> {
  const { data: payment, error } = await db
    .from("payments")
    .select("*")
    .eq("id", paymentId)
    .not("order_id", "is", null)
    .maybeSingle();
  if (error) throw new Error(`reading a payment failed: ${error.code} ${error.message}`);
  if (payment === null) throw new ApiError("not_found", "There is no such payment.");
  const row = ShopPaymentRow.parse(payment);
  const { data: order, error: orderError } = await db
    .from("orders")
    .select("id")
    .eq("id", row.order_id)
    .eq("shop_id", shopId)
    .maybeSingle();
  if (orderError)
    throw new Error(`reading an order failed: ${orderError.code} ${orderError.message}`);
  if (order === null) throw new ApiError("not_found", "There is no such payment.");
  return shopPaymentView(row);
}
