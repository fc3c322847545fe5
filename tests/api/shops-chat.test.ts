// Shop live chat through the API (issue 21, item 1), with no AI configured (so people answer
// from the start): a customer without an account starts a web conversation and gets a token shown
// once (only its SHA-256 hash is stored), writes and reads with it; members list (filters, cursor
// pages), triage and answer; members of another shop and strangers get 404 everywhere; the
// database broadcasts the shop's events (message:new, conversation:update, order:update,
// notification) on the topic `shop:<id>`.
//
// Each test makes shops of its own (written straight into the database), and every customer
// request comes from a loopback address of its own, so the per-address limits never meet.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post, send, sendFrom } from "../helpers/requests.js";
import { fakeSealed } from "../helpers/sealed.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { OPENAI_API_KEY: undefined, OPENAI_API_URL: undefined } });
});
afterAll(async () => {
  await api?.close();
});

type User = { id: string; accessToken: string };
interface Shop {
  id: string;
  owner: User;
  agent: User;
}

async function sql<T = Record<string, unknown>>(text: string, values: (string | null)[] = []) {
  return (await api.supabase.db.query<T>(text, values)).rows;
}

async function newShop(): Promise<Shop> {
  const [owner, agent] = [await api.signUp(), await api.signUp()];
  const [shop] = await sql<{ id: string }>(
    "insert into public.shops (name, currency, created_by) values ($1, 'EUR', $2) returning id",
    [`Chat shop ${randomBytes(4).toString("hex")}`, owner.id],
  );
  const id = shop?.id as string;
  await sql(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'agent')",
    [id, owner.id, agent.id],
  );
  return { id, owner, agent };
}

/** Another loopback address: another client, as the platform's x-real-ip tells it. */
const address = () => `127.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

/** A customer's request, from an address of its own unless `ip` says which. */
function customer(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; ip?: string } = {},
) {
  return sendFrom(api, method, path, {
    ...(options.body !== undefined && { body: options.body }),
    headers: options.token ? { "x-conversation-token": options.token } : {},
    localAddress: options.ip ?? address(),
  });
}

interface Started {
  conversationId: string;
  conversationToken: string;
  status: string;
  aiActive: boolean;
  message: { id: string; sender: string; text: string; createdAt: string };
}

async function startChat(shopId: string, text = "Hello, is the blue mug in stock?") {
  return expectJson<Started>(
    await customer("POST", `/api/shops/${shopId}/chat`, { body: { text } }),
    201,
  );
}

interface CustomerChat {
  conversationId: string;
  status: string;
  messages: Record<string, unknown>[];
}

async function customerReads(shopId: string, token: string, after?: string) {
  const query = after ? `?after=${encodeURIComponent(after)}` : "";
  return expectJson<CustomerChat>(
    await customer("GET", `/api/shops/${shopId}/chat/messages${query}`, { token: token }),
    200,
  );
}

interface Conversation {
  id: string;
  shopId: string;
  channel: string;
  status: string;
  assigneeId: string | null;
  tags: string[];
  notes: string | null;
  isAiActive: boolean;
  lastMessageAt: string | null;
}

const conversationPath = (shop: Shop, id: string) => `/api/shops/${shop.id}/conversations/${id}`;

async function change(shop: Shop, id: string, body: object, user = shop.agent) {
  return send(api, "PUT", conversationPath(shop, id), { token: user.accessToken, body });
}

async function events(shopId: string) {
  return sql<{ event: string; payload: Record<string, unknown>; private: boolean }>(
    "select event, payload, private from realtime.messages where topic = $1 order by inserted_at, event, id",
    [`shop:${shopId}`],
  );
}

describe("a customer's web chat", () => {
  it("starts with a token shown once, of which only the hash is stored", async () => {
    const shop = await newShop();
    const started = await startChat(shop.id);
    expect(started.conversationToken).toMatch(/^ct_[A-Za-z0-9_-]{43}$/);
    expect(started.aiActive).toBe(false);
    expect(started.message).toMatchObject({
      sender: "customer",
      text: "Hello, is the blue mug in stock?",
    });
    const [row] = await sql<{ token_hash: string; channel: string }>(
      `select t.token_hash, c.channel from public.conversations as c
         join public.conversation_tokens as t on t.conversation_id = c.id where c.id = $1`,
      [started.conversationId],
    );
    expect(row).toEqual({
      token_hash: createHash("sha256").update(started.conversationToken).digest("hex"),
      channel: "web",
    });
    const found = await sql(
      `select 1 from public.conversations as c join public.conversation_tokens as t
         on t.conversation_id = c.id where (to_jsonb(c)::text || to_jsonb(t)::text) like '%' || $1 || '%'`,
      [started.conversationToken.slice(3)],
    );
    expect(found).toEqual([]);
  });

  it("writes and reads with the token; without one 401, with a wrong or another shop's one 404", async () => {
    const [shop, other] = [await newShop(), await newShop()];
    const started = await startChat(shop.id);
    const token = started.conversationToken;
    const sent = await expectJson<{ id: string; sender: string; createdAt: string }>(
      await customer("POST", `/api/shops/${shop.id}/chat/messages`, {
        body: { text: "Also, do you ship to Spain?" },
        token: token,
      }),
      201,
    );
    expect(sent.sender).toBe("customer");

    const all = await customerReads(shop.id, token);
    expect(all.conversationId).toBe(started.conversationId);
    expect(all.messages.map((m) => m.text)).toEqual([
      "Hello, is the blue mug in stock?",
      "Also, do you ship to Spain?",
    ]);
    const newer = await customerReads(shop.id, token, started.message.createdAt);
    expect(newer.messages.map((m) => m.id)).toEqual([sent.id]);

    await expectProblem(
      await customer("GET", `/api/shops/${shop.id}/chat/messages`),
      401,
      "unauthorized",
    );
    const forged = `ct_${randomBytes(32).toString("base64url")}`;
    await expectProblem(
      await customer("GET", `/api/shops/${shop.id}/chat/messages`, { token: forged }),
      404,
      "not_found",
    );
    await expectProblem(
      await customer("GET", `/api/shops/${other.id}/chat/messages`, { token: token }),
      404,
      "not_found",
    );
    await expectProblem(
      await customer("POST", `/api/shops/${other.id}/chat/messages`, {
        body: { text: "hi" },
        token: token,
      }),
      404,
      "not_found",
    );
  });

  it("cannot start a chat with a shop that does not exist, or send unknown fields", async () => {
    await expectProblem(
      await customer("POST", `/api/shops/${crypto.randomUUID()}/chat`, { body: { text: "hi" } }),
      404,
      "not_found",
    );
    const shop = await newShop();
    await expectProblem(
      await customer("POST", `/api/shops/${shop.id}/chat`, {
        body: { text: "hi", sender: "seller" },
      }),
      400,
      "validation_failed",
    );
  });

  it("is limited per address: the sixth conversation in 10 minutes is 429", async () => {
    const shop = await newShop();
    const ip = address();
    for (let i = 0; i < 5; i++) {
      const answer = await customer("POST", `/api/shops/${shop.id}/chat`, {
        body: { text: `hi ${i}` },
        ip,
      });
      expect(answer.status).toBe(201);
    }
    await expectProblem(
      await customer("POST", `/api/shops/${shop.id}/chat`, { body: { text: "hi again" }, ip }),
      429,
      "rate_limited",
    );
  });
});

describe("the team's inbox", () => {
  it("members list, read, triage and answer; the customer sees the answer but not the triage", async () => {
    const shop = await newShop();
    const started = await startChat(shop.id);
    const id = started.conversationId;

    const list = await expectJson<{ conversations: Conversation[] }>(
      await send(api, "GET", `/api/shops/${shop.id}/conversations`, {
        token: shop.agent.accessToken,
      }),
      200,
    );
    expect(list.conversations.map((c) => c.id)).toEqual([id]);
    expect(list.conversations[0]).toMatchObject({
      channel: "web",
      status: "open",
      isAiActive: false,
    });

    const triaged = await expectJson<Conversation>(
      await change(shop, id, {
        status: "pending",
        assigneeId: shop.agent.id,
        tags: ["shipping", "vip", "shipping"],
        notes: "Asked about Spain",
      }),
      200,
    );
    expect(triaged).toMatchObject({
      status: "pending",
      assigneeId: shop.agent.id,
      tags: ["shipping", "vip"],
      notes: "Asked about Spain",
    });

    const reply = await expectJson<{ sender: string; senderUserId: string; text: string }>(
      await post(
        api,
        `${conversationPath(shop, id)}/messages`,
        { text: "Yes, 3 left!" },
        {
          token: shop.agent.accessToken,
        },
      ),
      201,
    );
    expect(reply).toMatchObject({
      sender: "seller",
      senderUserId: shop.agent.id,
      text: "Yes, 3 left!",
    });

    const seen = await customerReads(shop.id, started.conversationToken);
    expect(seen.messages.map((m) => [m.sender, m.text])).toEqual([
      ["customer", "Hello, is the blue mug in stock?"],
      ["seller", "Yes, 3 left!"],
    ]);
    const text = JSON.stringify(seen);
    for (const hidden of ["Asked about Spain", "vip", shop.agent.id])
      expect(text).not.toContain(hidden);

    const messages = await expectJson<{ messages: { sender: string }[] }>(
      await send(api, "GET", `${conversationPath(shop, id)}/messages`, {
        token: shop.owner.accessToken,
      }),
      200,
    );
    expect(messages.messages.map((m) => m.sender)).toEqual(["seller", "customer"]);
  });

  it("a closed conversation opens again when the customer writes", async () => {
    const shop = await newShop();
    const started = await startChat(shop.id);
    await expectJson(await change(shop, started.conversationId, { status: "closed" }), 200);
    await customer("POST", `/api/shops/${shop.id}/chat/messages`, {
      body: { text: "One more thing" },
      token: started.conversationToken,
    });
    const conversation = await expectJson<Conversation>(
      await send(api, "GET", conversationPath(shop, started.conversationId), {
        token: shop.agent.accessToken,
      }),
      200,
    );
    expect(conversation.status).toBe("open");
  });

  it("the assignee must be a member; an empty change is 400", async () => {
    const [shop, other] = [await newShop(), await newShop()];
    const started = await startChat(shop.id);
    await expectProblem(
      await change(shop, started.conversationId, { assigneeId: other.owner.id }),
      400,
      "bad_request",
    );
    await expectProblem(await change(shop, started.conversationId, {}), 400, "validation_failed");
    await expectJson(await change(shop, started.conversationId, { assigneeId: null }), 200);
  });

  it("filters by status, assignee, channel and tag, a page at a time", async () => {
    const shop = await newShop();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await startChat(shop.id, `Question ${i}`)).conversationId);
    const [first, second, third] = ids as [string, string, string];
    await change(shop, first, { status: "closed", tags: ["refund"] });
    await change(shop, second, { assigneeId: shop.agent.id, tags: ["refund", "urgent"] });

    const ask = async (query: string, user = shop.agent) =>
      await expectJson<{ conversations: Conversation[]; nextCursor: string | null }>(
        await send(api, "GET", `/api/shops/${shop.id}/conversations?${query}`, {
          token: user.accessToken,
        }),
        200,
      );
    const idsOf = async (query: string, user = shop.agent) =>
      (await ask(query, user)).conversations.map((c) => c.id);

    expect(await idsOf("")).toEqual([third, second, first]);
    expect(await idsOf("status=closed")).toEqual([first]);
    expect(await idsOf("tag=refund")).toEqual([second, first]);
    expect(await idsOf("tag=urgent&status=open")).toEqual([second]);
    expect(await idsOf("assignee=me")).toEqual([second]);
    expect(await idsOf(`assignee=${shop.agent.id}`)).toEqual([second]);
    expect(await idsOf("assignee=me", shop.owner)).toEqual([]);
    expect(await idsOf("assignee=none")).toEqual([third, first]);
    expect(await idsOf("channel=web")).toEqual([third, second, first]);
    expect(await idsOf("channel=telegram")).toEqual([]);

    const page = await ask("limit=2");
    expect(page.conversations.map((c) => c.id)).toEqual([third, second]);
    expect(page.nextCursor).not.toBeNull();
    const next = await ask(`limit=2&cursor=${page.nextCursor}`);
    expect(next.conversations.map((c) => c.id)).toEqual([first]);
    expect(next.nextCursor).toBeNull();
  });

  it("attachments are references under the shop's own id, of allowed types and sizes", async () => {
    const [shop, other] = [await newShop(), await newShop()];
    const started = await startChat(shop.id);
    const path = `${conversationPath(shop, started.conversationId)}/messages`;
    const attachment = {
      path: `${shop.id}/chat/invoice.pdf`,
      contentType: "application/pdf",
      size: 12_345,
    };
    const sent = await expectJson<{ attachments: unknown[]; text: string }>(
      await post(api, path, { attachments: [attachment] }, { token: shop.agent.accessToken }),
      201,
    );
    expect(sent).toEqual(expect.objectContaining({ text: "", attachments: [attachment] }));
    const refusals = [
      { ...attachment, path: `${other.id}/chat/invoice.pdf` },
      { ...attachment, path: `${shop.id}/../${other.id}/x.pdf` },
      { ...attachment, contentType: "text/html" },
      { ...attachment, size: 10_000_001 },
    ];
    for (const refused of refusals) {
      const response = await post(
        api,
        path,
        { attachments: [refused] },
        { token: shop.agent.accessToken },
      );
      expect(response.status).toBe(400);
    }
    // The same rules hold for a member calling the database function through the Data API.
    const member = api.supabase.client(shop.agent.accessToken);
    for (const refused of refusals) {
      const direct = await member.rpc("send_shop_message", {
        p_shop_id: shop.id,
        p_conversation_id: started.conversationId,
        p_text: "",
        p_attachments: [refused],
      });
      expect(direct.error?.code).toBe("22023");
    }
    const extra = await member.rpc("send_shop_message", {
      p_shop_id: shop.id,
      p_conversation_id: started.conversationId,
      p_text: "",
      p_attachments: [{ ...attachment, url: "https://evil.example/x" }],
    });
    expect(extra.error?.code).toBe("22023");
    await expectProblem(
      await post(api, path, {}, { token: shop.agent.accessToken }),
      400,
      "validation_failed",
    );
  });
});

describe("isolation between shops", () => {
  it("members of another shop and strangers get 404 for everything of this shop", async () => {
    const [shop, other] = [await newShop(), await newShop()];
    const stranger = await api.signUp();
    const started = await startChat(shop.id);
    const id = started.conversationId;
    for (const user of [other.owner, other.agent, stranger]) {
      const token = user.accessToken;
      await expectProblem(
        await send(api, "GET", `/api/shops/${shop.id}/conversations`, { token }),
        404,
        "not_found",
      );
      await expectProblem(
        await send(api, "GET", conversationPath(shop, id), { token }),
        404,
        "not_found",
      );
      await expectProblem(
        await send(api, "PUT", conversationPath(shop, id), { token, body: { status: "closed" } }),
        404,
        "not_found",
      );
      await expectProblem(
        await send(api, "GET", `${conversationPath(shop, id)}/messages`, { token }),
        404,
        "not_found",
      );
      await expectProblem(
        await post(api, `${conversationPath(shop, id)}/messages`, { text: "x" }, { token }),
        404,
        "not_found",
      );
    }
    // A member of the other shop naming this shop's conversation under their own shop.
    const mixed = `/api/shops/${other.id}/conversations/${id}`;
    await expectProblem(
      await send(api, "GET", mixed, { token: other.agent.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(
      await post(api, `${mixed}/messages`, { text: "x" }, { token: other.agent.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "PUT", mixed, { token: other.agent.accessToken, body: { status: "closed" } }),
      404,
      "not_found",
    );
    // And through the Data API with the other member's own token, RLS shows nothing.
    const client = api.supabase.client(other.owner.accessToken);
    const read = await client.from("conversations").select("id").eq("id", id);
    expect(read.data).toEqual([]);
    const messages = await client
      .from("conversation_messages")
      .select("id")
      .eq("conversation_id", id);
    expect(messages.data).toEqual([]);
    const rpc = await client.rpc("send_shop_message", {
      p_shop_id: shop.id,
      p_conversation_id: id,
      p_text: "x",
    });
    expect(rpc.error?.code).toBe("PT404");
    const server = await client.rpc("customer_conversation", {
      p_shop_id: shop.id,
      p_token_hash: "0".repeat(64),
      p_after: null,
      p_limit: 10,
    });
    expect(server.error).not.toBeNull();
  });
});

describe("events broadcast from the database", () => {
  it("message:new, conversation:update and notifications on the shop's private topic", async () => {
    const shop = await newShop();
    const started = await startChat(shop.id);
    await change(shop, started.conversationId, { status: "pending" });
    await post(
      api,
      `${conversationPath(shop, started.conversationId)}/messages`,
      { text: "On it" },
      {
        token: shop.agent.accessToken,
      },
    );
    const sent = await events(shop.id);
    expect(sent.every((e) => e.private)).toBe(true);
    // One transaction's events share a time, and are listed by event name within it.
    expect(sent.map((e) => e.event)).toEqual([
      "conversation:update",
      "message:new",
      "notification",
      "notification",
      "conversation:update",
      "conversation:update",
      "message:new",
    ]);
    const notifications = sent.filter((e) => e.event === "notification").map((e) => e.payload);
    expect(notifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          title: "New conversation",
          type: "conversation",
          conversationId: started.conversationId,
        }),
        expect.objectContaining({ type: "message", title: "A customer is waiting" }),
      ]),
    );
    expect(sent[1]?.payload).toMatchObject({
      conversationId: started.conversationId,
      sender: "customer",
      text: "Hello, is the blue mug in stock?",
    });
    expect(sent[4]?.payload).toMatchObject({ id: started.conversationId, status: "pending" });
    expect(sent[6]?.payload).toMatchObject({
      sender: "seller",
      text: "On it",
      senderUserId: shop.agent.id,
    });
  });

  it("order:update when an order is placed and when its status changes", async () => {
    const shop = await newShop();
    const [order] = await sql<{ id: string }>(
      `insert into public.orders (shop_id, customer_name_sealed, customer_email_sealed,
         customer_email_hash, currency, total_minor)
       values ($1, $2, $3, $4, 'EUR', 1250) returning id`,
      [
        shop.id,
        fakeSealed("Asha"),
        fakeSealed("asha@example.test"),
        randomBytes(16).toString("hex"),
      ],
    );
    await sql("update public.orders set status = 'processing' where id = $1", [
      order?.id as string,
    ]);
    const sent = await events(shop.id);
    expect(sent.map((e) => [e.event, e.payload.status ?? e.payload.type])).toEqual([
      ["notification", "order"],
      ["order:update", "pending"],
      ["order:update", "processing"],
    ]);
    expect(JSON.stringify(sent)).not.toContain("v1.k1");
  });
});
