// Shop channels through Telegram and Viber bots (issue 22), against network-level fakes of both
// platforms: an owner connects a bot with its token (checked with the platform, stored sealed,
// never answered), the webhook is registered at APP_URL with its secret; forged deliveries are
// refused; a customer's message starts or continues a conversation once, however often it is
// delivered; a member's reply goes out through the platform with its delivery recorded; and
// disconnecting removes the webhook and the token.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupHash, sealPersonalData } from "../../lib/crypto/personal-data.js";
import { processStored } from "../../lib/payments/webhooks/receive.js";
import { webhookSource } from "../../lib/payments/webhooks/sources.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeTelegram, startFakeTelegram } from "../helpers/fake-telegram.js";
import { type FakeViber, startFakeViber } from "../helpers/fake-viber.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";

let api: TestApi;
let telegram: FakeTelegram;
let viber: FakeViber;
beforeAll(async () => {
  [telegram, viber] = await Promise.all([startFakeTelegram(), startFakeViber()]);
  api = await startTestApi({
    env: {
      OPENAI_API_KEY: undefined,
      OPENAI_API_URL: undefined,
      TELEGRAM_API_URL: telegram.url,
      VIBER_API_URL: viber.url,
    },
  });
});
afterAll(async () => {
  await Promise.all([api?.close(), telegram?.close(), viber?.close()]);
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
    [`Channel shop ${randomBytes(4).toString("hex")}`, owner.id],
  );
  const id = shop?.id as string;
  await sql(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'agent')",
    [id, owner.id, agent.id],
  );
  return { id, owner, agent };
}

interface Connection {
  platform: string;
  status: string;
  account: { id: string | null; name: string | null; username: string | null };
  connectedAt: string | null;
}

const connect = (shop: Shop, platform: string, body: unknown, user = shop.owner) =>
  send(api, "POST", `/api/shops/${shop.id}/integrations/${platform}/connect`, {
    token: user.accessToken,
    body,
  });

const disconnect = (shop: Shop, platform: string, user = shop.owner) =>
  send(api, "POST", `/api/shops/${shop.id}/integrations/${platform}/disconnect`, {
    token: user.accessToken,
  });

async function connectionRow(shopId: string, platform: string) {
  const [row] = await sql<{
    id: string;
    status: string;
    token_sealed: string | null;
    webhook_secret_hash: string | null;
  }>(
    `select k.id, k.status, s.token_sealed, s.webhook_secret_hash
       from public.shop_channel_connections as k
       left join public.shop_channel_credentials as s on s.id = k.id
      where k.shop_id = $1 and k.platform = $2`,
    [shopId, platform],
  );
  return row;
}

async function conversationsOf(shopId: string) {
  return sql<{ id: string; channel: string; status: string; is_ai_active: boolean }>(
    "select id, channel, status, is_ai_active from public.conversations where shop_id = $1 order by created_at",
    [shopId],
  );
}

async function messagesOf(conversationId: string) {
  return sql<{
    id: string;
    sender: string;
    text: string;
    delivery_status: string | null;
    delivery_error: string | null;
  }>(
    "select id, sender, text, delivery_status, delivery_error from public.conversation_messages where conversation_id = $1 order by created_at, id",
    [conversationId],
  );
}

const reply = (shop: Shop, conversationId: string, text: string) =>
  send(api, "POST", `/api/shops/${shop.id}/conversations/${conversationId}/messages`, {
    token: shop.agent.accessToken,
    body: { text },
  });

let updateIds = 1_000;
function telegramUpdate(chatId: number, text: string) {
  const id = updateIds++;
  return {
    update_id: id,
    message: {
      message_id: id,
      from: { id: chatId, is_bot: false, first_name: "Ana" },
      chat: { id: chatId, type: "private", first_name: "Ana" },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
}

describe("Telegram", () => {
  it("connects a bot with a valid token only, answers no token and keeps it sealed", async () => {
    const shop = await newShop();
    const bot = telegram.bot();

    await expectProblem(
      await connect(shop, "telegram", { botToken: `999:AA${"x".repeat(30)}` }),
      400,
      "bad_request",
    );
    expect(await connectionRow(shop.id, "telegram")).toBeUndefined();
    await expectProblem(
      await connect(shop, "telegram", { botToken: bot.token }, shop.agent),
      403,
      "forbidden",
    );
    await expectProblem(await connect(shop, "telegram", {}), 400, "validation_failed");

    const answer = await connect(shop, "telegram", { botToken: bot.token });
    const text = await answer.clone().text();
    const connected = await expectJson<Connection>(answer, 200);
    expect(connected).toMatchObject({
      platform: "telegram",
      status: "connected",
      account: { id: String(bot.id), username: bot.username },
    });
    expect(text).not.toContain(bot.token);
    expect(text).not.toContain(bot.token.split(":")[1]);

    const row = await connectionRow(shop.id, "telegram");
    expect(row?.token_sealed).toMatch(/^v1\./);
    expect(row?.token_sealed).not.toContain(bot.token.split(":")[1]);
    expect(bot.webhook?.url).toBe(`${api.url}/api/webhooks/telegram/${row?.id}`);
    expect(bot.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row?.webhook_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.webhook_secret_hash).not.toBe(bot.webhook?.secret);

    // Every member sees the status, never a token.
    const listed = await send(api, "GET", `/api/shops/${shop.id}/integrations`, {
      token: shop.agent.accessToken,
    });
    const listedText = await listed.clone().text();
    const list = await expectJson<{ connections: Connection[] }>(listed, 200);
    expect(list.connections).toEqual([
      expect.objectContaining({ platform: "telegram", status: "connected" }),
    ]);
    expect(listedText).not.toContain(bot.token.split(":")[1]);
    // GET /api/shops/{shopId} shows the channels' status too.
    const shopView = await expectJson<{ channels: Connection[] }>(
      await send(api, "GET", `/api/shops/${shop.id}`, { token: shop.agent.accessToken }),
      200,
    );
    expect(shopView.channels).toEqual([
      expect.objectContaining({ platform: "telegram", status: "connected" }),
    ]);
    // A stranger does not learn the shop exists.
    const stranger = await api.signUp();
    await expectProblem(
      await send(api, "GET", `/api/shops/${shop.id}/integrations`, { token: stranger.accessToken }),
      404,
      "not_found",
    );
    // The API roles cannot read the credentials at all.
    const direct = await fetch(`${api.supabase.url}/rest/v1/shop_channel_credentials?select=*`, {
      headers: { apikey: api.supabase.anonKey, authorization: `Bearer ${shop.owner.accessToken}` },
    });
    expect(direct.ok ? await direct.json() : []).toEqual([]);
  });

  it("refuses a forged delivery, stores a redelivery once, and replies through sendMessage", async () => {
    const shop = await newShop();
    const bot = telegram.bot();
    await expectJson(await connect(shop, "telegram", { botToken: bot.token }), 200);
    const chatId = 700_000_000 + Math.floor(Math.random() * 1_000_000);

    const first = telegramUpdate(chatId, "Hi, do you ship to Porto?");
    await expectProblem(
      await telegram.deliver(bot, first, "forged-secret"),
      400,
      "webhook_signature_invalid",
    );
    const noHeader = await fetch(bot.webhook?.url ?? "", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(first),
    });
    await expectProblem(noHeader, 400, "webhook_signature_invalid");
    expect(await conversationsOf(shop.id)).toEqual([]);

    expect(await expectJson(await telegram.deliver(bot, first), 200)).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await expectJson(await telegram.deliver(bot, first), 200)).toEqual({
      received: true,
      duplicate: true,
    });
    await expectJson(await telegram.deliver(bot, telegramUpdate(chatId, "And to Lisbon?")), 200);

    const conversations = await conversationsOf(shop.id);
    expect(conversations).toEqual([
      expect.objectContaining({ channel: "telegram", status: "open", is_ai_active: false }),
    ]);
    const id = conversations[0]?.id as string;
    expect((await messagesOf(id)).map((m) => [m.sender, m.text])).toEqual([
      ["customer", "Hi, do you ship to Porto?"],
      ["customer", "And to Lisbon?"],
    ]);
    // The customer's chat id is kept hashed and sealed, never plain.
    const [link] = await sql<{ external_hash: string; external_sealed: string }>(
      "select external_hash, external_sealed from public.channel_conversations where conversation_id = $1",
      [id],
    );
    expect(link?.external_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(link)).not.toContain(String(chatId));

    // A member replies: Telegram receives it in the customer's chat.
    const sent = await expectJson<{ sender: string; delivery: { status: string } | null }>(
      await reply(shop, id, "Yes, 3 days to Porto."),
      201,
    );
    expect(sent).toMatchObject({ sender: "seller", delivery: { status: "sent", error: null } });
    expect(bot.sent).toEqual([
      expect.objectContaining({ chatId: String(chatId), text: "Yes, 3 days to Porto." }),
    ]);
    expect((await messagesOf(id)).at(-1)).toMatchObject({
      sender: "seller",
      delivery_status: "sent",
    });

    // The customer blocked the bot: the reply is kept, marked failed, and the member is told.
    bot.blocked.add(String(chatId));
    await expectProblem(await reply(shop, id, "Are you there?"), 502, "provider_error");
    expect((await messagesOf(id)).at(-1)).toMatchObject({
      text: "Are you there?",
      delivery_status: "failed",
    });
  });

  it("disconnects: the webhook is deleted, the token is gone and old deliveries are refused", async () => {
    const shop = await newShop();
    const bot = telegram.bot();
    await expectJson(await connect(shop, "telegram", { botToken: bot.token }), 200);
    const registered = bot.webhook;
    await expectProblem(await disconnect(shop, "telegram", shop.agent), 403, "forbidden");

    const answer = await expectJson<Connection>(await disconnect(shop, "telegram"), 200);
    expect(answer).toMatchObject({ platform: "telegram", status: "disconnected" });
    expect(bot.webhookDeleted).toBe(1);
    const row = await connectionRow(shop.id, "telegram");
    expect(row).toMatchObject({ status: "disconnected", token_sealed: null });

    bot.webhook = registered;
    await expectProblem(
      await telegram.deliver(bot, telegramUpdate(42, "hello?")),
      400,
      "webhook_signature_invalid",
    );
    await expectProblem(await disconnect(await newShop(), "telegram"), 404, "not_found");
  });
});

describe("the inbox sweep", () => {
  it("applies a stored Telegram update that failed before, through the inbox's sources", async () => {
    const shop = await newShop();
    const bot = telegram.bot();
    await expectJson(await connect(shop, "telegram", { botToken: bot.token }), 200);
    const connection = await connectionRow(shop.id, "telegram");
    const chatId = String(800_000_000 + Math.floor(Math.random() * 1_000_000));
    const payload = {
      connectionId: connection?.id,
      kind: "message",
      externalHash: lookupHash(chatId, "channel_conversations.external_id"),
      externalSealed: sealPersonalData(chatId, "channel_conversations.external_id"),
      text: "Sent while the database was down",
    };
    const eventId = `${connection?.id}:${updateIds++}`;
    const [stored] = await sql<{ id: string }>(
      `insert into public.webhook_events (provider, event_id, event_type, payload, attempts, last_error)
       values ('telegram', $1, 'message', $2::jsonb, 1, 'Error: earlier failure') returning id`,
      [eventId, JSON.stringify(payload)],
    );
    const service = api.supabase.client(api.supabase.serviceRoleKey);
    const event = { id: eventId, type: "message", payload };
    expect(
      await processStored(service, await webhookSource("telegram"), Number(stored?.id), event, 1),
    ).toBe(true);
    await api.settle();
    const [conversation] = await conversationsOf(shop.id);
    expect(conversation).toMatchObject({ channel: "telegram" });
    expect((await messagesOf(conversation?.id as string)).map((m) => m.text)).toEqual([
      "Sent while the database was down",
    ]);
    const [row] = await sql<{ processed_at: string | null; outcome: string }>(
      "select processed_at, outcome from public.webhook_events where id = $1",
      [String(stored?.id)],
    );
    expect(row?.processed_at).not.toBeNull();
    expect(row?.outcome).toBe("message: conversation started");
  });
});

describe("Viber", () => {
  it("connects, refuses forged callbacks, takes a message once, replies and disconnects", async () => {
    const shop = await newShop();
    const bot = viber.bot();
    await expectProblem(
      await connect(shop, "viber", { botToken: `${"ab12".repeat(8)}-bad-token` }),
      400,
      "bad_request",
    );

    const answer = await connect(shop, "viber", { botToken: bot.token });
    const text = await answer.clone().text();
    expect(await expectJson<Connection>(answer, 200)).toMatchObject({
      platform: "viber",
      status: "connected",
      account: { id: bot.id, name: bot.name },
    });
    expect(text).not.toContain(bot.token);
    const row = await connectionRow(shop.id, "viber");
    expect(bot.webhook).toBe(`${api.url}/api/webhooks/viber/${row?.id}`);
    expect(row?.token_sealed).toMatch(/^v1\./);
    expect(row?.webhook_secret_hash).toBeNull();

    // Viber checks a new webhook URL with a signed `webhook` event: answered, nothing stored.
    await expectJson(
      await viber.deliver(bot, { event: "webhook", timestamp: Date.now(), message_token: 1 }),
      200,
    );

    const senderId = `${randomBytes(16).toString("base64")}`;
    const callback = {
      event: "message",
      timestamp: Date.now(),
      message_token: Number(`5${Math.floor(Math.random() * 1e15)}`),
      sender: { id: senderId, name: "Ana", language: "pt", country: "PT", api_version: 10 },
      message: { type: "text", text: "Is the blue mug in stock?" },
    };
    await expectProblem(
      await viber.deliver(bot, callback, "not-the-token"),
      400,
      "webhook_signature_invalid",
    );
    expect(await conversationsOf(shop.id)).toEqual([]);
    expect(await expectJson(await viber.deliver(bot, callback), 200)).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await expectJson(await viber.deliver(bot, callback), 200)).toEqual({
      received: true,
      duplicate: true,
    });

    const conversations = await conversationsOf(shop.id);
    expect(conversations).toEqual([expect.objectContaining({ channel: "viber" })]);
    const id = conversations[0]?.id as string;
    expect((await messagesOf(id)).map((m) => m.text)).toEqual(["Is the blue mug in stock?"]);
    const [link] = await sql<{ external_sealed: string }>(
      "select external_sealed, external_hash from public.channel_conversations where conversation_id = $1",
      [id],
    );
    expect(JSON.stringify(link)).not.toContain(senderId);

    await expectJson(await reply(shop, id, "Yes, two left."), 201);
    expect(bot.sent).toEqual([
      expect.objectContaining({ receiver: senderId, text: "Yes, two left.", senderName: bot.name }),
    ]);
    bot.unsubscribed.add(senderId);
    await expectProblem(await reply(shop, id, "Still there?"), 502, "provider_error");
    expect((await messagesOf(id)).at(-1)).toMatchObject({ delivery_status: "failed" });

    expect(await expectJson<Connection>(await disconnect(shop, "viber"), 200)).toMatchObject({
      status: "disconnected",
    });
    expect(bot.webhookRemoved).toBe(1);
    expect(await connectionRow(shop.id, "viber")).toMatchObject({ token_sealed: null });
    // A reply after disconnecting is kept, marked failed, and the member told why.
    await expectProblem(await reply(shop, id, "Hello again"), 409, "conflict");
  });
});

describe("platforms that need OAuth (tests/api/channels-oauth.test.ts)", () => {
  it.each(["facebook", "instagram", "tiktok"])(
    "%s answers 503 provider_not_configured where its app is not configured",
    async (platform) => {
      const shop = await newShop();
      const problem = await expectProblem(
        await connect(shop, platform, {}),
        503,
        "provider_not_configured",
      );
      expect(problem.detail).toMatch(/META_APP_ID|TIKTOK_CLIENT_KEY/);
      await expectProblem(await connect(shop, "myspace", {}), 404, "not_found");
    },
  );
});
