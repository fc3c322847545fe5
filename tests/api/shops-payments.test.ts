// Shop payments (issue 20, item 5) through the API, with the real `stripe` SDK talking to the
// network-level fake of Stripe (tests/helpers/fake-stripe.ts): the amount is always the order's,
// a connected shop is charged as a destination charge with the platform's fee, confirm records
// only what Stripe reports and moves a paid order to `processing` by itself, refunds are for the
// shop's owners and admins and never exceed what was captured, and the Connect webhook (signed
// with Stripe's own generateTestHeaderString and the Connect endpoint's secret) is processed once.
//
// Each test has shops, members and orders of its own, written straight into the database (the
// commerce API that places orders is another module's), so the shared database may hold others.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { expectJson, expectProblem, post, send, sendFrom } from "../helpers/requests.js";
import { fakeSealed } from "../helpers/sealed.js";
import { stripeEvent, TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const CONNECT_WEBHOOK_SECRET = "whsec_test_bastion_connect_0123456789";
const FEE_BPS = 250;

let api: TestApi;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  api = await startTestApi({
    env: {
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      SHOP_PLATFORM_FEE_BPS: String(FEE_BPS),
      RAZORPAY_KEY_ID: undefined,
      RAZORPAY_KEY_SECRET: undefined,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

type User = { id: string; accessToken: string };
interface Shop {
  id: string;
  owner: User;
  admin: User;
  agent: User;
}

async function sql<T = Record<string, unknown>>(text: string, values: (string | null)[] = []) {
  return (await api.supabase.db.query<T>(text, values)).rows;
}

async function newShop(currency = "USD"): Promise<Shop> {
  const [owner, admin, agent] = [await api.signUp(), await api.signUp(), await api.signUp()];
  const [shop] = await sql<{ id: string }>(
    "insert into public.shops (name, currency, created_by) values ($1, $2, $3) returning id",
    [`Shop ${randomBytes(4).toString("hex")}`, currency, owner.id],
  );
  const id = shop?.id as string;
  await sql(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'admin'), ($1, $4, 'agent')",
    [id, owner.id, admin.id, agent.id],
  );
  return { id, owner, admin, agent };
}

async function newOrder(shop: Shop, totalMinor: number, currency = "USD"): Promise<string> {
  const [order] = await sql<{ id: string }>(
    `insert into public.orders (shop_id, customer_name_sealed, customer_email_sealed,
       customer_email_hash, currency, total_minor)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      shop.id,
      fakeSealed("Asha Rao"),
      fakeSealed("asha@example.test"),
      randomBytes(16).toString("hex"),
      currency,
      String(totalMinor),
    ],
  );
  return order?.id as string;
}

/**
 * A customer without an account, each from an address of its own: guests' payment calls are
 * limited per address (the `payment` policy), and this file makes many.
 */
const asGuest = (path: string, body: unknown) =>
  sendFrom(api, "POST", path, {
    body,
    localAddress: `127.${[0, 0, 0].map(() => 1 + Math.floor(Math.random() * 250)).join(".")}`,
  });

interface IntentCreated {
  paymentId: string;
  orderId: string;
  provider: string;
  amount: number;
  currency: string;
  applicationFeeAmount: number;
  connectedAccount: boolean;
  clientSecret?: string;
  paymentIntentId?: string;
}

async function intent(shop: Shop, orderId: string): Promise<IntentCreated> {
  return expectJson<IntentCreated>(
    await asGuest(`/api/shops/${shop.id}/payments/intent`, { orderId }),
    201,
  );
}

const confirm = (shop: Shop, paymentIntentId: string) =>
  asGuest(`/api/shops/${shop.id}/payments/confirm`, { paymentIntentId });

async function order(orderId: string) {
  const [row] = await sql<{ status: string; payment_status: string; paid_by_payment_id: string }>(
    "select status, payment_status, paid_by_payment_id from public.orders where id = $1",
    [orderId],
  );
  return row;
}

function connectEvent(type: string, object: object, account: string, eventId?: string) {
  const id = eventId ?? `evt_${randomBytes(12).toString("hex")}`;
  const body = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    account,
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: CONNECT_WEBHOOK_SECRET,
  });
  return { id, body, signature };
}

const deliverConnect = (delivery: { body: string; signature: string }) =>
  fetch(`${api.url}/api/webhooks/stripe-connect`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
    body: delivery.body,
  });

/** Onboards the shop's owner and has Stripe report the account able to take charges. */
async function connectedShop(): Promise<{ shop: Shop; accountId: string }> {
  const shop = await newShop();
  await expectJson(
    await post(
      api,
      `/api/shops/${shop.id}/connect/onboarding`,
      {},
      { token: shop.owner.accessToken },
    ),
    201,
  );
  const [row] = await sql<{ stripe_account_id: string }>(
    "select stripe_account_id from public.shop_payment_accounts where shop_id = $1",
    [shop.id],
  );
  const accountId = row?.stripe_account_id as string;
  stripe.setAccountStatus(accountId, {
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
  });
  await expectJson(
    await deliverConnect(connectEvent("account.updated", stripe.account(accountId), accountId)),
    200,
  );
  return { shop, accountId };
}

describe("intent", () => {
  it("takes the amount from the order, never from the client, on the platform's account without Connect", async () => {
    const shop = await newShop();
    const orderId = await newOrder(shop, 4599);
    const refused = await expectProblem(
      await asGuest(`/api/shops/${shop.id}/payments/intent`, { orderId, amount: 1 }),
      400,
      "validation_failed",
    );
    expect(JSON.stringify(refused.errors)).toMatch(/amount/);

    const created = await intent(shop, orderId);
    expect(created).toMatchObject({
      orderId,
      provider: "stripe",
      amount: 4599,
      currency: "USD",
      applicationFeeAmount: 0,
      connectedAccount: false,
    });
    expect(created.clientSecret).toMatch(new RegExp(`^${created.paymentIntentId}_secret_`));
    const charged = stripe.intent(created.paymentIntentId as string);
    expect(charged).toMatchObject({
      amount: 4599,
      currency: "usd",
      transfer_data: null,
      application_fee_amount: null,
      metadata: { payment_id: created.paymentId, order_id: orderId, shop_id: shop.id },
    });
    const [payment] = await sql(
      "select order_id, session_type_id, user_id, amount_minor, status from public.payments where id = $1",
      [created.paymentId],
    );
    expect(payment).toMatchObject({
      order_id: orderId,
      session_type_id: null,
      user_id: null,
      status: "created",
    });
  });

  it("answers 404 for another shop's order or an unknown one, and 409 once the order is not pending", async () => {
    const shop = await newShop();
    const other = await newShop();
    const orderId = await newOrder(other, 1000);
    await expectProblem(
      await asGuest(`/api/shops/${shop.id}/payments/intent`, { orderId }),
      404,
      "not_found",
    );
    await expectProblem(
      await asGuest(`/api/shops/${shop.id}/payments/intent`, { orderId: crypto.randomUUID() }),
      404,
      "not_found",
    );
    await sql("update public.orders set status = 'cancelled' where id = $1", [orderId]);
    await expectProblem(
      await asGuest(`/api/shops/${other.id}/payments/intent`, { orderId }),
      409,
      "conflict",
    );
  });

  it("charges a connected shop as a destination charge with the platform's fee", async () => {
    const { shop, accountId } = await connectedShop();
    const orderId = await newOrder(shop, 10_001);
    const created = await intent(shop, orderId);
    const fee = Math.floor((10_001 * FEE_BPS) / 10_000);
    expect(created).toMatchObject({
      amount: 10_001,
      applicationFeeAmount: fee,
      connectedAccount: true,
    });
    expect(stripe.intent(created.paymentIntentId as string)).toMatchObject({
      amount: 10_001,
      application_fee_amount: fee,
      on_behalf_of: accountId,
      transfer_data: { destination: accountId },
    });
  });
});

describe("confirm", () => {
  it("records only what Stripe reports, and a paid order moves to processing by itself", async () => {
    const shop = await newShop();
    const orderId = await newOrder(shop, 2500);
    const created = await intent(shop, orderId);
    const intentId = created.paymentIntentId as string;

    // Not paid yet: the client's word changes nothing.
    expect(await expectJson(await confirm(shop, intentId), 200)).toMatchObject({
      paymentId: created.paymentId,
      status: "created",
      orderStatus: "pending",
    });
    expect(await order(orderId)).toMatchObject({ status: "pending", payment_status: "unpaid" });

    stripe.pay(intentId);
    expect(await expectJson(await confirm(shop, intentId), 200)).toMatchObject({
      paymentId: created.paymentId,
      orderId,
      status: "captured",
      orderStatus: "processing",
    });
    expect(await order(orderId)).toMatchObject({
      status: "processing",
      payment_status: "paid",
      paid_by_payment_id: created.paymentId,
    });
    // The server's change, in the order's history with no member as its actor.
    const events = await sql<{ actor_user_id: string | null; to_status: string }>(
      "select actor_user_id, to_status from public.order_events where order_id = $1 order by id",
      [orderId],
    );
    expect(events.at(-1)).toEqual({ actor_user_id: null, to_status: "processing" });

    // Again, and Stripe's own webhook for it: nothing changes twice.
    expect(await expectJson(await confirm(shop, intentId), 200)).toMatchObject({
      status: "captured",
    });
    const delivery = stripeEvent("payment_intent.succeeded", stripe.intent(intentId));
    for (let attempt = 0; attempt < 2; attempt++) {
      await expectJson(
        await fetch(`${api.url}/api/webhooks/stripe`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
          body: delivery.body,
        }),
        200,
      );
    }
    const [stored] = await sql<{ outcome: string }>(
      "select outcome from public.webhook_events where provider = 'stripe' and event_id = $1",
      [delivery.eventId],
    );
    expect(stored?.outcome).toBe("already captured");
    expect(
      await sql(
        "select 1 from public.order_events where order_id = $1 and to_status = 'processing'",
        [orderId],
      ),
    ).toHaveLength(1);

    // A paid order takes no second payment.
    await expectProblem(
      await asGuest(`/api/shops/${shop.id}/payments/intent`, { orderId }),
      409,
      "conflict",
    );
  });

  it("is 404 for another shop's payment, and refunds a second capture of a paid order in full", async () => {
    const shop = await newShop();
    const other = await newShop();
    const orderId = await newOrder(shop, 1800);
    const first = await intent(shop, orderId);
    const second = await intent(shop, orderId);
    stripe.pay(first.paymentIntentId as string);
    stripe.pay(second.paymentIntentId as string);
    await expectProblem(await confirm(other, first.paymentIntentId as string), 404, "not_found");

    expect(
      await expectJson(await confirm(shop, first.paymentIntentId as string), 200),
    ).toMatchObject({ status: "captured", orderStatus: "processing" });
    expect(
      await expectJson(await confirm(shop, second.paymentIntentId as string), 200),
    ).toMatchObject({ paymentId: second.paymentId, status: "refunded" });
    expect(await order(orderId)).toMatchObject({
      paid_by_payment_id: first.paymentId,
      payment_status: "paid",
    });
  });

  it("refunds in full a capture of an order cancelled after its payment opened", async () => {
    const shop = await newShop();
    const orderId = await newOrder(shop, 2200);
    const created = await intent(shop, orderId);
    await sql("update public.orders set status = 'cancelled' where id = $1", [orderId]);
    stripe.pay(created.paymentIntentId as string);
    expect(
      await expectJson(await confirm(shop, created.paymentIntentId as string), 200),
    ).toMatchObject({ status: "refunded", orderStatus: "cancelled" });
    expect(await order(orderId)).toMatchObject({
      payment_status: "unpaid",
      paid_by_payment_id: null,
    });
  });
});

describe("refund", () => {
  async function paidPayment(shopAndAccount?: { shop: Shop }) {
    const shop = shopAndAccount?.shop ?? (await newShop());
    const orderId = await newOrder(shop, 5000);
    const created = await intent(shop, orderId);
    stripe.pay(created.paymentIntentId as string);
    await expectJson(await confirm(shop, created.paymentIntentId as string), 200);
    return { shop, orderId, created };
  }

  const refund = (shop: Shop, paymentId: string, token: string, body: object, key?: string) =>
    post(api, `/api/shops/${shop.id}/payments/${paymentId}/refund`, body, {
      token,
      key: key ?? crypto.randomUUID(),
    });

  it("is for the shop's owners and admins only: agents, other shops and strangers get 404", async () => {
    const { shop, created } = await paidPayment();
    const other = await newShop();
    const stranger = await api.signUp();
    for (const token of [shop.agent.accessToken, other.owner.accessToken, stranger.accessToken]) {
      await expectProblem(
        await refund(shop, created.paymentId, token, { amount: 100, reason: "Damaged" }),
        404,
        "not_found",
      );
    }
    // The shop in the path must be the payment's, even for another shop's owner.
    await expectProblem(
      await refund(other, created.paymentId, other.owner.accessToken, { reason: "Mine" }),
      404,
      "not_found",
    );
    await expectProblem(
      await post(api, `/api/shops/${shop.id}/payments/${created.paymentId}/refund`, {
        reason: "No token",
      }),
      401,
      "unauthorized",
    );
    expect(
      await sql("select 1 from public.refunds where payment_id = $1", [created.paymentId]),
    ).toEqual([]);
  });

  it("refunds in part, never more than captured, and the order's payment status follows", async () => {
    const { shop, orderId, created } = await paidPayment();
    const key = crypto.randomUUID();
    const partial = await expectJson<{ refundId: string; amountMinor: number; status: string }>(
      await refund(
        shop,
        created.paymentId,
        shop.admin.accessToken,
        { amount: 1200, reason: "Late" },
        key,
      ),
      201,
    );
    expect(partial).toMatchObject({ amountMinor: 1200, status: "succeeded" });
    // The same key is the same refund.
    expect(
      await expectJson(
        await refund(
          shop,
          created.paymentId,
          shop.admin.accessToken,
          { amount: 1200, reason: "Late" },
          key,
        ),
        201,
      ),
    ).toMatchObject({ refundId: partial.refundId });
    expect(await order(orderId)).toMatchObject({ payment_status: "partially_refunded" });

    await expectProblem(
      await refund(shop, created.paymentId, shop.owner.accessToken, {
        amount: 3801,
        reason: "Too much",
      }),
      409,
      "refund_exceeds_captured",
    );
    expect(
      await expectJson(
        await refund(shop, created.paymentId, shop.owner.accessToken, { reason: "The rest" }),
        201,
      ),
    ).toMatchObject({ amountMinor: 3800, status: "succeeded" });
    expect(await order(orderId)).toMatchObject({ payment_status: "refunded" });
    const payment = await expectJson(
      await send(api, "GET", `/api/shops/${shop.id}/payments/${created.paymentId}`, {
        token: shop.agent.accessToken,
      }),
      200,
    );
    expect(payment).toMatchObject({ status: "refunded", refundedMinor: 5000, amountMinor: 5000 });
    // Who asked is in the staff action log.
    expect(
      await sql(
        "select actor from public.staff_actions where action = 'payment.refund' and subject_id = $1 order by at",
        [created.paymentId],
      ),
    ).toEqual([{ actor: shop.admin.id }, { actor: shop.owner.id }]);
  });

  it("takes a connected shop's refund back from the shop: transfer reversed, fee returned", async () => {
    const connected = await connectedShop();
    const { created } = await paidPayment(connected);
    await expectJson(
      await refund(connected.shop, created.paymentId, connected.shop.owner.accessToken, {
        amount: 500,
        reason: "Returned",
      }),
      201,
    );
    const asked = stripe.requests.filter(
      (request) => request.method === "POST" && request.path === "/v1/refunds",
    );
    expect(asked.at(-1)?.params).toMatchObject({
      payment_intent: created.paymentIntentId,
      amount: "500",
      reverse_transfer: "true",
      refund_application_fee: "true",
    });
  });

  it("takes a connected shop's refund back from the shop when the settle sweep sends it too", async () => {
    const connected = await connectedShop();
    const { created } = await paidPayment(connected);
    // A refund the ledger reserved and no request got to send (as after a provider outage),
    // older than the sweep's grace: the sweep asks Stripe for it.
    await sql(
      `insert into public.refunds (payment_id, amount_minor, reason, idempotency_key, created_at)
       values ($1, 300, 'Returned', $2, now() - interval '10 minutes')`,
      [created.paymentId, `sweep-${randomBytes(6).toString("hex")}`],
    );
    const swept = await fetch(`${api.url}/api/cron/settle-payments`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    await expectJson(swept, 200);
    const asked = stripe.requests.filter(
      (request) =>
        request.method === "POST" &&
        request.path === "/v1/refunds" &&
        request.params.payment_intent === created.paymentIntentId,
    );
    expect(asked.map((request) => request.params)).toEqual([
      expect.objectContaining({
        amount: "300",
        reverse_transfer: "true",
        refund_application_fee: "true",
      }),
    ]);
  });
});

describe("cancelling a paid order", () => {
  const cancel = (shop: Shop, orderId: string, token: string) =>
    send(api, "PUT", `/api/shops/${shop.id}/orders/${orderId}/status`, {
      token,
      body: { status: "cancelled" },
    });
  const refundsAsked = (paymentIntentId: string) =>
    stripe.requests.filter(
      (request) =>
        request.method === "POST" &&
        request.path === "/v1/refunds" &&
        request.params.payment_intent === paymentIntentId,
    );

  it("refunds what is left of its payment, once, and the order says refunded", async () => {
    const shop = await newShop();
    const orderId = await newOrder(shop, 5000);
    const created = await intent(shop, orderId);
    stripe.pay(created.paymentIntentId as string);
    await expectJson(await confirm(shop, created.paymentIntentId as string), 200);
    // Part of it was already given back by hand.
    await expectJson(
      await post(
        api,
        `/api/shops/${shop.id}/payments/${created.paymentId}/refund`,
        { amount: 1000, reason: "Damaged" },
        { token: shop.owner.accessToken, key: crypto.randomUUID() },
      ),
      201,
    );

    const cancelled = await expectJson(await cancel(shop, orderId, shop.admin.accessToken), 200);
    expect(cancelled).toMatchObject({ status: "cancelled", paymentStatus: "refunded" });
    expect(refundsAsked(created.paymentIntentId as string).map((r) => r.params.amount)).toEqual([
      "1000",
      "4000",
    ]);
    expect(
      await sql(
        "select amount_minor::int as amount, status, requested_by from public.refunds where payment_id = $1 and idempotency_key = $2",
        [created.paymentId, `order-cancelled:${orderId}`],
      ),
    ).toEqual([{ amount: 4000, status: "succeeded", requested_by: shop.admin.id }]);

    // Asking again changes nothing and asks Stripe for nothing more.
    await expectJson(await cancel(shop, orderId, shop.owner.accessToken), 200);
    expect(refundsAsked(created.paymentIntentId as string)).toHaveLength(2);
    expect(await order(orderId)).toMatchObject({
      status: "cancelled",
      payment_status: "refunded",
    });
  });

  it("cancels an unpaid order without a refund, and an agent cannot cancel at all", async () => {
    const shop = await newShop();
    const orderId = await newOrder(shop, 2500);
    await expectProblem(await cancel(shop, orderId, shop.agent.accessToken), 403, "forbidden");
    expect(await order(orderId)).toMatchObject({ status: "pending" });
    expect(
      await expectJson(await cancel(shop, orderId, shop.owner.accessToken), 200),
    ).toMatchObject({ status: "cancelled", paymentStatus: "unpaid" });
    expect(
      await sql("select 1 from public.refunds where idempotency_key = $1", [
        `order-cancelled:${orderId}`,
      ]),
    ).toEqual([]);
  });
});

describe("reading a payment", () => {
  it("shows the shop's members their shop's payment, and 404 to everyone else", async () => {
    const shop = await newShop();
    const other = await newShop();
    const orderId = await newOrder(shop, 700);
    const created = await intent(shop, orderId);
    const path = `/api/shops/${shop.id}/payments/${created.paymentId}`;
    for (const member of [shop.owner, shop.admin, shop.agent]) {
      expect(
        await expectJson(await send(api, "GET", path, { token: member.accessToken }), 200),
      ).toMatchObject({
        id: created.paymentId,
        orderId,
        amountMinor: 700,
        status: "created",
        connectedAccount: false,
      });
    }
    await expectProblem(
      await send(api, "GET", path, { token: other.owner.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "GET", `/api/shops/${other.id}/payments/${created.paymentId}`, {
        token: other.owner.accessToken,
      }),
      404,
      "not_found",
    );
    // Straight through the Data API with a member of another shop: nothing either.
    const { data } = await api.supabase
      .client(other.owner.accessToken)
      .from("payments")
      .select("id")
      .eq("id", created.paymentId);
    expect(data).toEqual([]);
  });
});

describe("Stripe Connect", () => {
  it("onboards the owner through an Account Link built from APP_URL, and only the owner", async () => {
    const shop = await newShop();
    const stranger = await api.signUp();
    for (const token of [shop.admin.accessToken, shop.agent.accessToken, stranger.accessToken]) {
      await expectProblem(
        await post(api, `/api/shops/${shop.id}/connect/onboarding`, {}, { token }),
        404,
        "not_found",
      );
      await expectProblem(
        await send(api, "GET", `/api/shops/${shop.id}/connect`, { token }),
        404,
        "not_found",
      );
    }
    expect(
      await expectJson(
        await send(api, "GET", `/api/shops/${shop.id}/connect`, { token: shop.owner.accessToken }),
        200,
      ),
    ).toEqual({
      connected: false,
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: false,
    });

    const link = await expectJson<{ url: string; expiresAt: string }>(
      await post(
        api,
        `/api/shops/${shop.id}/connect/onboarding`,
        { returnPath: "/dashboard/payouts" },
        { token: shop.owner.accessToken, headers: { "x-forwarded-host": "evil.example" } },
      ),
      201,
    );
    expect(link.url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\//);
    const accountRequests = stripe.requests.filter(
      (request) => request.method === "POST" && request.path === "/v1/accounts",
    );
    expect(accountRequests.at(-1)).toMatchObject({
      idempotencyKey: `connect-account-${shop.id}`,
      params: { type: "express", metadata: { shop_id: shop.id } },
    });
    const linkRequest = stripe.requests
      .filter((request) => request.path === "/v1/account_links")
      .at(-1);
    expect(linkRequest?.params).toMatchObject({
      type: "account_onboarding",
      return_url: `${api.url}/dashboard/payouts?stripe=return`,
      refresh_url: `${api.url}/dashboard/payouts?stripe=refresh`,
    });
    // A second start reuses the shop's account.
    await expectJson(
      await post(
        api,
        `/api/shops/${shop.id}/connect/onboarding`,
        {},
        { token: shop.owner.accessToken },
      ),
      201,
    );
    expect(
      await sql("select stripe_account_id from public.shop_payment_accounts where shop_id = $1", [
        shop.id,
      ]),
    ).toHaveLength(1);
    // An absolute or scheme-relative return path is refused.
    for (const returnPath of ["https://evil.example/x", "//evil.example/x"]) {
      await expectProblem(
        await post(
          api,
          `/api/shops/${shop.id}/connect/onboarding`,
          { returnPath },
          { token: shop.owner.accessToken },
        ),
        400,
        "validation_failed",
      );
    }
  });

  it("records account.updated once, re-read from Stripe, and the status follows", async () => {
    const shop = await newShop();
    await expectJson(
      await post(
        api,
        `/api/shops/${shop.id}/connect/onboarding`,
        {},
        { token: shop.owner.accessToken },
      ),
      201,
    );
    const [row] = await sql<{ stripe_account_id: string }>(
      "select stripe_account_id from public.shop_payment_accounts where shop_id = $1",
      [shop.id],
    );
    const accountId = row?.stripe_account_id as string;
    // The event's snapshot says enabled; Stripe, asked now, does not yet: Stripe wins.
    const early = connectEvent(
      "account.updated",
      { ...stripe.account(accountId), charges_enabled: true },
      accountId,
    );
    await expectJson(await deliverConnect(early), 200);
    const chargesEnabled = async () =>
      (
        await sql<{ charges_enabled: boolean }>(
          "select charges_enabled from public.shop_payment_accounts where shop_id = $1",
          [shop.id],
        )
      )[0]?.charges_enabled;
    expect(await chargesEnabled()).toBe(false);

    stripe.setAccountStatus(accountId, {
      charges_enabled: true,
      payouts_enabled: false,
      details_submitted: true,
    });
    const delivery = connectEvent("account.updated", stripe.account(accountId), accountId);
    expect(await expectJson(await deliverConnect(delivery), 200)).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await chargesEnabled()).toBe(true);
    // A replay is stored once and processed once.
    stripe.setAccountStatus(accountId, {
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: true,
    });
    expect(await expectJson(await deliverConnect(delivery), 200)).toEqual({
      received: true,
      duplicate: true,
    });
    expect(await chargesEnabled()).toBe(true);
    expect(
      await sql(
        "select outcome from public.webhook_events where provider = 'stripe_connect' and event_id = $1",
        [delivery.id],
      ),
    ).toEqual([{ outcome: "account: charges enabled" }]);
    // The owner's status read asks Stripe now.
    expect(
      await expectJson(
        await send(api, "GET", `/api/shops/${shop.id}/connect`, { token: shop.owner.accessToken }),
        200,
      ),
    ).toEqual({
      connected: true,
      chargesEnabled: false,
      payoutsEnabled: false,
      detailsSubmitted: true,
    });
    // Without charges, the shop's payments go to the platform's account.
    const created = await intent(shop, await newOrder(shop, 900));
    expect(created).toMatchObject({ connectedAccount: false, applicationFeeAmount: 0 });
  });

  it("records a deauthorized account disabled, and ignores intents on a connected account that are not ours", async () => {
    const { shop, accountId } = await connectedShop();
    const deauthorized = connectEvent(
      "account.application.deauthorized",
      { id: "ca_platform", object: "application" },
      accountId,
    );
    await expectJson(await deliverConnect(deauthorized), 200);
    const [account] = await sql(
      "select charges_enabled, payouts_enabled from public.shop_payment_accounts where shop_id = $1",
      [shop.id],
    );
    expect(account).toEqual({ charges_enabled: false, payouts_enabled: false });

    // A direct charge the shop made on its own account: re-read there, and not one of ours.
    const sdk = new Stripe(stripe.secretKey, {
      host: new URL(stripe.url).hostname,
      port: Number(new URL(stripe.url).port),
      protocol: "http",
    });
    const direct = await sdk.paymentIntents.create(
      { amount: 1000, currency: "usd" },
      { stripeAccount: accountId },
    );
    stripe.pay(direct.id);
    const paid = connectEvent("payment_intent.succeeded", stripe.intent(direct.id), accountId);
    await expectJson(await deliverConnect(paid), 200);
    expect(
      await sql(
        "select outcome from public.webhook_events where provider = 'stripe_connect' and event_id = $1",
        [paid.id],
      ),
    ).toEqual([{ outcome: "ignored: unknown payment" }]);
    expect(
      stripe.requests.filter(
        (request) =>
          request.path === `/v1/payment_intents/${direct.id}` && request.method === "GET",
      ),
    ).toEqual([expect.objectContaining({ account: accountId })]);
  });

  it("has a stored event whose processing failed retried by the settle-payments sweep", async () => {
    const shop = await newShop();
    await expectJson(
      await post(
        api,
        `/api/shops/${shop.id}/connect/onboarding`,
        {},
        { token: shop.owner.accessToken },
      ),
      201,
    );
    const [row] = await sql<{ stripe_account_id: string }>(
      "select stripe_account_id from public.shop_payment_accounts where shop_id = $1",
      [shop.id],
    );
    const accountId = row?.stripe_account_id as string;
    stripe.setAccountStatus(accountId, {
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
    });
    // As the inbox keeps an event whose first processing failed (received before the sweep's grace).
    const eventId = `evt_${randomBytes(12).toString("hex")}`;
    await sql(
      `insert into public.webhook_events (provider, event_id, event_type, payload, received_at, attempts, last_error)
       values ('stripe_connect', $1, 'account.updated', $2, now() - interval '5 minutes', 1, 'Error: earlier failure')`,
      [
        eventId,
        JSON.stringify({ account: accountId, object: { id: accountId, object: "account" } }),
      ],
    );
    const swept = await fetch(`${api.url}/api/cron/settle-payments`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    await expectJson(swept, 200);
    expect(
      await sql(
        "select outcome, processed_at is not null as processed from public.webhook_events where event_id = $1",
        [eventId],
      ),
    ).toEqual([{ outcome: "account: charges enabled", processed: true }]);
  });

  it("refuses a delivery signed with another secret, and stores nothing", async () => {
    const shop = await newShop();
    const event = connectEvent(
      "account.updated",
      { id: "acct_forged", object: "account" },
      "acct_forged",
    );
    const forged = {
      body: event.body,
      signature: Stripe.webhooks.generateTestHeaderString({
        payload: event.body,
        secret: TEST_WEBHOOK_SECRET,
      }),
    };
    expect(await expectJson(await deliverConnect(forged), 400)).toMatchObject({
      code: "webhook_signature_invalid",
    });
    expect(
      await sql("select 1 from public.webhook_events where event_id = $1", [event.id]),
    ).toEqual([]);
    expect(shop.id).toBeTruthy();
  });
});
