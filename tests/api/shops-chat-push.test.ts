// Web Push for a shop's live chat (issue 21): the members who opted in are pushed when a
// conversation needs a person — a new conversation the AI does not answer, and a customer's
// message while the AI is off — through the fake push service (it checks the VAPID JWT and
// decrypts the payload as a browser does). The payload names the shop and the conversation,
// never what the customer wrote; members of other shops get nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakePushService, startFakePushService } from "../helpers/fake-push-service.js";
import { expectJson, send, sendFrom } from "../helpers/requests.js";

const vapid = webpush.generateVAPIDKeys();
let api: TestApi;
let pushService: FakePushService;

beforeAll(async () => {
  pushService = await startFakePushService();
  api = await startTestApi({
    env: {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:push@example.test",
      OPENAI_API_KEY: undefined,
      OPENAI_API_URL: undefined,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await pushService?.close();
});

async function subscribedMember(shopId: string, role: string) {
  const user = await api.signUp();
  await api.supabase.db.query(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, $3)",
    [shopId, user.id, role],
  );
  const browser = pushService.subscribe();
  await expectJson(
    await send(api, "POST", "/api/notifications/subscribe", {
      token: user.accessToken,
      body: browser,
    }),
    200,
  );
  return browser.endpoint;
}

async function newShop() {
  const { rows } = await api.supabase.db.query<{ id: string }>(
    "insert into public.shops (name) values ($1) returning id",
    [`Push ${randomBytes(3).toString("hex")}`],
  );
  return rows[0]?.id as string;
}

const deliveredTo = (endpoint: string) =>
  pushService.delivered
    .filter((d) => endpoint.endsWith(d.subscriptionId))
    .map((d) => d.payload as Record<string, unknown>);

describe("push to the shop's members", () => {
  it("a new conversation and a waiting message reach every member, without the customer's words", async () => {
    const [shopId, otherShopId] = [await newShop(), await newShop()];
    const owner = await subscribedMember(shopId, "owner");
    const agent = await subscribedMember(shopId, "agent");
    const outsider = await subscribedMember(otherShopId, "owner");

    const started = await expectJson<{ conversationId: string; conversationToken: string }>(
      await sendFrom(api, "POST", `/api/shops/${shopId}/chat`, {
        body: { text: "My address is 12 Secret Lane" },
        localAddress: "127.0.8.1",
      }),
      201,
    );
    await api.settle();
    await expectJson(
      await sendFrom(api, "POST", `/api/shops/${shopId}/chat/messages`, {
        body: { text: "Hello?" },
        headers: { "x-conversation-token": started.conversationToken },
        localAddress: "127.0.8.1",
      }),
      201,
    );
    await api.settle();

    for (const endpoint of [owner, agent]) {
      expect(deliveredTo(endpoint)).toEqual([
        expect.objectContaining({
          title: "New conversation",
          type: "conversation",
          shopId,
          conversationId: started.conversationId,
        }),
        expect.objectContaining({
          title: "A customer is waiting",
          type: "message",
          conversationId: started.conversationId,
        }),
      ]);
    }
    expect(deliveredTo(outsider)).toEqual([]);
    expect(JSON.stringify(pushService.delivered)).not.toMatch(/Secret Lane|Hello\?/);
    expect(pushService.refused).toEqual([]);
  });
});
