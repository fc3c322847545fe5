// The shop's AI answering its web chat (issue 21, item 2), through the API with the network-level
// fake of OpenAI: a customer's message gets an answer from `ai` after the response, grounded in
// that shop's description and products only (another shop's catalogue and the team's notes never
// reach the prompt), spent from and recorded against the shop owner's AI budget; a member's reply
// or an explicit hand-over turns it off; when the AI cannot answer (budget spent, provider down)
// the conversation is handed over to people with a system message.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.js";
import { expectJson, post, send, sendFrom } from "../helpers/requests.js";

let api: TestApi;
let openai: FakeOpenAi;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  api = await startTestApi({
    env: { OPENAI_API_KEY: openai.apiKey, OPENAI_API_URL: openai.url, OPENAI_TIMEOUT_MS: "3000" },
  });
});
afterAll(async () => {
  await api?.close();
  await openai?.close();
});

type User = { id: string; accessToken: string };

async function sql<T = Record<string, unknown>>(text: string, values: (string | null)[] = []) {
  return (await api.supabase.db.query<T>(text, values)).rows;
}

async function newShop(product: string, description: string) {
  const owner: User = await api.signUp();
  const [shop] = await sql<{ id: string }>(
    "insert into public.shops (name, description, currency, created_by) values ($1, $2, 'EUR', $3) returning id",
    [`Shop ${randomBytes(4).toString("hex")}`, description, owner.id],
  );
  const id = shop?.id as string;
  await sql("insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner')", [
    id,
    owner.id,
  ]);
  await sql(
    "insert into public.products (shop_id, name, description, price_minor, currency, stock, category) values ($1, $2, 'Hand-thrown stoneware', 2450, 'EUR', 3, 'Kitchen')",
    [id, product],
  );
  return { id, owner };
}

const address = () => `127.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;

function customer(method: string, path: string, options: { body?: unknown; token?: string } = {}) {
  return sendFrom(api, method, path, {
    ...(options.body !== undefined && { body: options.body }),
    headers: options.token ? { "x-conversation-token": options.token } : {},
    localAddress: address(),
  });
}

async function start(shopId: string, text: string) {
  return expectJson<{ conversationId: string; conversationToken: string; aiActive: boolean }>(
    await customer("POST", `/api/shops/${shopId}/chat`, { body: { text } }),
    201,
  );
}

async function transcript(shopId: string, token: string) {
  await api.settle();
  const chat = await expectJson<{ messages: { sender: string; text: string }[] }>(
    await customer("GET", `/api/shops/${shopId}/chat/messages`, { token }),
    200,
  );
  return chat.messages.map((m) => [m.sender, m.text]);
}

const responsesCalls = () => openai.requests.filter((r) => r.path === "/responses").length;

describe("the shop's AI in its web chat", () => {
  it("answers from this shop's facts only, on the owner's budget", async () => {
    openai.reply(() => "Yes: the Blue mug is in stock at €24.50.");
    const shop = await newShop("Blue mug", "Returns within 30 days. We ship in the EU.");
    const other = await newShop("Forbidden teapot", "Other shop's secret policy.");
    await start(other.id, "hello from the other shop");
    await api.settle();

    const before = openai.requests.length;
    const chat = await start(shop.id, "Is the blue mug in stock?");
    expect(chat.aiActive).toBe(true);
    await sql("update public.conversations set notes = 'VIP, internal only' where id = $1", [
      chat.conversationId,
    ]);
    expect(await transcript(shop.id, chat.conversationToken)).toEqual([
      ["customer", "Is the blue mug in stock?"],
      ["ai", "Yes: the Blue mug is in stock at €24.50."],
    ]);
    const sent = openai.requests.slice(before).find((r) => r.path === "/responses");
    const prompt = JSON.stringify(sent?.body);
    expect(prompt).toContain("Blue mug");
    expect(prompt).toContain("€24.50");
    expect(prompt).toContain("Returns within 30 days");
    for (const foreign of [
      "Forbidden teapot",
      "secret policy",
      "hello from the other shop",
      "VIP",
    ]) {
      expect(prompt).not.toContain(foreign);
    }
    const usage = await sql<{ endpoint: string; outcome: string }>(
      "select endpoint, outcome from public.ai_usage where user_id = $1",
      [shop.owner.id],
    );
    expect(usage).toEqual([{ endpoint: "chat", outcome: "completed" }]);
  });

  it("a member's reply turns it off; turning it on again lets it answer the next message", async () => {
    openai.reply(() => "AI answer");
    const shop = await newShop("Green bowl", "Open Monday to Friday.");
    const chat = await start(shop.id, "Hi");
    await api.settle();
    const path = `/api/shops/${shop.id}/conversations/${chat.conversationId}`;
    await expectJson(
      await post(
        api,
        `${path}/messages`,
        { text: "Hello, Maria here." },
        { token: shop.owner.accessToken },
      ),
      201,
    );
    const conversation = await expectJson<{ isAiActive: boolean }>(
      await send(api, "GET", path, { token: shop.owner.accessToken }),
      200,
    );
    expect(conversation.isAiActive).toBe(false);
    const calls = responsesCalls();
    await customer("POST", `/api/shops/${shop.id}/chat/messages`, {
      body: { text: "Thanks Maria" },
      token: chat.conversationToken,
    });
    expect(await transcript(shop.id, chat.conversationToken)).toEqual([
      ["customer", "Hi"],
      ["ai", "AI answer"],
      ["seller", "Hello, Maria here."],
      ["customer", "Thanks Maria"],
    ]);
    expect(responsesCalls()).toBe(calls);

    await expectJson(
      await send(api, "PUT", path, { token: shop.owner.accessToken, body: { isAiActive: true } }),
      200,
    );
    await customer("POST", `/api/shops/${shop.id}/chat/messages`, {
      body: { text: "When are you open?" },
      token: chat.conversationToken,
    });
    expect((await transcript(shop.id, chat.conversationToken)).at(-1)).toEqual(["ai", "AI answer"]);

    await expectJson(
      await send(api, "PUT", path, { token: shop.owner.accessToken, body: { isAiActive: false } }),
      200,
    );
    const handedOver = responsesCalls();
    await customer("POST", `/api/shops/${shop.id}/chat/messages`, {
      body: { text: "Anyone there?" },
      token: chat.conversationToken,
    });
    expect((await transcript(shop.id, chat.conversationToken)).at(-1)).toEqual([
      "customer",
      "Anyone there?",
    ]);
    expect(responsesCalls()).toBe(handedOver);
  });

  it("hands over to people when OpenAI cannot answer", async () => {
    const shop = await newShop("Red jug", "");
    // The first attempt and the SDK's two retries.
    openai.failNext(3, 503, "/responses");
    const chat = await start(shop.id, "Do you have jugs?");
    const messages = await transcript(shop.id, chat.conversationToken);
    expect(messages).toEqual([
      ["customer", "Do you have jugs?"],
      ["system", "Our assistant cannot answer right now; a person from the shop will reply here."],
    ]);
    const [row] = await sql<{ is_ai_active: boolean }>(
      "select is_ai_active from public.conversations where id = $1",
      [chat.conversationId],
    );
    expect(row?.is_ai_active).toBe(false);
  });

  it("hands over to people once the owner's daily AI budget cannot hold the answer", async () => {
    // Long answers, so each call spends its whole output cap.
    openai.reply(() => "x".repeat(5_000));
    const shop = await newShop("Yellow plate", "p".repeat(2_000));
    const ask = (messages: { role: string; content: string }[]) =>
      post(
        api,
        "/api/ai/chat",
        { messages, assistant: "general" },
        { token: shop.owner.accessToken, headers: { accept: "application/json" } },
      );
    // Spend the owner's day with big questions, then with questions the size of the customer's
    // (whose answer also carries the shop's facts, so it needs more than they do).
    const big = [
      { role: "user", content: "x".repeat(3_990) },
      { role: "assistant", content: "y".repeat(3_990) },
      { role: "user", content: "z".repeat(3_990) },
    ];
    for (const messages of [big, [{ role: "user", content: "q".repeat(3_000) }]]) {
      let refused = false;
      for (let i = 0; i < 10 && !refused; i++) {
        const response = await ask(messages);
        const body = (await response.json()) as { budget?: unknown };
        refused = response.status === 429;
        if (refused) expect(body.budget).toBeDefined();
      }
      expect(refused).toBe(true);
    }
    const calls = responsesCalls();
    const chat = await start(shop.id, "c".repeat(3_000));
    expect((await transcript(shop.id, chat.conversationToken)).map(([sender]) => sender)).toEqual([
      "customer",
      "system",
    ]);
    expect(responsesCalls()).toBe(calls);
  });
});

describe("whose budget the shop's AI spends", () => {
  it("is a current owner's: the creator while an owner, then the longest-standing owner", async () => {
    const shop = await newShop("Tea bowl", "Pottery");
    const [second, third] = [await api.signUp(), await api.signUp()];
    await sql(
      "insert into public.shop_members (shop_id, user_id, role, created_at) values ($1, $2, 'owner', now() - interval '1 day'), ($1, $3, 'owner', now())",
      [shop.id, second.id, third.id],
    );
    const billed = async () =>
      (
        await sql<{ owner: string }>("select public.shop_ai_facts($1)->>'owner_id' as owner", [
          shop.id,
        ])
      )[0]?.owner;
    expect(await billed()).toBe(shop.owner.id);
    // Another owner removes the creator: the creator's own budget is theirs again.
    await sql("delete from public.shop_members where shop_id = $1 and user_id = $2", [
      shop.id,
      shop.owner.id,
    ]);
    expect(await billed()).toBe(second.id);
  });
});
