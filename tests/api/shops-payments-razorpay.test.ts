// An INR shop paid through Razorpay (issue 20, item 5: "Razorpay works for shops too where
// configured"), with the real SDK talking to the network-level fake of Razorpay's API: the order's
// total is the Razorpay order's amount, confirm checks Checkout's signature over our stored order
// and then Razorpay's own record before the order moves to processing, and the shop's owner
// refunds through the same adapter. Stripe is not configured here.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeRazorpay, startFakeRazorpay } from "../helpers/fake-razorpay.js";
import { expectJson, expectProblem, post, sendFrom } from "../helpers/requests.js";
import { fakeSealed } from "../helpers/sealed.js";

const KEY_ID = "rzp_test_bastion_shops";
const KEY_SECRET = "fake-razorpay-key-secret-shops";

let fake: FakeRazorpay;
let api: TestApi;
beforeAll(async () => {
  fake = await startFakeRazorpay(KEY_ID, KEY_SECRET);
  api = await startTestApi({
    env: {
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_API_URL: fake.url,
      STRIPE_SECRET_KEY: undefined,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await fake?.close();
});

const sign = (raw: string) => createHmac("sha256", KEY_SECRET).update(raw).digest("hex");

/** A guest from an address of its own (guests' payment calls are limited per address). */
const asGuest = (path: string, body: unknown) =>
  sendFrom(api, "POST", path, {
    body,
    localAddress: `127.${[0, 0, 0].map(() => 1 + Math.floor(Math.random() * 250)).join(".")}`,
  });

async function sql<T = Record<string, unknown>>(text: string, values: (string | null)[] = []) {
  return (await api.supabase.db.query<T>(text, values)).rows;
}

async function inrShopWithOrder(totalMinor: number, currency = "INR") {
  const owner = await api.signUp();
  const [shop] = await sql<{ id: string }>(
    "insert into public.shops (name, currency, created_by) values ($1, $3, $2) returning id",
    [`Shop ${randomBytes(4).toString("hex")}`, owner.id, currency],
  );
  const shopId = shop?.id as string;
  await sql("insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner')", [
    shopId,
    owner.id,
  ]);
  const [order] = await sql<{ id: string }>(
    `insert into public.orders (shop_id, customer_name_sealed, customer_email_sealed,
       customer_email_hash, currency, total_minor)
     values ($1, $2, $3, $4, $6, $5) returning id`,
    [
      shopId,
      fakeSealed("Ravi Kumar"),
      fakeSealed("ravi@example.test"),
      randomBytes(16).toString("hex"),
      String(totalMinor),
      currency,
    ],
  );
  return { shopId, owner, orderId: order?.id as string };
}

interface RazorpayIntent {
  paymentId: string;
  provider: string;
  amount: number;
  currency: string;
  razorpayOrderId: string;
  keyId: string;
  connectedAccount: boolean;
}

describe("an INR shop through Razorpay", () => {
  it("opens a Razorpay order for the order's total, and moves the order to processing once Razorpay reports it paid", async () => {
    const { shopId, owner, orderId } = await inrShopWithOrder(149_900);
    const created = await expectJson<RazorpayIntent>(
      await asGuest(`/api/shops/${shopId}/payments/intent`, { orderId }),
      201,
    );
    expect(created).toMatchObject({
      provider: "razorpay",
      amount: 149_900,
      currency: "INR",
      keyId: KEY_ID,
      connectedAccount: false,
    });
    const asked = fake.requests.filter((request) => request.path === "/v1/orders").at(-1);
    expect(asked?.body).toMatchObject({
      amount: 149_900,
      currency: "INR",
      receipt: created.paymentId,
    });

    const paid = fake.pay(created.razorpayOrderId);
    const checkout = {
      razorpay_order_id: created.razorpayOrderId,
      razorpay_payment_id: paid.id,
      razorpay_signature: sign(`${created.razorpayOrderId}|${paid.id}`),
    };
    // A forged signature changes nothing.
    await expectProblem(
      await asGuest(`/api/shops/${shopId}/payments/confirm`, {
        ...checkout,
        razorpay_signature: sign(`${created.razorpayOrderId}|pay_forged`),
      }),
      400,
      "payment_verification_failed",
    );
    const [pending] = await sql("select status from public.orders where id = $1", [orderId]);
    expect(pending).toEqual({ status: "pending" });

    expect(
      await expectJson(await asGuest(`/api/shops/${shopId}/payments/confirm`, checkout), 200),
    ).toMatchObject({
      paymentId: created.paymentId,
      orderId,
      status: "captured",
      orderStatus: "processing",
    });

    const refund = await expectJson<{ amountMinor: number; status: string }>(
      await post(
        api,
        `/api/shops/${shopId}/payments/${created.paymentId}/refund`,
        { amount: 49_900, reason: "One item was out of stock" },
        { token: owner.accessToken, key: crypto.randomUUID() },
      ),
      201,
    );
    expect(refund.amountMinor).toBe(49_900);
    expect(
      fake.requests.filter((request) => request.path === `/v1/payments/${paid.id}/refund`),
    ).toHaveLength(1);
  });

  it("takes INR orders only: another currency's order is 400 and opens no payment", async () => {
    const { shopId, orderId } = await inrShopWithOrder(1000, "USD");
    const refusal = await expectProblem(
      await asGuest(`/api/shops/${shopId}/payments/intent`, { orderId, provider: "razorpay" }),
      400,
      "bad_request",
    );
    expect(refusal.detail).toMatch(/INR orders only/);
    expect(await sql("select id from public.payments where order_id = $1", [orderId])).toEqual([]);
  });

  it("is 503 when Stripe is asked for and not configured", async () => {
    const { shopId, orderId } = await inrShopWithOrder(1000);
    await expectProblem(
      await asGuest(`/api/shops/${shopId}/payments/intent`, { orderId, provider: "stripe" }),
      503,
      "provider_not_configured",
    );
  });
});
