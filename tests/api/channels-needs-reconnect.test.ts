// A connection the provider no longer accepts becomes needs_reconnect once, and the shop's owners
// are told (issue 22, item 3): a `notification` on the shop's realtime topic and a Web Push to
// the owners (not the agents), naming the platform only — no token, nothing of a customer's.
// Marking it again, or a disconnected connection, changes and sends nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { markNeedsReconnect } from "../../lib/channels/needs-reconnect.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakePushService, startFakePushService } from "../helpers/fake-push-service.js";
import { expectJson, send } from "../helpers/requests.js";
import {
  insertConnection,
  newShop,
  randomDigits,
  shopNotifications,
  sql,
  type User,
} from "../helpers/social-channels.js";

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

const service = () => api.supabase.client(api.supabase.serviceRoleKey);

async function subscribe(user: User): Promise<string> {
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

const deliveredTo = (endpoint: string) =>
  pushService.delivered
    .filter((d) => endpoint.endsWith(d.subscriptionId))
    .map((d) => d.payload as Record<string, unknown>);

const statusOf = async (connectionId: string) =>
  (
    await sql<{ status: string }>(
      api,
      "select status from public.shop_channel_connections where id = $1",
      [connectionId],
    )
  )[0]?.status;

describe("markNeedsReconnect", () => {
  it("marks the connection once and tells the owners, without the token", async () => {
    const shop = await newShop(api);
    const [ownerPush, agentPush] = [await subscribe(shop.owner), await subscribe(shop.agent)];
    const token = `EAAG${randomDigits(30)}`;
    const connectionId = await insertConnection(api, shop.id, "facebook", {
      accountId: randomDigits(),
      token,
    });

    expect(
      await markNeedsReconnect(service(), connectionId, "the Page token is no longer accepted"),
    ).toBe(true);
    await api.settle();
    expect(await statusOf(connectionId)).toBe("needs_reconnect");
    expect(await markNeedsReconnect(service(), connectionId, "again")).toBe(false);
    await api.settle();
    expect(await statusOf(connectionId)).toBe("needs_reconnect");

    const notifications = await shopNotifications(api, shop.id);
    expect(notifications).toEqual([
      expect.objectContaining({
        type: "channel",
        platform: "facebook",
        title: "Reconnect a channel",
        message: expect.stringContaining("the Page token is no longer accepted"),
      }),
    ]);
    expect(deliveredTo(ownerPush)).toEqual([
      expect.objectContaining({
        type: "channel",
        platform: "facebook",
        shopId: shop.id,
        title: "Reconnect Facebook",
      }),
    ]);
    expect(deliveredTo(agentPush)).toEqual([]);
    expect(JSON.stringify([notifications, pushService.delivered])).not.toContain(token);
  });

  it("leaves a disconnected connection as it is and tells nobody", async () => {
    const shop = await newShop(api);
    const connectionId = await insertConnection(api, shop.id, "tiktok", {
      accountId: `open-${randomDigits()}`,
      token: `act.${randomDigits(30)}`,
    });
    await sql(
      api,
      "update public.shop_channel_connections set status = 'disconnected' where id = $1",
      [connectionId],
    );
    expect(await markNeedsReconnect(service(), connectionId, "authorisation removed")).toBe(false);
    expect(await statusOf(connectionId)).toBe("disconnected");
    expect(await shopNotifications(api, shop.id)).toEqual([]);
  });
});
