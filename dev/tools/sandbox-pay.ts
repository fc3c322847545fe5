// /__dev/pay/<orderId>: the local sandbox's stand-in for the provider's checkout window, so the
// whole booking-and-payment flow runs in `npm run dev` with no accounts. GET shows the order (its
// amount read from the ledger with the local service key); POST decides the outcome, delivers the
// signed webhook the provider would send to /api/webhooks/sandbox, and sends the browser back to
// `return` with what Razorpay Checkout hands its handler (order id, payment id, signature), for
// the SPA to POST to /api/payments/verify. Whichever of the two arrives first confirms the hold.
import { randomUUID } from "node:crypto";
import { formatMoney } from "../../lib/catalogue/money.js";
import { escapeHtml } from "../../lib/notify/templates/html.js";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
  sandboxWebhookSignature,
} from "../../lib/payments/providers/sandbox.js";

const ORDER_ID = /^order_sbx_[0-9a-f]{20}$/;

interface LedgerOrder {
  amount_minor: number;
  currency: string;
  status: string;
}

export async function sandboxPay(request: Request, orderId: string): Promise<Response> {
  if (!ORDER_ID.test(orderId)) return page(404, "<p>There is no such sandbox order.</p>");
  const order = await readOrder(orderId);
  if (!order) return page(404, "<p>There is no such sandbox order.</p>");
  const url = new URL(request.url);
  if (request.method === "GET") {
    return page(200, payForm(orderId, order, safeReturnPath(url.searchParams.get("return"))));
  }
  if (request.method !== "POST") return page(405, "<p>GET or POST only.</p>");

  const form = new URLSearchParams(await request.text());
  const outcome = form.get("outcome") === "failed" ? "failed" : "captured";
  const paymentId = sandboxPaymentId({
    orderId,
    amountMinor: order.amount_minor,
    currency: order.currency,
    status: outcome,
  });
  const delivered = await deliverWebhook(url.origin, orderId, paymentId, order, outcome);
  const back = new URL(safeReturnPath(form.get("return")), url.origin);
  back.searchParams.set("razorpay_order_id", orderId);
  back.searchParams.set("razorpay_payment_id", paymentId);
  if (outcome === "captured") {
    back.searchParams.set("razorpay_signature", sandboxCheckoutSignature(orderId, paymentId));
  } else {
    back.searchParams.set("payment_failed", "1");
  }
  back.searchParams.set("webhook_status", String(delivered));
  return new Response(null, { status: 303, headers: { location: back.toString() } });
}

/** Only a path on this origin ("/book", not "//evil.example" or "https://…"): no open redirect. */
function safeReturnPath(value: string | null): string {
  return value?.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : "/";
}

async function readOrder(orderId: string): Promise<LedgerOrder | undefined> {
  const { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY } = process.env;
  if (!SUPABASE_URL || !SUPABASE_SERVICE_ROLE_KEY) return undefined;
  const query = new URLSearchParams({
    select: "amount_minor,currency,status",
    provider: "eq.sandbox",
    provider_order_id: `eq.${orderId}`,
  });
  const response = await fetch(`${SUPABASE_URL}/rest/v1/payments?${query}`, {
    headers: {
      apikey: SUPABASE_SERVICE_ROLE_KEY,
      authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}`,
    },
  });
  if (!response.ok) return undefined;
  const rows = (await response.json()) as LedgerOrder[];
  return rows[0];
}

/** The Razorpay-shaped event, signed as Razorpay signs: HMAC-SHA256 of the raw body. */
async function deliverWebhook(
  origin: string,
  orderId: string,
  paymentId: string,
  order: LedgerOrder,
  outcome: "captured" | "failed",
): Promise<number> {
  const body = JSON.stringify({
    entity: "event",
    event: outcome === "captured" ? "payment.captured" : "payment.failed",
    contains: ["payment"],
    payload: {
      payment: {
        entity: {
          id: paymentId,
          entity: "payment",
          order_id: orderId,
          amount: Number(order.amount_minor),
          currency: order.currency,
          status: outcome,
        },
      },
    },
    created_at: Math.floor(Date.now() / 1000),
  });
  const response = await fetch(`${origin}/api/webhooks/sandbox`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-razorpay-signature": sandboxWebhookSignature(body),
      "x-razorpay-event-id": `evt_sbx_${randomUUID().replaceAll("-", "")}`,
    },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

function payForm(orderId: string, order: LedgerOrder, returnPath: string): string {
  const amount = formatMoney(Number(order.amount_minor), order.currency);
  const hidden = `<input type="hidden" name="return" value="${escapeHtml(returnPath)}">`;
  return `<h1>Sandbox checkout</h1>
<p>Order <code>${escapeHtml(orderId)}</code>: <strong>${escapeHtml(amount)}</strong> (${escapeHtml(order.status)}).
No money moves: this page stands in for the provider's checkout on a local machine.</p>
<form method="post">${hidden}<input type="hidden" name="outcome" value="captured">
<button type="submit">Pay ${escapeHtml(amount)}</button></form>
<form method="post">${hidden}<input type="hidden" name="outcome" value="failed">
<button type="submit">Fail the payment</button></form>`;
}

function page(status: number, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sandbox checkout</title></head><body>${body}</body></html>`,
    {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": "default-src 'none'; form-action 'self'",
        "cache-control": "no-store",
      },
    },
  );
}
