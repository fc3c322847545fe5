// Commerce through the API (issue 20, items 1-4): shops and teams (invitations accepted by the
// invitee, roles, the last owner), products (filters, cursor pages, image URLs, soft delete),
// public forms (bot checks, validation against the form's definition, orders priced and stock
// reserved by the server, contact messages) and orders (status machine, stock back on cancel,
// history), and GET /api/auth/me's shops and username.
//
// Every test makes its own shops and users: the database may be shared with other files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueFormToken } from "../../lib/shops/form-token.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  // Deliveries only from the endpoints that queued them (thenDeliver), so settle() sees them all.
  api = await startTestApi({ databaseWebhooks: false });
});
afterAll(async () => {
  await api?.close();
});

type User = { id: string; accessToken: string };

interface Team {
  shopId: string;
  owner: User;
  admin: User;
  agent: User;
}

/** The sign-in email, from the access token's claims. */
function emailOf(user: User): string {
  const payload = user.accessToken.split(".")[1] as string;
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { email: string })
    .email;
}

/** A shop made through the API, its admin and agent invited and accepted through the API. */
async function newTeam(currency = "EUR"): Promise<Team> {
  const owner = await api.signUp();
  const shop = await expectJson<{ id: string; role: string }>(
    await post(api, "/api/shops", { name: "Corner Shop", currency }, { token: owner.accessToken }),
    201,
  );
  expect(shop.role).toBe("owner");
  const join = async (role: "admin" | "agent") => {
    const user = await api.signUp();
    const invitation = await expectJson<{ id: string; role: string; email: string }>(
      await post(
        api,
        `/api/shops/${shop.id}/invitations`,
        { email: emailOf(user).toUpperCase(), role },
        { token: owner.accessToken },
      ),
      201,
    );
    expect(invitation.email).toBe(emailOf(user));
    await expectJson(
      await post(api, `/api/shops/${shop.id}/invitations/${invitation.id}/accept`, undefined, {
        token: user.accessToken,
      }),
      200,
    );
    return user;
  };
  return { shopId: shop.id, owner, admin: await join("admin"), agent: await join("agent") };
}

async function addProduct(team: Team, fields: Record<string, unknown> = {}) {
  return expectJson<{ id: string; priceMinor: number; stock: number }>(
    await post(
      api,
      `/api/shops/${team.shopId}/products`,
      { name: "Mug", priceMinor: 1200, stock: 10, ...fields },
      { token: team.admin.accessToken },
    ),
    201,
  );
}

async function addForm(team: Team, body: Record<string, unknown>) {
  return expectJson<{ id: string }>(
    await post(api, `/api/shops/${team.shopId}/forms`, body, { token: team.admin.accessToken }),
    201,
  );
}

/** A token issued long enough ago to pass the minimum fill time (no waiting in tests). */
function filledToken(formId: string): string {
  return issueFormToken(formId, Date.now() - 10_000);
}

function submit(team: Team, formId: string, body: Record<string, unknown>) {
  return post(api, `/api/shops/${team.shopId}/forms/${formId}/submissions`, {
    token: filledToken(formId),
    name: "Asha Rao",
    email: "asha@example.test",
    ...body,
  });
}

describe("shops and teams", () => {
  it("the creator owns the shop; members see it with their role; strangers get 404", async () => {
    const team = await newTeam();
    const stranger = await api.signUp();
    for (const [user, role] of [
      [team.owner, "owner"],
      [team.admin, "admin"],
      [team.agent, "agent"],
    ] as const) {
      const shop = await expectJson<{ role: string; currency: string }>(
        await send(api, "GET", `/api/shops/${team.shopId}`, { token: user.accessToken }),
        200,
      );
      expect(shop).toMatchObject({ role, currency: "EUR" });
    }
    await expectProblem(
      await send(api, "GET", `/api/shops/${team.shopId}`, { token: stranger.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(await send(api, "GET", `/api/shops/${team.shopId}`), 401, "unauthorized");
  });

  it("GET /api/auth/me lists the caller's shops with their role, and a username", async () => {
    const team = await newTeam();
    const me = await expectJson<{
      user: { username: string | null };
      shops: { id: string; role: string }[];
    }>(await send(api, "GET", "/api/auth/me", { token: team.agent.accessToken }), 200);
    expect(me.shops).toContainEqual({ id: team.shopId, name: "Corner Shop", role: "agent" });
    expect(me.user.username).toBe(emailOf(team.agent).split("@")[0]);
  });

  it("admins change settings, agents may not", async () => {
    const team = await newTeam();
    const changed = await expectJson<{ name: string; submissionRetentionDays: number }>(
      await send(api, "PUT", `/api/shops/${team.shopId}`, {
        token: team.admin.accessToken,
        body: { name: "Renamed", submissionRetentionDays: 30 },
      }),
      200,
    );
    expect(changed).toMatchObject({ name: "Renamed", submissionRetentionDays: 30 });
    await expectProblem(
      await send(api, "PUT", `/api/shops/${team.shopId}`, {
        token: team.agent.accessToken,
        body: { name: "Agent's" },
      }),
      403,
      "forbidden",
    );
  });

  it("only the invitee accepts, once; owners manage roles; the last owner stays", async () => {
    const team = await newTeam();
    const invitee = await api.signUp();
    const other = await api.signUp();
    const invitation = await expectJson<{ id: string }>(
      await post(
        api,
        `/api/shops/${team.shopId}/invitations`,
        { email: emailOf(invitee), role: "agent" },
        { token: team.owner.accessToken },
      ),
      201,
    );
    // Admins cannot invite; a stranger cannot accept someone else's invitation.
    await expectProblem(
      await post(
        api,
        `/api/shops/${team.shopId}/invitations`,
        { email: "x@example.test", role: "admin" },
        { token: team.admin.accessToken },
      ),
      403,
      "forbidden",
    );
    const invited = await outboxMailsTo(api, "shop_invitation", emailOf(invitee));
    expect(invited).toHaveLength(1);
    expect(invited[0]).toContain(`/invitations/${invitation.id}`);
    const acceptPath = `/api/shops/${team.shopId}/invitations/${invitation.id}/accept`;
    await expectProblem(
      await post(api, acceptPath, undefined, { token: other.accessToken }),
      404,
      "not_found",
    );
    const listed = await expectJson<{ invitations: { id: string }[] }>(
      await send(api, "GET", `/api/shops/${team.shopId}/invitations`, {
        token: team.owner.accessToken,
      }),
      200,
    );
    expect(listed.invitations.map((i) => i.id)).toEqual([invitation.id]);
    // The invitee's address must be confirmed, not only claimed.
    await api.supabase.db.query("update auth.users set email_confirmed_at = null where id = $1", [
      invitee.id,
    ]);
    const unconfirmed = await expectProblem(
      await post(api, acceptPath, undefined, { token: invitee.accessToken }),
      403,
      "forbidden",
    );
    expect(unconfirmed.detail).toMatch(/Confirm your email/);
    await api.supabase.db.query("update auth.users set email_confirmed_at = now() where id = $1", [
      invitee.id,
    ]);
    expect(
      await expectJson(await post(api, acceptPath, undefined, { token: invitee.accessToken }), 200),
    ).toEqual({ shopId: team.shopId, role: "agent" });
    await expectProblem(
      await post(api, acceptPath, undefined, { token: invitee.accessToken }),
      404,
      "not_found",
    );

    const members = await expectJson<{ members: { userId: string; role: string }[] }>(
      await send(api, "GET", `/api/shops/${team.shopId}/members`, { token: invitee.accessToken }),
      200,
    );
    expect(members.members.map((m) => m.role).sort()).toEqual(["admin", "agent", "agent", "owner"]);

    // Agents and admins do not manage the team.
    await expectProblem(
      await send(api, "PUT", `/api/shops/${team.shopId}/members/${invitee.id}`, {
        token: team.admin.accessToken,
        body: { role: "admin" },
      }),
      403,
      "forbidden",
    );
    await expectJson(
      await send(api, "PUT", `/api/shops/${team.shopId}/members/${invitee.id}`, {
        token: team.owner.accessToken,
        body: { role: "admin" },
      }),
      200,
    );
    // The last owner can neither step down nor leave; a member may leave.
    await expectProblem(
      await send(api, "PUT", `/api/shops/${team.shopId}/members/${team.owner.id}`, {
        token: team.owner.accessToken,
        body: { role: "admin" },
      }),
      409,
      "conflict",
    );
    await expectProblem(
      await send(api, "DELETE", `/api/shops/${team.shopId}/members/${team.owner.id}`, {
        token: team.owner.accessToken,
      }),
      409,
      "conflict",
    );
    await expectJson(
      await send(api, "DELETE", `/api/shops/${team.shopId}/members/${invitee.id}`, {
        token: invitee.accessToken,
      }),
      200,
    );
    await expectProblem(
      await send(api, "GET", `/api/shops/${team.shopId}`, { token: invitee.accessToken }),
      404,
      "not_found",
    );
  });

  it("an expired invitation cannot be accepted; a withdrawn one is gone", async () => {
    const team = await newTeam();
    const invitee = await api.signUp();
    const invite = async () =>
      expectJson<{ id: string }>(
        await post(
          api,
          `/api/shops/${team.shopId}/invitations`,
          { email: emailOf(invitee), role: "admin" },
          { token: team.owner.accessToken },
        ),
        201,
      );
    const first = await invite();
    await api.supabase.db.query(
      "update public.shop_invitations set expires_at = now() - interval '1 minute' where id = $1",
      [first.id],
    );
    await expectProblem(
      await post(api, `/api/shops/${team.shopId}/invitations/${first.id}/accept`, undefined, {
        token: invitee.accessToken,
      }),
      409,
      "conflict",
    );
    // Inviting again renews the same open invitation.
    const again = await invite();
    expect(again.id).toBe(first.id);
    await expectJson(
      await send(api, "DELETE", `/api/shops/${team.shopId}/invitations/${first.id}`, {
        token: team.owner.accessToken,
      }),
      200,
    );
    await expectProblem(
      await post(api, `/api/shops/${team.shopId}/invitations/${first.id}/accept`, undefined, {
        token: invitee.accessToken,
      }),
      404,
      "not_found",
    );
  });
});

describe("products", () => {
  it("admins add and change products; agents read them; the currency is the shop's", async () => {
    const team = await newTeam("EUR");
    const product = await addProduct(team, {
      imageUrl: "https://cdn.example.com/mug.png",
      category: "kitchen",
    });
    expect(product).toMatchObject({ priceMinor: 1200, stock: 10 });
    await expectProblem(
      await post(
        api,
        `/api/shops/${team.shopId}/products`,
        { name: "Cup", priceMinor: 1, currency: "USD" },
        { token: team.admin.accessToken },
      ),
      400,
      "bad_request",
    );
    await expectProblem(
      await post(
        api,
        `/api/shops/${team.shopId}/products`,
        { name: "Cup", priceMinor: 1 },
        { token: team.agent.accessToken },
      ),
      403,
      "forbidden",
    );
    await expectProblem(
      await send(api, "PUT", `/api/shops/${team.shopId}/products/${product.id}`, {
        token: team.agent.accessToken,
        body: { priceMinor: 1 },
      }),
      403,
      "forbidden",
    );
    const changed = await expectJson<{ priceMinor: number; name: string }>(
      await send(api, "PUT", `/api/shops/${team.shopId}/products/${product.id}`, {
        token: team.admin.accessToken,
        body: { priceMinor: 1500 },
      }),
      200,
    );
    expect(changed).toMatchObject({ priceMinor: 1500, name: "Mug" });
  });

  it("image URLs must be https on a public host", async () => {
    const team = await newTeam();
    for (const imageUrl of [
      "http://cdn.example.com/a.png",
      "https://localhost/a.png",
      "https://127.0.0.1/a.png",
      "https://user:pw@cdn.example.com/a.png",
      "javascript:alert(1)",
      "https://[::1]/a.png",
    ]) {
      await expectProblem(
        await post(
          api,
          `/api/shops/${team.shopId}/products`,
          { name: "Bad", priceMinor: 1, imageUrl },
          { token: team.admin.accessToken },
        ),
        400,
        "validation_failed",
      );
    }
  });

  it("filters and cursor pages; deleted products leave the list", async () => {
    const team = await newTeam();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        (
          await addProduct(team, {
            name: `Item ${i}`,
            priceMinor: 100 * (i + 1),
            stock: i % 2,
            category: i < 3 ? "a" : "b",
          })
        ).id,
      );
    }
    const list = async (query: string) =>
      expectJson<{ products: { id: string; name: string }[]; nextCursor: string | null }>(
        await send(api, "GET", `/api/shops/${team.shopId}/products?${query}`, {
          token: team.agent.accessToken,
        }),
        200,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.products.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    expect((await list("category=a")).products).toHaveLength(3);
    expect((await list("inStock=true")).products).toHaveLength(2);
    expect((await list("minPriceMinor=200&maxPriceMinor=400")).products).toHaveLength(3);
    expect((await list("q=item%204")).products.map((p) => p.name)).toEqual(["Item 4"]);
    await expectProblem(
      await send(api, "GET", `/api/shops/${team.shopId}/products?cursor=nonsense`, {
        token: team.agent.accessToken,
      }),
      400,
      "validation_failed",
    );

    await expectJson(
      await send(api, "DELETE", `/api/shops/${team.shopId}/products/${made[0]}`, {
        token: team.admin.accessToken,
      }),
      200,
    );
    expect((await list("limit=100")).products.map((p) => p.id)).not.toContain(made[0]);
    await expectProblem(
      await send(api, "PUT", `/api/shops/${team.shopId}/products/${made[0]}`, {
        token: team.admin.accessToken,
        body: { stock: 3 },
      }),
      404,
      "not_found",
    );
  });
});

describe("forms, submissions and orders", () => {
  it("a customer orders through a public form: priced and reserved by the server, then moved along", async () => {
    const team = await newTeam();
    const mug = await addProduct(team, { priceMinor: 1200, stock: 5 });
    const form = await addForm(team, {
      kind: "order",
      name: "Order a mug",
      productIds: [mug.id],
      fields: [
        { key: "gift_note", label: "Gift note", type: "textarea", maxLength: 200 },
        { key: "size", label: "Size", type: "select", options: ["S", "L"], required: true },
      ],
    });

    const shown = await expectJson<{
      fields: unknown[];
      products: { id: string; priceMinor: number; inStock: boolean }[];
      formToken: string;
    }>(await send(api, "GET", `/api/shops/${team.shopId}/forms/${form.id}`), 200);
    expect(shown.products).toEqual([
      expect.objectContaining({ id: mug.id, priceMinor: 1200, inStock: true }),
    ]);
    expect(shown.products[0]).not.toHaveProperty("stock");

    // Submitted at once with the token just issued: refused as a bot.
    await expectProblem(
      await post(api, `/api/shops/${team.shopId}/forms/${form.id}/submissions`, {
        token: shown.formToken,
        name: "Asha",
        email: "asha@example.test",
        answers: { size: "S" },
        items: [{ productId: mug.id, quantity: 1 }],
      }),
      400,
      "bad_request",
    );
    // The honeypot filled.
    await expectProblem(
      await submit(team, form.id, {
        answers: { size: "S" },
        items: [{ productId: mug.id, quantity: 1 }],
        website: "http://spam.example",
      }),
      400,
      "bad_request",
    );
    // A token of another form.
    await expectProblem(
      await submit(team, form.id, {
        token: filledToken(crypto.randomUUID()),
        answers: { size: "S" },
        items: [{ productId: mug.id, quantity: 1 }],
      }),
      400,
      "bad_request",
    );
    // Answers against the form's definition.
    const invalid = await expectProblem(
      await submit(team, form.id, {
        answers: { size: "XL", colour: "red" },
        items: [{ productId: mug.id, quantity: 1 }],
      }),
      400,
      "validation_failed",
    );
    expect(Object.keys(invalid.errors ?? {}).sort()).toEqual(["answers.colour", "answers.size"]);
    // A price sent by the client is an unknown field.
    await expectProblem(
      await submit(team, form.id, {
        answers: { size: "S" },
        items: [{ productId: mug.id, quantity: 1, unitPriceMinor: 1 }],
      }),
      400,
      "validation_failed",
    );

    const receipt = await expectJson<{ orderId: string; totalMinor: number; status: string }>(
      await submit(team, form.id, {
        phone: "+14155550123",
        answers: { size: "L", gift_note: "Happy birthday" },
        items: [{ productId: mug.id, quantity: 2 }],
      }),
      201,
    );
    expect(receipt).toMatchObject({ totalMinor: 2400, status: "pending", currency: "EUR" });
    await expectProblem(
      await submit(team, form.id, {
        answers: { size: "L" },
        items: [{ productId: mug.id, quantity: 4 }],
      }),
      409,
      "conflict",
    );

    // The team reads it (agents too), with the customer's contact opened on the server.
    const order = await expectJson<{
      customer: { name: string; email: string; phone: string };
      items: { name: string; unitPriceMinor: number; quantity: number }[];
      totalMinor: number;
    }>(
      await send(api, "GET", `/api/shops/${team.shopId}/orders/${receipt.orderId}`, {
        token: team.agent.accessToken,
      }),
      200,
    );
    expect(order.customer).toEqual({
      name: "Asha Rao",
      email: "asha@example.test",
      phone: "+14155550123",
    });
    expect(order.items).toEqual([
      { productId: mug.id, name: "Mug", unitPriceMinor: 1200, quantity: 2, lineTotalMinor: 2400 },
    ]);
    const list = await expectJson<{ orders: { id: string }[] }>(
      await send(api, "GET", `/api/shops/${team.shopId}/orders?status=pending`, {
        token: team.agent.accessToken,
      }),
      200,
    );
    expect(list.orders.map((o) => o.id)).toEqual([receipt.orderId]);

    // Status: agents may not; illegal moves are 409; cancelling gives the stock back.
    const statusPath = `/api/shops/${team.shopId}/orders/${receipt.orderId}/status`;
    await expectProblem(
      await send(api, "PUT", statusPath, {
        token: team.agent.accessToken,
        body: { status: "processing" },
      }),
      403,
      "forbidden",
    );
    await expectProblem(
      await send(api, "PUT", statusPath, {
        token: team.admin.accessToken,
        body: { status: "completed" },
      }),
      409,
      "conflict",
    );
    await expectJson(
      await send(api, "PUT", statusPath, {
        token: team.admin.accessToken,
        body: { status: "processing" },
      }),
      200,
    );
    await expectJson(
      await send(api, "PUT", statusPath, {
        token: team.owner.accessToken,
        body: { status: "cancelled" },
      }),
      200,
    );
    const products = await expectJson<{ products: { id: string; stock: number }[] }>(
      await send(api, "GET", `/api/shops/${team.shopId}/products`, {
        token: team.agent.accessToken,
      }),
      200,
    );
    expect(products.products.find((p) => p.id === mug.id)?.stock).toBe(5);
    const history = await expectJson<{
      history: { actorUserId: string | null; toStatus: string }[];
    }>(
      await send(api, "GET", `/api/shops/${team.shopId}/orders/${receipt.orderId}`, {
        token: team.owner.accessToken,
      }),
      200,
    );
    expect(history.history).toEqual([
      expect.objectContaining({ actorUserId: null, toStatus: "pending" }),
      expect.objectContaining({ actorUserId: team.admin.id, toStatus: "processing" }),
      expect.objectContaining({ actorUserId: team.owner.id, toStatus: "cancelled" }),
    ]);
    // Emails through the outbox: the owners and admins hear of the order (agents do not); the
    // customer gets the confirmation and each status change.
    for (const member of [team.owner, team.admin]) {
      const mails = await outboxMailsTo(api, "shop_order_received", emailOf(member));
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain("Asha Rao ordered 2 × Mug");
    }
    expect(await outboxMailsTo(api, "shop_order_received", emailOf(team.agent))).toEqual([]);
    const customer = await outboxMailsTo(api, "shop_order_confirmation", "asha@example.test");
    expect(customer.some((text) => text.includes(receipt.orderId))).toBe(true);
    const statuses = await outboxMailsTo(api, "shop_order_status", "asha@example.test");
    expect(statuses.filter((text) => text.includes(receipt.orderId))).toHaveLength(2);
  });

  it("a contact form records a sealed message; inactive forms and other shops' products are refused", async () => {
    const team = await newTeam();
    const other = await newTeam();
    const foreign = await addProduct(other);
    await expectProblem(
      await post(
        api,
        `/api/shops/${team.shopId}/forms`,
        { kind: "order", name: "Steal", productIds: [foreign.id] },
        { token: team.admin.accessToken },
      ),
      400,
      "bad_request",
    );
    await expectProblem(
      await post(
        api,
        `/api/shops/${team.shopId}/forms`,
        { kind: "contact", name: "Ask" },
        { token: team.agent.accessToken },
      ),
      403,
      "forbidden",
    );
    const form = await addForm(team, {
      kind: "contact",
      name: "Ask us",
      fields: [{ key: "message", label: "Message", type: "textarea", required: true }],
    });
    const receipt = await expectJson<{ submissionId: string; orderId: null }>(
      await submit(team, form.id, { answers: { message: "Do you ship to Oslo?" } }),
      201,
    );
    expect(receipt.orderId).toBeNull();
    const told = await outboxMailsTo(api, "shop_contact_received", emailOf(team.owner));
    expect(told).toHaveLength(1);
    expect(told[0]).not.toContain("Oslo");
    const { rows } = await api.supabase.db.query<{ answers_sealed: string; kind: string }>(
      "select answers_sealed, kind from public.form_submissions where id = $1",
      [receipt.submissionId],
    );
    expect(rows[0]?.kind).toBe("contact");
    expect(rows[0]?.answers_sealed).toMatch(/^v1\./);
    expect(rows[0]?.answers_sealed).not.toContain("Oslo");

    const inbox = await expectJson<{
      submissions: { id: string; name: string; answers: Record<string, unknown> }[];
    }>(
      await send(api, "GET", `/api/shops/${team.shopId}/forms/${form.id}/submissions`, {
        token: team.agent.accessToken,
      }),
      200,
    );
    expect(inbox.submissions).toEqual([
      expect.objectContaining({
        id: receipt.submissionId,
        name: "Asha Rao",
        answers: { message: "Do you ship to Oslo?" },
      }),
    ]);
    const forms = await expectJson<{ forms: { id: string }[] }>(
      await send(api, "GET", `/api/shops/${team.shopId}/forms`, { token: team.agent.accessToken }),
      200,
    );
    expect(forms.forms.map((f) => f.id)).toEqual([form.id]);
    await expectJson(
      await send(api, "PUT", `/api/shops/${team.shopId}/forms/${form.id}`, {
        token: team.admin.accessToken,
        body: { active: false },
      }),
      200,
    );
    await expectProblem(
      await send(api, "GET", `/api/shops/${team.shopId}/forms/${form.id}`),
      404,
      "not_found",
    );
    await expectProblem(
      await submit(team, form.id, { answers: { message: "Still there?" } }),
      404,
      "not_found",
    );
  });
});
