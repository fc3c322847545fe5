// The local test channel page (dev/tools/test-channel.ts, issue 22): writing as a customer of a
// connected channel posts the platform's webhook to this server, signed as the platform signs
// it, so the message lands in the shop's inbox (Facebook through Meta's webhook; Telegram with
// a fresh secret_token; Viber signed with the bot's token); the bot fakes record what the shop
// sends back and the page lists it. Cross-origin posts are refused.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeBotApi, testChannelPage } from "../../dev/tools/test-channel.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { insertConnection, newShop, randomDigits, sql } from "../helpers/social-channels.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    env: {
      META_APP_SECRET: `meta-app-secret-${randomBytes(8).toString("hex")}`,
      OPENAI_API_KEY: undefined,
      OPENAI_API_URL: undefined,
    },
  });
});
afterAll(async () => {
  await api?.close();
});

function post(connection: string, customer: string, text: string, origin = api.url) {
  return testChannelPage(
    new Request(`${api.url}/__dev/channels`, {
      method: "POST",
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ connection, customer, text }),
    }),
    "",
  );
}

const customerMessages = (shopId: string) =>
  sql<{ channel: string; text: string }>(
    api,
    `select c.channel, m.text from public.conversation_messages as m
       join public.conversations as c on c.id = m.conversation_id
      where m.shop_id = $1 and m.sender = 'customer' order by m.created_at`,
    [shopId],
  );

describe("the test channel page", () => {
  it("writes as a customer on Facebook, Telegram and Viber", async () => {
    const shop = await newShop(api);
    const page = await insertConnection(api, shop.id, "facebook", {
      accountId: randomDigits(),
      token: `EAAG${randomDigits(30)}`,
    });
    const bot = await insertConnection(api, shop.id, "telegram", {
      accountId: randomDigits(9),
      token: `${randomDigits(9)}:${randomBytes(20).toString("hex")}`,
    });
    const viber = await insertConnection(api, shop.id, "viber", {
      accountId: "pa:1",
      token: `${randomBytes(8).toString("hex")}-${randomBytes(8).toString("hex")}`,
    });
    for (const [connection, text] of [
      [page, "Hi on Messenger"],
      [bot, "Hi on Telegram"],
      [viber, "Hi on Viber"],
    ] as const) {
      const answer = await post(connection, "1000001", text);
      expect(await answer.text()).toContain("Delivered to");
    }
    await api.settle();
    expect(await customerMessages(shop.id)).toEqual([
      { channel: "facebook", text: "Hi on Messenger" },
      { channel: "telegram", text: "Hi on Telegram" },
      { channel: "viber", text: "Hi on Viber" },
    ]);
    const refused = await post(page, "1000001", "forged", "http://elsewhere.example");
    expect(refused.status).toBe(403);
  });

  it("records what the shop sends through the bot fakes and lists it", async () => {
    const token = `123456:${randomBytes(16).toString("hex")}`;
    const me = await fakeBotApi(
      new Request("http://x/", { method: "POST", body: "{}" }),
      `/telegram/bot${token}/getMe`,
    );
    expect(await me.json()).toEqual(
      expect.objectContaining({ ok: true, result: expect.objectContaining({ is_bot: true }) }),
    );
    const text = `Thanks ${randomBytes(3).toString("hex")}`;
    const sent = await fakeBotApi(
      new Request("http://x/", { method: "POST", body: JSON.stringify({ chat_id: 42, text }) }),
      `/telegram/bot${token}/sendMessage`,
    );
    expect(await sent.json()).toEqual(expect.objectContaining({ ok: true }));
    const listed = await testChannelPage(new Request(`${api.url}/__dev/channels`), "");
    expect(await listed.text()).toContain(text);
  });
});
