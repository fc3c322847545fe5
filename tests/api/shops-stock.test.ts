// Commerce in the database (supabase/migrations/20261121001900_shops.sql), called as the server
// and members call it through supabase-js: stock reserved atomically when an order is placed (50
// buyers of the last 3 units), released on cancel, the order state machine and its audit trail,
// and the last-owner rule.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolePermissionRows } from "../../lib/shops/roles.js";
import { fakeSealed } from "../helpers/sealed.js";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
let service: SupabaseClient;
const run = randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery";

interface User {
  id: string;
  client: SupabaseClient;
}

async function signUp(name: string): Promise<User> {
  const { data, error } = await stack
    .client()
    .auth.signUp({ email: `${name}-${run}@example.test`, password: PASSWORD });
  if (error || !data.session || !data.user) throw error ?? new Error("no session");
  return { id: data.user.id, client: stack.client(data.session.access_token) };
}

async function newShop(owner: User, stock: number) {
  const shop = await owner.client.rpc("create_shop", { p_name: `Stock ${run}`, p_currency: "EUR" });
  expect(shop.error).toBeNull();
  const shopId = (shop.data as { id: string }).id;
  const product = await owner.client
    .from("products")
    .insert({ shop_id: shopId, name: "Last mug", price_minor: 1250, currency: "EUR", stock })
    .select("id")
    .single();
  expect(product.error).toBeNull();
  const productId = (product.data as { id: string }).id;
  const form = await owner.client
    .from("forms")
    .insert({ shop_id: shopId, kind: "order", name: "Order", product_ids: [productId] })
    .select("id")
    .single();
  expect(form.error).toBeNull();
  return { shopId, productId, formId: (form.data as { id: string }).id };
}

function place(shop: { shopId: string; formId: string; productId: string }, quantity = 1) {
  return service.rpc("submit_shop_form", {
    p_shop_id: shop.shopId,
    p_form_id: shop.formId,
    p_items: [{ productId: shop.productId, quantity }],
    p_name_sealed: fakeSealed("name"),
    p_email_sealed: fakeSealed("email"),
    p_email_hash: `hash-${randomUUID()}`,
    p_phone_sealed: null,
    p_answers_sealed: fakeSealed("{}"),
  });
}

let owner: User;

beforeAll(async () => {
  stack = await startTestSupabase();
  service = stack.client(stack.serviceRoleKey);
  owner = await signUp("owner");
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe("stock", () => {
  it("50 concurrent buyers of the last 3 units: exactly 3 orders, 47 out-of-stock refusals", async () => {
    const shop = await newShop(owner, 3);
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => place(shop)));
    const elapsed = performance.now() - started;
    const placed = results.filter((r) => r.error === null);
    const refused = results.filter((r) => r.error !== null);
    expect(placed).toHaveLength(3);
    expect(refused).toHaveLength(47);
    for (const r of refused) expect(r.error?.code).toBe("SHSTK");
    const product = await service
      .from("products")
      .select("stock")
      .eq("id", shop.productId)
      .single();
    expect(product.data?.stock).toBe(0);
    const orders = await service
      .from("orders")
      .select("id, total_minor")
      .eq("shop_id", shop.shopId);
    expect(orders.data).toHaveLength(3);
    for (const o of orders.data ?? []) expect(Number(o.total_minor)).toBe(1250);
    process.stderr.write(`shops stock race: 50 buyers, 3 units, ${elapsed.toFixed(0)} ms\n`);
  }, 60_000);

  it("an order takes its quantity, a cancel gives it back, and the total is the server's", async () => {
    const shop = await newShop(owner, 5);
    const placed = await place(shop, 2);
    expect(placed.error).toBeNull();
    const order = placed.data as { order_id: string; total_minor: number; status: string };
    expect(Number(order.total_minor)).toBe(2500);
    expect(order.status).toBe("pending");
    expect((await place(shop, 4)).error?.code).toBe("SHSTK");
    const stockAfter = await service
      .from("products")
      .select("stock")
      .eq("id", shop.productId)
      .single();
    expect(stockAfter.data?.stock).toBe(3);

    const cancelled = await owner.client.rpc("set_shop_order_status", {
      p_shop_id: shop.shopId,
      p_order_id: order.order_id,
      p_status: "cancelled",
    });
    expect(cancelled.error).toBeNull();
    const restored = await service
      .from("products")
      .select("stock")
      .eq("id", shop.productId)
      .single();
    expect(restored.data?.stock).toBe(5);

    const illegal = await owner.client.rpc("set_shop_order_status", {
      p_shop_id: shop.shopId,
      p_order_id: order.order_id,
      p_status: "processing",
    });
    expect(illegal.error?.code).toBe("PT409");

    const events = await owner.client
      .from("order_events")
      .select("from_status, to_status, actor_user_id")
      .eq("order_id", order.order_id)
      .order("id");
    expect(events.data).toEqual([
      { from_status: null, to_status: "pending", actor_user_id: null },
      { from_status: "pending", to_status: "cancelled", actor_user_id: owner.id },
    ]);
  });

  it("an order left unpaid past its hour gives its stock back; a fresh or paying one keeps it", async () => {
    const shop = await newShop(owner, 4);
    const lapsed = (await place(shop, 3)).data as { order_id: string };
    const paying = (await place(shop, 1)).data as { order_id: string };
    expect((await place(shop, 1)).error?.code).toBe("SHSTK");
    // Placed two hours ago (an order's own fields never change, so past its trigger).
    await stack.db.transaction({}, async (query) => {
      await query("set local session_replication_role = replica");
      await query(
        "update public.orders set created_at = now() - interval '2 hours' where id in ($1, $2)",
        [lapsed.order_id, paying.order_id],
      );
    });
    // A payment started a moment ago: the customer may be paying that one now.
    await stack.db.query(
      `insert into public.payments (order_id, provider, provider_order_id, amount_minor, currency, status)
       values ($1, 'sandbox', $2, 1250, 'EUR', 'created')`,
      [paying.order_id, `order_${randomUUID()}`],
    );
    const expired = await service.rpc("expire_unpaid_shop_orders", { p_shop_id: shop.shopId });
    expect(expired.error).toBeNull();
    expect(expired.data).toBe(1);
    const { rows } = await stack.db.query<{ id: string; status: string }>(
      "select id, status from public.orders where shop_id = $1 order by status",
      [shop.shopId],
    );
    expect(rows).toEqual([
      { id: lapsed.order_id, status: "cancelled" },
      { id: paying.order_id, status: "pending" },
    ]);
    const stock = await service.from("products").select("stock").eq("id", shop.productId).single();
    expect(stock.data?.stock).toBe(3);
    // Nobody may call it through the Data API.
    const asMember = await owner.client.rpc("expire_unpaid_shop_orders", {
      p_shop_id: shop.shopId,
    });
    expect(asMember.error).not.toBeNull();
  });

  it("the order state machine holds even for the service role", async () => {
    const shop = await newShop(owner, 5);
    const order = (await place(shop)).data as { order_id: string };
    const step = (status: string) =>
      service.from("orders").update({ status }).eq("id", order.order_id).select("status");
    expect((await step("completed")).error?.code).toBe("PT409");
    expect((await step("processing")).error).toBeNull();
    expect((await step("completed")).error).toBeNull();
    expect((await step("cancelled")).error?.code).toBe("PT409");
    expect((await step("pending")).error?.code).toBe("PT409");
  });

  it("a member cannot write orders, stock or another shop's rows through the Data API", async () => {
    const shop = await newShop(owner, 5);
    const order = (await place(shop)).data as { order_id: string };
    const write = await owner.client
      .from("orders")
      .update({ total_minor: 1 })
      .eq("id", order.order_id)
      .select();
    expect(write.error?.code).toBe("42501");
    const other = await signUp("other");
    const seen = await other.client.from("orders").select("id").eq("id", order.order_id);
    expect(seen.data).toEqual([]);
    const move = await other.client.rpc("set_shop_order_status", {
      p_shop_id: shop.shopId,
      p_order_id: order.order_id,
      p_status: "cancelled",
    });
    expect(move.error?.code).toBe("PT404");
    const place2 = await other.client.rpc("submit_shop_form", {
      p_shop_id: shop.shopId,
      p_form_id: shop.formId,
      p_items: [],
      p_name_sealed: null,
      p_email_sealed: null,
      p_email_hash: null,
      p_phone_sealed: null,
      p_answers_sealed: null,
    });
    expect(place2.error?.code).toBe("42501");
  });

  it("the last owner can neither leave nor step down", async () => {
    const solo = await signUp("solo");
    const shop = await solo.client.rpc("create_shop", { p_name: "Solo", p_currency: "USD" });
    const shopId = (shop.data as { id: string }).id;
    const leave = await solo.client.rpc("remove_shop_member", {
      p_shop_id: shopId,
      p_user_id: solo.id,
    });
    expect(leave.error?.code).toBe("PT409");
    const demote = await solo.client.rpc("set_shop_member_role", {
      p_shop_id: shopId,
      p_user_id: solo.id,
      p_role: "admin",
    });
    expect(demote.error?.code).toBe("PT409");
  });
});

describe("the role table", () => {
  it("is the same in SQL (shop_role_permissions) and in lib/shops/roles.ts", async () => {
    const { rows } = await stack.db.query<{ role: string; permission: string }>(
      "select role, permission from public.shop_role_permissions order by role, permission",
    );
    const key = (row: { role: string; permission: string }) => `${row.role} ${row.permission}`;
    expect(rows.map(key).sort()).toEqual(rolePermissionRows().map(key).sort());
  });
});
