// A network-level fake of the part of Razorpay's API that Bastion calls, for the real `razorpay`
// SDK pointed at it with RAZORPAY_API_URL: orders (create), payments (fetch, refund) and a
// payment's refunds (list), behind Basic auth with the key id and secret. Bodies arrive as JSON,
// as the SDK sends them; answers are Razorpay's JSON shapes and error envelope. Tests play the
// customer, the dashboard and the card network through the methods below, and build webhook
// bodies with razorpayEvent().
import { randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

type RazorpayEntity = Record<string, unknown>;

export interface FakePayment extends RazorpayEntity {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: "authorized" | "captured" | "refunded" | "failed";
  amount_refunded: number;
}

export interface FakeRefund extends RazorpayEntity {
  id: string;
  payment_id: string;
  amount: number;
  notes: Record<string, string> | [];
}

export interface FakeRazorpay {
  url: string;
  /** Every request received, with its JSON body and whether its Basic auth was right. */
  requests: { method: string; path: string; body: unknown; authorized: boolean }[];
  /** The customer pays the order (captured, as orders capture automatically), or fails to. */
  pay(orderId: string, status?: "captured" | "failed" | "authorized"): FakePayment;
  payment(paymentId: string): FakePayment;
  /** A refund made in Razorpay's dashboard (no notes of ours); the rest when no amount. */
  dashboardRefund(paymentId: string, amount?: number): FakeRefund;
  /** A chargeback the customer's bank opens. */
  openDispute(paymentId: string): RazorpayEntity;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(7).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

export async function startFakeRazorpay(keyId: string, keySecret: string): Promise<FakeRazorpay> {
  const orders = new Map<string, RazorpayEntity & { amount: number; currency: string }>();
  const payments = new Map<string, FakePayment>();
  const refunds: FakeRefund[] = [];
  const requests: FakeRazorpay["requests"] = [];
  const basic = `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString("base64")}`;

  function payment(paymentId: string): FakePayment {
    const found = payments.get(paymentId);
    if (!found) throw new Error(`the fake has no payment ${paymentId}`);
    return found;
  }

  function createOrder(params: RazorpayEntity) {
    const order = {
      id: id("order"),
      entity: "order",
      amount: Number(params.amount),
      amount_paid: 0,
      amount_due: Number(params.amount),
      currency: String(params.currency),
      receipt: params.receipt ?? null,
      offer_id: null,
      status: "created",
      attempts: 0,
      notes: params.notes ?? [],
      created_at: now(),
    };
    orders.set(order.id, order);
    return order;
  }

  /** Razorpay refunds the rest when no amount is named, and never more than is left. */
  function refund(paymentId: string, amount: number | undefined, notes: FakeRefund["notes"]) {
    const paid = payment(paymentId);
    const left = paid.amount - paid.amount_refunded;
    const wanted = amount ?? left;
    if (paid.status !== "captured") return invalid("The payment has not been captured");
    if (wanted <= 0 || wanted > left) {
      return invalid("The refund amount provided is greater than amount captured");
    }
    const made: FakeRefund = {
      id: id("rfnd"),
      entity: "refund",
      amount: wanted,
      currency: paid.currency,
      payment_id: paymentId,
      notes,
      receipt: null,
      acquirer_data: { rrn: null },
      created_at: now(),
      batch_id: null,
      status: "processed",
      speed_processed: "normal",
      speed_requested: "normal",
    };
    refunds.push(made);
    paid.amount_refunded += wanted;
    Object.assign(paid, {
      refund_status: paid.amount_refunded === paid.amount ? "full" : "partial",
      ...(paid.amount_refunded === paid.amount && { status: "refunded" }),
    });
    return { status: 200, body: made };
  }

  function route(method: string, path: string, body: RazorpayEntity) {
    const [, version, resource, resourceId, more] = path.split("/");
    if (version !== "v1") return notFound();
    if (method === "POST" && resource === "orders" && !resourceId) {
      return { status: 200, body: createOrder(body) };
    }
    if (method === "GET" && resource === "orders" && resourceId && more === "payments") {
      const items = [...payments.values()].filter((p) => p.order_id === resourceId);
      return { status: 200, body: { entity: "collection", count: items.length, items } };
    }
    const found = resource === "payments" && resourceId ? payments.get(resourceId) : undefined;
    if (resource === "payments" && !found) return invalid("The id provided does not exist");
    if (method === "GET" && found && !more) return { status: 200, body: found };
    if (method === "POST" && found && more === "refund") {
      const amount = body.amount === undefined ? undefined : Number(body.amount);
      return refund(found.id, amount, (body.notes as FakeRefund["notes"] | undefined) ?? []);
    }
    if (method === "GET" && found && more === "refunds") {
      // Newest first, as Razorpay lists them.
      const items = refunds.filter((r) => r.payment_id === found.id).reverse();
      return { status: 200, body: { entity: "collection", count: items.length, items } };
    }
    return notFound();
  }

  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      const body = text === "" ? {} : (JSON.parse(text) as RazorpayEntity);
      const authorized = request.headers.get("authorization") === basic;
      requests.push({ method: request.method, path: url.pathname, body, authorized });
      if (!authorized) return reply(401, errorBody("Authentication failed"));
      const answer = route(request.method, url.pathname, body);
      return reply(answer.status, answer.body);
    },
    { port: 0 },
  );

  return {
    url: server.url,
    requests,
    pay(orderId, status = "captured") {
      const order = orders.get(orderId);
      if (!order) throw new Error(`the fake has no order ${orderId}`);
      const paid: FakePayment = {
        id: id("pay"),
        entity: "payment",
        amount: order.amount,
        currency: order.currency,
        status,
        order_id: orderId,
        invoice_id: null,
        international: false,
        method: "upi",
        amount_refunded: 0,
        refund_status: null,
        captured: status === "captured",
        description: null,
        vpa: "asha.rao@okbank",
        email: "asha.rao@example.test",
        contact: "+919876543210",
        notes: [],
        error_code: status === "failed" ? "BAD_REQUEST_ERROR" : null,
        error_description: status === "failed" ? "Payment was declined by the bank" : null,
        error_reason: status === "failed" ? "payment_declined" : null,
        created_at: now(),
      };
      payments.set(paid.id, paid);
      if (status === "captured")
        Object.assign(order, { status: "paid", amount_paid: order.amount });
      Object.assign(order, { attempts: Number(order.attempts) + 1 });
      return paid;
    },
    payment,
    dashboardRefund(paymentId, amount) {
      const made = refund(paymentId, amount, []);
      if (made.status !== 200) throw new Error(`the fake cannot refund ${paymentId}`);
      return made.body as FakeRefund;
    },
    openDispute(paymentId) {
      const paid = payment(paymentId);
      return {
        id: id("disp"),
        entity: "dispute",
        payment_id: paymentId,
        amount: paid.amount,
        currency: paid.currency,
        amount_deducted: 0,
        reason_code: "chargeback",
        respond_by: now() + 7 * 86_400,
        status: "open",
        phase: "chargeback",
        created_at: now(),
      };
    },
    close: () => server.close(),
  };
}

/** A webhook body as Razorpay sends it: the event, and each entity it is about. */
export function razorpayEvent(event: string, entities: Record<string, RazorpayEntity>) {
  return {
    entity: "event",
    account_id: "acc_fake_bastion",
    event,
    contains: Object.keys(entities),
    payload: Object.fromEntries(
      Object.entries(entities).map(([name, entity]) => [name, { entity }]),
    ),
    created_at: now(),
  };
}

function reply(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

function errorBody(description: string) {
  return {
    error: {
      code: "BAD_REQUEST_ERROR",
      description,
      source: "business",
      step: "payment_initiation",
      reason: "input_validation_failed",
      metadata: {},
    },
  };
}

function invalid(description: string) {
  return { status: 400, body: errorBody(description) };
}

function notFound() {
  return { status: 404, body: errorBody("The requested URL was not found on the server.") };
}
