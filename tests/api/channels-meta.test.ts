// Facebook Pages and Instagram accounts as shop channels (issue 22, items 4 and 5), and TikTok's
// webhook, against network-level fakes of Meta's Send API and OpenAI: Meta's handshake answers
// the challenge for the right verify token only; deliveries are verified on the raw body
// (X-Hub-Signature-256 as Meta builds it, TikTok-Signature with its timestamp); a customer's
// message starts or continues a conversation once however often it is delivered; a member's
// reply goes out from the Page within the 24-hour window only (outside it, refused before Meta
// is called, and Meta's own window error answers the same); a token Meta no longer accepts marks
// the connection needs_reconnect and tells the owners; the AI, when turned on, answers through
// the channel; TikTok's authorization.removed marks the connection needs_reconnect.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tiktokSignature } from "../../lib/channels/tiktok-webhook.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { deliverToMeta, type FakeMetaSend, startFakeMetaSend } from "../helpers/fake-meta-send.js";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import {
  insertConnection,
  newShop,
  randomDigits,
  type Shop,
  shopNotifications,
  sql,
} from "../helpers/social-channels.js";

const APP_SECRET = `meta-app-secret-${randomBytes(8).toString("hex")}`;
const VERIFY_TOKEN = `verify-${randomBytes(12).toString("hex")}`;
const TIKTOK_KEY = "tiktokclientkey01";
const TIKTOK_SECRET = `tiktok-secret-${randomBytes(8).toString("hex")}`;

let api: TestApi;
let meta: FakeMetaSend;
let openai: FakeOpenAi;
beforeAll(async () => {
  [meta, openai] = await Promise.all([startFakeMetaSend(), startFakeOpenAi()]);
  api = await startTestApi({
    env: {
      META_APP_SECRET: APP_SECRET,
      META_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
      META_GRAPH_URL: meta.url,
      TIKTOK_CLIENT_KEY: TIKTOK_KEY,
      TIKTOK_CLIENT_SECRET: TIKTOK_SECRET,
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_API_URL: openai.url,
      OPENAI_TIMEOUT_MS: "3000",
    },
  });
});
afterAll(async () => {
  await Promise.all([api?.close(), meta?.close(), openai?.close()]);
});

const webhook = () => `${api.url}/api/webhooks/meta`;

interface Page {
  shop: Shop;
  connectionId: string;
  pageId: string;
  accountId: string;
  token: string;
}

async function connectedPage(platform: "facebook" | "instagram"): Promise<Page> {
  const shop = await newShop(api);
  const pageId = randomDigits();
  const accountId = platform === "facebook" ? pageId : `178${randomDigits(14)}`;
  const token = `EAAG${randomBytes(24).toString("base64url")}`;
  meta.page(pageId, token);
  const connectionId = await insertConnection(api, shop.id, platform, {
    accountId,
    token,
    ...(platform === "instagram" && { linkedPageId: pageId }),
  });
  return { shop, connectionId, pageId, accountId, token };
}

let mids = 1;
function delivery(
  platform: "facebook" | "instagram",
  accountId: string,
  from: string,
  text: string,
  extra: Record<string, unknown> = {},
) {
  return {
    object: platform === "facebook" ? "page" : "instagram",
    entry: [
      {
        id: accountId,
        time: Date.now(),
        messaging: [
          {
            sender: { id: from },
            recipient: { id: accountId },
            timestamp: Date.now(),
            message: { mid: `m_${randomBytes(16).toString("base64url")}${mids++}`, text, ...extra },
          },
        ],
      },
    ],
  };
}

async function conversationsOf(shopId: string) {
  return sql<{ id: string; channel: string; is_ai_active: boolean }>(
    api,
    "select id, channel, is_ai_active from public.conversations where shop_id = $1 order by created_at",
    [shopId],
  );
}

async function messagesOf(conversationId: string) {
  return sql<{
    sender: string;
    text: string;
    delivery_status: string | null;
    delivery_error: string | null;
  }>(
    api,
    "select sender, text, delivery_status, delivery_error from public.conversation_messages where conversation_id = $1 order by created_at, id",
    [conversationId],
  );
}

const reply = (shop: Shop, conversationId: string, text: string) =>
  send(api, "POST", `/api/shops/${shop.id}/conversations/${conversationId}/messages`, {
    token: shop.agent.accessToken,
    body: { text },
  });

async function customerWrites(page: Page, platform: "facebook" | "instagram", psid: string) {
  const response = await deliverToMeta(
    webhook(),
    delivery(platform, page.accountId, psid, "Is the mug in stock?"),
    APP_SECRET,
  );
  expect(response.status).toBe(200);
  await api.settle();
  const [conversation] = await conversationsOf(page.shop.id);
  return conversation?.id as string;
}

describe("Meta's webhook", () => {
  it("answers the subscription handshake for the right verify token only", async () => {
    const query = (token: string) =>
      `/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`;
    const ok = await fetch(`${api.url}${query(VERIFY_TOKEN)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("1158201444");
    await expectProblem(
      await fetch(`${api.url}${query("not-the-token-at-all")}`),
      403,
      "forbidden",
    );
  });

  it("refuses a forged signature and stores nothing", async () => {
    const page = await connectedPage("facebook");
    const body = delivery("facebook", page.accountId, randomDigits(), "forged");
    await expectProblem(
      await deliverToMeta(webhook(), body, "another-app-secret-0123"),
      400,
      "webhook_signature_invalid",
    );
    // The right signature of another body.
    const signed = await fetch(webhook(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": (await import("../helpers/fake-meta-send.js")).metaSignatureHeader(
          "{}",
          APP_SECRET,
        ),
      },
      body: JSON.stringify(body),
    });
    await expectProblem(signed, 400, "webhook_signature_invalid");
    const unsigned = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await expectProblem(unsigned, 400, "webhook_signature_invalid");
    expect(await conversationsOf(page.shop.id)).toEqual([]);
  });

  it("starts the conversation once per message, ignoring echoes and unknown Pages", async () => {
    const page = await connectedPage("facebook");
    const psid = randomDigits(16);
    const first = delivery("facebook", page.accountId, psid, "Hello from Messenger");
    for (const expected of [false, true, true]) {
      const answer = await expectJson<{ received: boolean; duplicate: boolean }>(
        await deliverToMeta(webhook(), first, APP_SECRET),
        200,
      );
      expect(answer).toEqual({ received: true, duplicate: expected });
    }
    await expectJson(
      await deliverToMeta(
        webhook(),
        delivery("facebook", page.accountId, page.accountId, "our own reply", { is_echo: true }),
        APP_SECRET,
      ),
      200,
    );
    await expectJson(
      await deliverToMeta(
        webhook(),
        delivery("facebook", randomDigits(), psid, "to a Page nobody connected"),
        APP_SECRET,
      ),
      200,
    );
    await expectJson(
      await deliverToMeta(
        webhook(),
        delivery("facebook", page.accountId, psid, "Still there?"),
        APP_SECRET,
      ),
      200,
    );
    await api.settle();
    const conversations = await conversationsOf(page.shop.id);
    expect(conversations).toEqual([
      expect.objectContaining({ channel: "facebook", is_ai_active: false }),
    ]);
    expect(
      (await messagesOf(conversations[0]?.id as string)).map((m) => [m.sender, m.text]),
    ).toEqual([
      ["customer", "Hello from Messenger"],
      ["customer", "Still there?"],
    ]);
    const notifications = await shopNotifications(api, page.shop.id);
    expect(notifications.map((n) => n.type)).toEqual(["conversation", "message", "message"]);
    // The customer's id is kept sealed and hashed only.
    const [stored] = await sql<{ payload: unknown }>(
      api,
      "select payload from public.webhook_events where provider = 'meta' and event_id = $1",
      [first.entry[0]?.messaging[0]?.message.mid as string],
    );
    expect(JSON.stringify(stored?.payload)).not.toContain(psid);
  });
});

describe("replies through Meta's Send API", () => {
  it("Instagram: a member's reply goes out from the linked Page within the window", async () => {
    const page = await connectedPage("instagram");
    const igsid = randomDigits(16);
    const conversationId = await customerWrites(page, "instagram", igsid);
    expect((await conversationsOf(page.shop.id))[0]?.channel).toBe("instagram");

    const sent = await expectJson<{ delivery: { status: string; error: string | null } }>(
      await reply(page.shop, conversationId, "Yes, it is."),
      201,
    );
    expect(sent.delivery).toEqual({ status: "sent", error: null });
    expect(meta.sent.filter((s) => s.recipient === igsid)).toEqual([
      expect.objectContaining({
        pageId: page.pageId,
        text: "Yes, it is.",
        messagingType: "RESPONSE",
      }),
    ]);
    expect((await messagesOf(conversationId)).at(-1)).toEqual(
      expect.objectContaining({ sender: "seller", delivery_status: "sent" }),
    );
  });

  it("outside the 24-hour window: refused before Meta is called; Meta's own window error answers the same", async () => {
    const page = await connectedPage("facebook");
    const psid = randomDigits(16);
    const conversationId = await customerWrites(page, "facebook", psid);
    await sql(
      api,
      "update public.conversation_messages set created_at = now() - interval '25 hours' where conversation_id = $1",
      [conversationId],
    );
    const calls = meta.calls;
    const late = await expectProblem(
      await reply(page.shop, conversationId, "Sorry for the wait"),
      409,
      "outside_messaging_window",
    );
    expect(late.detail).toContain("24 hours");
    expect(meta.calls).toBe(calls);
    expect((await messagesOf(conversationId)).at(-1)).toEqual(
      expect.objectContaining({
        delivery_status: "failed",
        delivery_error: expect.stringContaining("24 hours"),
      }),
    );

    // Bastion thinks the window is open, Meta says it is not.
    const other = await connectedPage("facebook");
    const blocked = randomDigits(16);
    const otherConversation = await customerWrites(other, "facebook", blocked);
    meta.outsideWindow.add(blocked);
    await expectProblem(
      await reply(other.shop, otherConversation, "Hello?"),
      409,
      "outside_messaging_window",
    );
    expect(meta.calls).toBe(calls + 1);
    expect(meta.sent.filter((s) => s.recipient === blocked)).toEqual([]);
  });

  it("a token Meta no longer accepts: needs_reconnect, the owners told, a clear problem", async () => {
    const page = await connectedPage("facebook");
    const conversationId = await customerWrites(page, "facebook", randomDigits(16));
    meta.revoke(page.token);
    const problem = await expectProblem(
      await reply(page.shop, conversationId, "Here you go"),
      502,
      "provider_error",
    );
    expect(problem.detail).toContain("reconnect");
    expect(JSON.stringify(problem)).not.toContain(page.token);
    await api.settle();
    const [connection] = await sql<{ status: string }>(
      api,
      "select status from public.shop_channel_connections where id = $1",
      [page.connectionId],
    );
    expect(connection?.status).toBe("needs_reconnect");
    expect(await shopNotifications(api, page.shop.id)).toContainEqual(
      expect.objectContaining({ type: "channel", platform: "facebook" }),
    );
    // Another reply: the connection is not connected, Meta is not called.
    const calls = meta.calls;
    await expectProblem(await reply(page.shop, conversationId, "again"), 409, "conflict");
    expect(meta.calls).toBe(calls);
  });

  it("the AI, once a member turned it on, answers through the channel", async () => {
    openai.reply(() => "The mug is in stock.");
    const page = await connectedPage("facebook");
    const psid = randomDigits(16);
    const conversationId = await customerWrites(page, "facebook", psid);
    expect(meta.sent.filter((s) => s.recipient === psid)).toEqual([]);
    await sql(api, "update public.conversations set is_ai_active = true where id = $1", [
      conversationId,
    ]);
    await expectJson(
      await deliverToMeta(
        webhook(),
        delivery("facebook", page.accountId, psid, "And the price?"),
        APP_SECRET,
      ),
      200,
    );
    await api.settle();
    expect(meta.sent.filter((s) => s.recipient === psid)).toEqual([
      expect.objectContaining({ pageId: page.pageId, text: "The mug is in stock." }),
    ]);
    expect((await messagesOf(conversationId)).at(-1)).toEqual(
      expect.objectContaining({
        sender: "ai",
        text: "The mug is in stock.",
        delivery_status: "sent",
      }),
    );
  });
});

describe("TikTok's webhook", () => {
  const post = (body: string, signature: string) =>
    fetch(`${api.url}/api/webhooks/tiktok`, {
      method: "POST",
      headers: { "content-type": "application/json", "tiktok-signature": signature },
      body,
    });
  const removed = (openId: string, createTime: number) =>
    JSON.stringify({
      client_key: TIKTOK_KEY,
      event: "authorization.removed",
      create_time: createTime,
      user_openid: openId,
      content: JSON.stringify({ reason: 1 }),
    });
  const now = () => Math.floor(Date.now() / 1000);

  it("refuses forged, stale or missing signatures", async () => {
    const shop = await newShop(api);
    const openId = `-000${randomBytes(12).toString("hex")}`;
    const connectionId = await insertConnection(api, shop.id, "tiktok", {
      accountId: openId,
      token: `act.${randomBytes(20).toString("hex")}`,
    });
    const body = removed(openId, now());
    await expectProblem(
      await post(body, tiktokSignature(body, "not-the-client-secret", now())),
      400,
      "webhook_signature_invalid",
    );
    await expectProblem(
      await post(body, tiktokSignature(body, TIKTOK_SECRET, now() - 3_600)),
      400,
      "webhook_signature_invalid",
    );
    await expectProblem(await post(body, "t=1,s=abc"), 400, "webhook_signature_invalid");
    const [row] = await sql<{ status: string }>(
      api,
      "select status from public.shop_channel_connections where id = $1",
      [connectionId],
    );
    expect(row?.status).toBe("connected");
  });

  it("authorization.removed marks the connection needs_reconnect once", async () => {
    const shop = await newShop(api);
    const openId = `-000${randomBytes(12).toString("hex")}`;
    const connectionId = await insertConnection(api, shop.id, "tiktok", {
      accountId: openId,
      token: `act.${randomBytes(20).toString("hex")}`,
    });
    const body = removed(openId, now());
    for (const duplicate of [false, true]) {
      expect(
        await expectJson(await post(body, tiktokSignature(body, TIKTOK_SECRET, now())), 200),
      ).toEqual({ received: true, duplicate });
    }
    const other = removed(`-000${randomBytes(12).toString("hex")}`, now());
    await expectJson(await post(other, tiktokSignature(other, TIKTOK_SECRET, now())), 200);
    await api.settle();
    const [row] = await sql<{ status: string }>(
      api,
      "select status from public.shop_channel_connections where id = $1",
      [connectionId],
    );
    expect(row?.status).toBe("needs_reconnect");
    expect(await shopNotifications(api, shop.id)).toEqual([
      expect.objectContaining({ type: "channel", platform: "tiktok" }),
    ]);
  });
});
