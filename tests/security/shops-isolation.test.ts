// Commerce isolation (issue 20, item 7), generated: two shops, each with an owner, an admin and
// an agent; the "stranger" is the other shop's owner (a real member of a real shop, so any
// crossing of the boundary shows). Every commerce endpoint in lib/openapi/routes.ts (the
// payments, Connect and chat routes have their own modules' tests) is called by owner, admin,
// agent, stranger and anon, and what each may do comes from the one role table
// (lib/shops/roles.ts); a route missing from OPERATIONS below fails the test. Then every commerce
// table and function is walked through supabase-js with each token, as a hostile client would.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { routes } from "../../lib/openapi/routes.js";
import { issueFormToken } from "../../lib/shops/form-token.js";
import { roleCan, type ShopPermission, type ShopRole } from "../../lib/shops/roles.js";
import { SHOP_SEALED } from "../../lib/shops/sealed-contexts.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { fakeSealed } from "../helpers/sealed.js";

let api: TestApi;
type User = { id: string; accessToken: string };
type Actor = "owner" | "admin" | "agent" | "stranger" | "anon";
const ACTORS: Actor[] = ["anon", "stranger", "agent", "admin", "owner"];

interface Shop {
  id: string;
  owner: User;
  admin: User;
  agent: User;
  productId: string;
  orderFormId: string;
  contactFormId: string;
  orderId: string;
}

let a: Shop;
let b: Shop;

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []) {
  return (await api.supabase.db.query<T>(text, values as never[])).rows;
}

async function newShop(): Promise<Shop> {
  const [owner, admin, agent] = [await api.signUp(), await api.signUp(), await api.signUp()];
  const [shop] = await sql<{ id: string }>(
    "insert into public.shops (name, currency, created_by) values ($1, 'EUR', $2) returning id",
    [`Isolation ${randomUUID().slice(0, 6)}`, owner.id],
  );
  const id = shop?.id as string;
  await sql(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'admin'), ($1, $4, 'agent')",
    [id, owner.id, admin.id, agent.id],
  );
  const productId = await newProduct(id);
  const [orderForm] = await sql<{ id: string }>(
    "insert into public.forms (shop_id, kind, name, product_ids) values ($1, 'order', 'Order', array[$2::uuid]) returning id",
    [id, productId],
  );
  const [contactForm] = await sql<{ id: string }>(
    "insert into public.forms (shop_id, kind, name) values ($1, 'contact', 'Contact') returning id",
    [id],
  );
  const service = api.supabase.client(api.supabase.serviceRoleKey);
  const placed = await service.rpc("submit_shop_form", {
    p_shop_id: id,
    p_form_id: orderForm?.id,
    p_items: [{ productId, quantity: 1 }],
    p_name_sealed: sealPersonalData("Isolated Customer", SHOP_SEALED.customerName),
    p_email_sealed: sealPersonalData("customer@example.test", SHOP_SEALED.customerEmail),
    p_email_hash: randomUUID().replace(/-/g, ""),
    p_phone_sealed: null,
    p_answers_sealed: sealPersonalData(
      JSON.stringify({
        name: "Isolated Customer",
        email: "customer@example.test",
        phone: null,
        answers: {},
      }),
      SHOP_SEALED.answers,
    ),
  });
  expect(placed.error).toBeNull();
  return {
    id,
    owner,
    admin,
    agent,
    productId,
    orderFormId: orderForm?.id as string,
    contactFormId: contactForm?.id as string,
    orderId: (placed.data as { order_id: string }).order_id,
  };
}

async function newProduct(shopId: string): Promise<string> {
  const [product] = await sql<{ id: string }>(
    "insert into public.products (shop_id, name, price_minor, currency, stock) values ($1, 'Isolated', 500, 'EUR', 1000) returning id",
    [shopId],
  );
  return product?.id as string;
}

async function newInvitation(shopId: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    "insert into public.shop_invitations (shop_id, email_sealed, email_hash, role, expires_at) values ($1, $2, $3, 'agent', now() + interval '1 day') returning id",
    [shopId, fakeSealed("invitee"), randomUUID().replace(/-/g, "")],
  );
  return row?.id as string;
}

async function newAgent(shopId: string): Promise<string> {
  const user = await api.signUp();
  await sql("insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'agent')", [
    shopId,
    user.id,
  ]);
  return user.id;
}

function token(shop: Shop, actor: Actor): string | undefined {
  if (actor === "anon") return undefined;
  if (actor === "stranger") return (shop === a ? b : a).owner.accessToken;
  return shop[actor].accessToken;
}

function roleOf(actor: Actor): ShopRole | null {
  return actor === "anon" || actor === "stranger" ? null : actor;
}

/**
 * What each operation needs: a permission of the role table, "public" (anyone, no account), or
 * "self" (any member, acting on themselves). `path` builds the request's path for shop A (made
 * fresh per call where the call destroys what it acts on); `body` its body.
 */
interface Operation {
  needs: ShopPermission | "public" | "signed-in" | "invitee";
  path: (shop: Shop) => Promise<string> | string;
  body?: (shop: Shop) => unknown;
  ok: number;
}

const OPERATIONS: Record<string, Operation> = {
  "POST /api/shops": {
    needs: "signed-in",
    path: () => "/api/shops",
    body: () => ({ name: "Another shop" }),
    ok: 201,
  },
  "GET /api/shops/[shopId]": { needs: "shop.read", path: (s) => `/api/shops/${s.id}`, ok: 200 },
  "PUT /api/shops/[shopId]": {
    needs: "shop.update",
    path: (s) => `/api/shops/${s.id}`,
    body: () => ({ description: "Changed" }),
    ok: 200,
  },
  "GET /api/shops/[shopId]/products": {
    needs: "products.read",
    path: (s) => `/api/shops/${s.id}/products`,
    ok: 200,
  },
  "POST /api/shops/[shopId]/products": {
    needs: "products.write",
    path: (s) => `/api/shops/${s.id}/products`,
    body: () => ({ name: "New", priceMinor: 100 }),
    ok: 201,
  },
  "PUT /api/shops/[shopId]/products/[productId]": {
    needs: "products.write",
    path: (s) => `/api/shops/${s.id}/products/${s.productId}`,
    body: () => ({ category: "changed" }),
    ok: 200,
  },
  "DELETE /api/shops/[shopId]/products/[productId]": {
    needs: "products.write",
    path: async (s) => `/api/shops/${s.id}/products/${await newProduct(s.id)}`,
    ok: 200,
  },
  "GET /api/shops/[shopId]/orders": {
    needs: "orders.read",
    path: (s) => `/api/shops/${s.id}/orders`,
    ok: 200,
  },
  "GET /api/shops/[shopId]/orders/[orderId]": {
    needs: "orders.read",
    path: (s) => `/api/shops/${s.id}/orders/${s.orderId}`,
    ok: 200,
  },
  "PUT /api/shops/[shopId]/orders/[orderId]/status": {
    needs: "orders.status",
    path: (s) => `/api/shops/${s.id}/orders/${s.orderId}/status`,
    body: () => ({ status: "processing" }),
    ok: 200,
  },
  "GET /api/shops/[shopId]/forms": {
    needs: "forms.read",
    path: (s) => `/api/shops/${s.id}/forms`,
    ok: 200,
  },
  "POST /api/shops/[shopId]/forms": {
    needs: "forms.write",
    path: (s) => `/api/shops/${s.id}/forms`,
    body: () => ({ kind: "contact", name: "Another" }),
    ok: 201,
  },
  "GET /api/shops/[shopId]/forms/[formId]": {
    needs: "public",
    path: (s) => `/api/shops/${s.id}/forms/${s.orderFormId}`,
    ok: 200,
  },
  "PUT /api/shops/[shopId]/forms/[formId]": {
    needs: "forms.write",
    path: (s) => `/api/shops/${s.id}/forms/${s.contactFormId}`,
    body: () => ({ name: "Renamed" }),
    ok: 200,
  },
  "POST /api/shops/[shopId]/forms/[formId]/submissions": {
    needs: "public",
    path: (s) => `/api/shops/${s.id}/forms/${s.contactFormId}/submissions`,
    body: (s) => ({
      token: issueFormToken(s.contactFormId, Date.now() - 10_000),
      name: "Visitor",
      email: "visitor@example.test",
    }),
    ok: 201,
  },
  "GET /api/shops/[shopId]/forms/[formId]/submissions": {
    needs: "submissions.read",
    path: (s) => `/api/shops/${s.id}/forms/${s.orderFormId}/submissions`,
    ok: 200,
  },
  "GET /api/shops/[shopId]/members": {
    needs: "team.read",
    path: (s) => `/api/shops/${s.id}/members`,
    ok: 200,
  },
  "PUT /api/shops/[shopId]/members/[userId]": {
    needs: "team.manage",
    path: (s) => `/api/shops/${s.id}/members/${s.agent.id}`,
    body: () => ({ role: "agent" }),
    ok: 200,
  },
  "DELETE /api/shops/[shopId]/members/[userId]": {
    needs: "team.manage",
    path: async (s) => `/api/shops/${s.id}/members/${await newAgent(s.id)}`,
    ok: 200,
  },
  "GET /api/shops/[shopId]/invitations": {
    needs: "team.manage",
    path: (s) => `/api/shops/${s.id}/invitations`,
    ok: 200,
  },
  "POST /api/shops/[shopId]/invitations": {
    needs: "team.manage",
    path: (s) => `/api/shops/${s.id}/invitations`,
    body: () => ({ email: `new-${randomUUID().slice(0, 6)}@example.test`, role: "agent" }),
    ok: 201,
  },
  "DELETE /api/shops/[shopId]/invitations/[invitationId]": {
    needs: "team.manage",
    path: async (s) => `/api/shops/${s.id}/invitations/${await newInvitation(s.id)}`,
    ok: 200,
  },
  // Nobody here is the invitee: every signed-in caller gets 404, as for an unknown id.
  "POST /api/shops/[shopId]/invitations/[invitationId]/accept": {
    needs: "invitee",
    path: async (s) => `/api/shops/${s.id}/invitations/${await newInvitation(s.id)}/accept`,
    ok: 200,
  },
};

/**
 * Routes other modules test themselves (shop payments, Connect onboarding, live chat, channel
 * integrations: tests/api/channels-bots.test.ts).
 */
const OTHER_MODULES = /\/(payments|connect|conversations|chat|integrations|channels|push)(\/|$)/;

function commerceOperations(): string[] {
  return Object.entries(routes())
    .filter(([path]) => path.startsWith("/api/shops") && !OTHER_MODULES.test(path))
    .flatMap(([path, route]) => Object.keys(route.endpoints).map((method) => `${method} ${path}`))
    .sort();
}

function expected(operation: Operation, actor: Actor): number {
  if (operation.needs === "public") return operation.ok;
  if (actor === "anon") return 401;
  if (operation.needs === "signed-in") return operation.ok;
  if (operation.needs === "invitee") return 404;
  const role = roleOf(actor);
  if (role === null) return 404;
  return roleCan(role, operation.needs) ? operation.ok : 403;
}

beforeAll(async () => {
  api = await startTestApi();
  a = await newShop();
  b = await newShop();
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe("every commerce endpoint × owner, admin, agent, stranger, anon", () => {
  it("covers every commerce route", () => {
    expect(commerceOperations()).toEqual(Object.keys(OPERATIONS).sort());
  });

  for (const [name, operation] of Object.entries(OPERATIONS)) {
    it(name, async () => {
      const method = name.split(" ")[0] as string;
      const answers: Record<string, number> = {};
      const wanted: Record<string, number> = {};
      for (const actor of ACTORS) {
        const body = operation.body?.(a);
        const headers: Record<string, string> = {};
        const bearer = token(a, actor);
        if (bearer) headers.authorization = `Bearer ${bearer}`;
        if (body !== undefined) headers["content-type"] = "application/json";
        const response = await fetch(`${api.url}${await operation.path(a)}`, {
          method,
          headers,
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        answers[actor] = response.status;
        wanted[actor] = expected(operation, actor);
        // Nothing of shop B ever appears in an answer about shop A.
        for (const id of [b.id, b.productId, b.orderId, b.orderFormId, b.contactFormId]) {
          expect(text).not.toContain(id);
        }
      }
      expect(answers).toEqual(wanted);
    });
  }

  it("shop B's owner naming their own shop reaches none of shop A's rows", async () => {
    const owner = `Bearer ${b.owner.accessToken}`;
    const paths = [
      [`/api/shops/${b.id}/orders/${a.orderId}`, "GET"],
      [`/api/shops/${b.id}/orders/${a.orderId}/status`, "PUT", { status: "cancelled" }],
      [`/api/shops/${b.id}/products/${a.productId}`, "PUT", { stock: 0 }],
      [`/api/shops/${b.id}/products/${a.productId}`, "DELETE"],
      [`/api/shops/${b.id}/forms/${a.contactFormId}`, "PUT", { name: "Taken" }],
      [`/api/shops/${b.id}/forms/${a.orderFormId}`, "GET"],
      [`/api/shops/${b.id}/members/${a.agent.id}`, "PUT", { role: "admin" }],
      [`/api/shops/${b.id}/members/${a.agent.id}`, "DELETE"],
    ] as const;
    for (const [path, method, body] of paths) {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: owner,
          ...(body !== undefined && { "content-type": "application/json" }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });
});

describe("every commerce table and function through supabase-js, with each token", () => {
  const TABLES: Record<string, ShopPermission> = {
    shops: "shop.read",
    shop_members: "team.read",
    shop_invitations: "team.manage",
    products: "products.read",
    forms: "forms.read",
    orders: "orders.read",
    order_items: "orders.read",
    order_events: "orders.read",
    form_submissions: "submissions.read",
  };

  function client(actor: Actor): SupabaseClient {
    const bearer = token(a, actor);
    return api.supabase.client(bearer);
  }

  beforeAll(async () => {
    await newInvitation(a.id);
    await newInvitation(b.id);
  });

  for (const [table, permission] of Object.entries(TABLES)) {
    it(`${table}: each sees exactly their shop's rows their role may read`, async () => {
      for (const actor of ACTORS) {
        const column = table === "shops" ? "id" : "shop_id";
        const { data, error } = await client(actor).from(table).select(column);
        const shops = new Set((data ?? []).map((row) => (row as Record<string, string>)[column]));
        const role = roleOf(actor);
        if (actor === "anon") {
          expect(error?.code, `${actor} ${table}`).toBe("42501");
          continue;
        }
        expect(error, `${actor} ${table}`).toBeNull();
        // The stranger is B's owner: B's rows only, never A's.
        expect(shops.has(a.id), `${actor} reads A's ${table}`).toBe(
          role !== null && roleCan(role, permission),
        );
        if (actor !== "stranger")
          expect(shops.has(b.id), `${actor} reads B's ${table}`).toBe(false);
      }
    });
  }

  it("writes past the API: refused or a no-op for every role that lacks the permission", async () => {
    for (const actor of ACTORS) {
      const db = client(actor);
      const role = roleOf(actor);
      const canWrite = role !== null && roleCan(role, "products.write");
      const insert = await db
        .from("products")
        .insert({ shop_id: a.id, name: "Injected", price_minor: 1, currency: "EUR" })
        .select("id");
      expect(insert.error === null, `${actor} inserts a product`).toBe(canWrite);
      const update = await db
        .from("products")
        .update({ price_minor: 1 })
        .eq("id", a.productId)
        .select("id");
      expect((update.data ?? []).length, `${actor} reprices a product`).toBe(canWrite ? 1 : 0);
      // Nobody writes orders, items, history, submissions or memberships directly.
      for (const [table, row] of [
        ["orders", { total_minor: 0 }],
        ["order_items", { unit_price_minor: 0 }],
        ["order_events", { to_status: "completed" }],
        ["form_submissions", { kind: "order" }],
        ["shop_members", { role: "owner" }],
      ] as const) {
        const write = await db.from(table).update(row).eq("shop_id", a.id).select();
        expect(write.error?.code, `${actor} updates ${table}`).toBe("42501");
      }
      const joined = await db
        .from("shop_members")
        .insert({ shop_id: a.id, user_id: b.owner.id, role: "owner" });
      expect(joined.error?.code, `${actor} joins as owner`).toBe("42501");
      const moved = await db.rpc("set_shop_order_status", {
        p_shop_id: a.id,
        p_order_id: a.orderId,
        p_status: "cancelled",
      });
      const mayMove = role !== null && roleCan(role, "orders.status");
      if (mayMove) {
        expect(moved.error, `${actor} cancels`).toBeNull();
        // Put it back through a fresh order for the next actor.
        const fresh = await api.supabase
          .client(api.supabase.serviceRoleKey)
          .rpc("submit_shop_form", {
            p_shop_id: a.id,
            p_form_id: a.orderFormId,
            p_items: [{ productId: a.productId, quantity: 1 }],
            p_name_sealed: fakeSealed("name"),
            p_email_sealed: fakeSealed("email"),
            p_email_hash: randomUUID().replace(/-/g, ""),
            p_phone_sealed: null,
            p_answers_sealed: fakeSealed("{}"),
          });
        a.orderId = (fresh.data as { order_id: string }).order_id;
      } else {
        expect(moved.error?.code, `${actor} cancels`).toBe(
          actor === "anon" ? "42501" : role === null ? "PT404" : "42501",
        );
      }
      const promoted = await db.rpc("set_shop_member_role", {
        p_shop_id: a.id,
        p_user_id: b.owner.id,
        p_role: "owner",
      });
      expect(promoted.error, `${actor} promotes a stranger`).not.toBeNull();
      for (const fn of ["submit_shop_form", "invite_shop_member", "accept_shop_invitation"]) {
        const call = await db.rpc(fn, {});
        expect(call.error, `${actor} calls ${fn}`).not.toBeNull();
      }
    }
  });
});
