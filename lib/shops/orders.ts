// Orders of a shop: list (status filter, cursor pages), one with its items, the customer's
// contact (opened on the server for members who read orders) and its history, and status changes
// through public.set_shop_order_status (the database's state machine; an illegal move is 409).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { afterCursor, nextCursor, PageCursor, PageLimit } from "../http/page-cursor.js";
import { requireShopPermission } from "./access.js";
import { sendCancelledOrderRefund } from "./payments/cancel-refund.js";
import { SHOP_SEALED } from "./sealed-contexts.js";
import { throwShopError } from "./shop-errors.js";

export const OrderParams = z.strictObject({ shopId: z.uuid(), orderId: z.uuid() });

export const ORDER_STATUSES = ["pending", "processing", "completed", "cancelled"] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export const PaymentStatus = z.enum(["unpaid", "paid", "partially_refunded", "refunded"]);

export const OrderSummary = z
  .object({
    id: z.uuid(),
    shopId: z.uuid(),
    formId: z.uuid().nullable(),
    status: OrderStatus,
    paymentStatus: PaymentStatus,
    totalMinor: z.number().int(),
    currency: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "OrderSummary" });

export const OrderItemView = z.object({
  productId: z.uuid(),
  name: z.string().describe("As it was when the order was placed"),
  unitPriceMinor: z.number().int().describe("As it was when the order was placed"),
  quantity: z.number().int(),
  lineTotalMinor: z.number().int(),
});

export const OrderEventView = z.object({
  actorUserId: z.uuid().nullable().describe("The member who made the change; null: the server"),
  fromStatus: OrderStatus.nullable(),
  toStatus: OrderStatus,
  fromPaymentStatus: PaymentStatus.nullable(),
  toPaymentStatus: PaymentStatus,
  at: z.string(),
});

export const OrderView = OrderSummary.extend({
  customer: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
  items: z.array(OrderItemView),
  history: z.array(OrderEventView),
}).meta({ id: "ShopOrder" });
export type OrderView = z.infer<typeof OrderView>;

export const OrderListQuery = z.strictObject({
  status: OrderStatus.optional(),
  limit: PageLimit,
  cursor: PageCursor.optional().describe("`nextCursor` of the previous page"),
});

export const OrderList = z
  .object({ orders: z.array(OrderSummary), nextCursor: z.string().nullable() })
  .meta({ id: "OrderList" });

export const OrderStatusChange = z
  .strictObject({
    status: OrderStatus.describe(
      "pending → processing → completed; cancelled from pending or processing (gives the stock back)",
    ),
  })
  .meta({ id: "OrderStatusChange" });

const SUMMARY_COLUMNS =
  "id, shop_id, form_id, status, payment_status, total_minor, currency, created_at, updated_at";

const SummaryRow = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  form_id: z.uuid().nullable(),
  status: OrderStatus,
  payment_status: PaymentStatus,
  total_minor: z.coerce.number(),
  currency: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

function summaryView(raw: unknown): z.infer<typeof OrderSummary> {
  const row = SummaryRow.parse(raw);
  return {
    id: row.id,
    shopId: row.shop_id,
    formId: row.form_id,
    status: row.status,
    paymentStatus: row.payment_status,
    totalMinor: row.total_minor,
    currency: row.currency,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function listOrders(
  db: SupabaseClient,
  shopId: string,
  query: z.infer<typeof OrderListQuery>,
): Promise<z.infer<typeof OrderList>> {
  await requireShopPermission(db, shopId, "orders.read");
  let request = db.from("orders").select(SUMMARY_COLUMNS).eq("shop_id", shopId);
  if (query.status) request = request.eq("status", query.status);
  if (query.cursor) request = request.or(afterCursor(query.cursor));
  const { data, error } = await request
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(query.limit + 1);
  if (error) throwShopError(error, "listing orders");
  const rows = z.array(z.object({ created_at: z.string(), id: z.uuid() }).loose()).parse(data);
  return {
    orders: rows.slice(0, query.limit).map(summaryView),
    nextCursor: nextCursor(rows, query.limit),
  };
}

const DetailRow = z.object({
  customer_name_sealed: z.string(),
  customer_email_sealed: z.string(),
  customer_phone_sealed: z.string().nullable(),
  order_items: z.array(
    z.object({
      product_id: z.uuid(),
      name: z.string(),
      unit_price_minor: z.coerce.number(),
      quantity: z.coerce.number(),
    }),
  ),
  order_events: z.array(
    z.object({
      id: z.coerce.number(),
      actor_user_id: z.uuid().nullable(),
      from_status: OrderStatus.nullable(),
      to_status: OrderStatus,
      from_payment_status: PaymentStatus.nullable(),
      to_payment_status: PaymentStatus,
      created_at: z.string(),
    }),
  ),
});

export async function getOrder(
  db: SupabaseClient,
  shopId: string,
  orderId: string,
): Promise<OrderView> {
  await requireShopPermission(db, shopId, "orders.read");
  const { data, error } = await db
    .from("orders")
    .select(
      `${SUMMARY_COLUMNS}, customer_name_sealed, customer_email_sealed, customer_phone_sealed, order_items(product_id, name, unit_price_minor, quantity), order_events(id, actor_user_id, from_status, to_status, from_payment_status, to_payment_status, created_at)`,
    )
    .eq("id", orderId)
    .eq("shop_id", shopId)
    .maybeSingle();
  if (error) throwShopError(error, "reading an order");
  if (!data) throw new ApiError("not_found", "There is no such order in this shop.");
  const detail = DetailRow.parse(data);
  return {
    ...summaryView(data),
    customer: {
      name: openPersonalData(detail.customer_name_sealed, SHOP_SEALED.customerName),
      email: openPersonalData(detail.customer_email_sealed, SHOP_SEALED.customerEmail),
      phone:
        detail.customer_phone_sealed === null
          ? null
          : openPersonalData(detail.customer_phone_sealed, SHOP_SEALED.customerPhone),
    },
    items: detail.order_items
      .map((item) => ({
        productId: item.product_id,
        name: item.name,
        unitPriceMinor: item.unit_price_minor,
        quantity: item.quantity,
        lineTotalMinor: item.unit_price_minor * item.quantity,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    history: detail.order_events
      .sort((a, b) => a.id - b.id)
      .map((event) => ({
        actorUserId: event.actor_user_id,
        fromStatus: event.from_status,
        toStatus: event.to_status,
        fromPaymentStatus: event.from_payment_status,
        toPaymentStatus: event.to_payment_status,
        at: new Date(event.created_at).toISOString(),
      })),
  };
}

/**
 * Moves an order along (the caller's own client: the database checks the role). Cancelling a paid
 * order refunds what is left of its payment: reserved by the cancel itself, sent here at once.
 */
export async function changeOrderStatus(
  db: SupabaseClient,
  service: SupabaseClient,
  shopId: string,
  orderId: string,
  body: z.infer<typeof OrderStatusChange>,
): Promise<z.infer<typeof OrderSummary>> {
  await requireShopPermission(db, shopId, "orders.status");
  const { data, error } = await db.rpc("set_shop_order_status", {
    p_shop_id: shopId,
    p_order_id: orderId,
    p_status: body.status,
  });
  if (error) throwShopError(error, "changing an order's status");
  const order = summaryView(data);
  if (order.status !== "cancelled" || !(await sendCancelledOrderRefund(service, order.id))) {
    return order;
  }
  // The refund moved the order's payment status: answer what it is now.
  const reread = await db.from("orders").select("*").eq("id", order.id).single();
  if (reread.error) throwShopError(reread.error, "reading an order");
  return summaryView(reread.data);
}
