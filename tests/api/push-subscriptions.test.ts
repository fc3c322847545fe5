// Web Push end to end against a network-level fake push service (tests/helpers/fake-push-service
// .ts), which checks the VAPID JWT and decrypts the aes128gcm payload as a browser would: a
// member subscribes through POST /api/notifications/subscribe, lib/push's pushToUsers delivers,
// a subscription the push service calls gone is deleted, unsubscribe removes it, and the Data
// API keeps each user to their own rows (and a row naming another host is never called).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { pushToUsers } from "../../lib/push/send.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakePushService, startFakePushService } from "../helpers/fake-push-service.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";

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
    },
  });
});
afterAll(async () => {
  await api?.close();
  await pushService?.close();
});

const service = () => api.supabase.client(api.supabase.serviceRoleKey);
const subscribe = (token: string, body: unknown) =>
  send(api, "POST", "/api/notifications/subscribe", { token, body });

async function subscriptionsOf(userId: string) {
  const { rows } = await api.supabase.db.query<{ endpoint: string }>(
    "select endpoint from public.push_subscriptions where user_id = $1 order by created_at",
    [userId],
  );
  return rows.map((row) => row.endpoint);
}

describe("subscribing", () => {
  it("gives the VAPID key, stores the browser's subscription, and refreshes it in place", async () => {
    const user = await api.signUp();
    expect(
      await expectJson(
        await send(api, "GET", "/api/notifications/subscribe", { token: user.accessToken }),
        200,
      ),
    ).toEqual({ vapidPublicKey: vapid.publicKey });
    const browser = pushService.subscribe();
    expect(await expectJson(await subscribe(user.accessToken, browser), 200)).toEqual({
      subscribed: true,
      vapidPublicKey: vapid.publicKey,
    });
    await expectJson(await subscribe(user.accessToken, browser), 200);
    expect(await subscriptionsOf(user.id)).toEqual([browser.endpoint]);
  });

  it("refuses what is not a browser push subscription", async () => {
    const user = await api.signUp();
    const browser = pushService.subscribe();
    await expectProblem(
      await subscribe(user.accessToken, { ...browser, extra: 1 }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await subscribe(user.accessToken, { ...browser, endpoint: "https://attacker.example/hook" }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await subscribe(user.accessToken, { ...browser, keys: { p256dh: "short", auth: "x" } }),
      400,
      "validation_failed",
    );
    await expectProblem(await subscribe("", browser), 401, "unauthorized");
    expect(await subscriptionsOf(user.id)).toEqual([]);
  });
});

describe("pushToUsers", () => {
  it("delivers an encrypted, VAPID-signed notification to each of the users' browsers", async () => {
    const member = await api.signUp();
    const other = await api.signUp();
    const phone = pushService.subscribe();
    const laptop = pushService.subscribe();
    const elsewhere = pushService.subscribe();
    await expectJson(await subscribe(member.accessToken, phone), 200);
    await expectJson(await subscribe(member.accessToken, laptop), 200);
    await expectJson(await subscribe(other.accessToken, elsewhere), 200);

    const payload = { title: "New order", message: "Order #1042 is waiting", type: "order" };
    const outcome = await pushToUsers(service(), [member.id], payload);
    expect(outcome).toEqual({ configured: true, sent: 2, removed: 0, failed: 0, skipped: 0 });

    const toMember = pushService.delivered.filter((message) =>
      [phone, laptop].some((browser) => browser.endpoint.endsWith(message.subscriptionId)),
    );
    expect(toMember).toHaveLength(2);
    for (const message of toMember) {
      expect(message).toMatchObject({
        payload,
        subject: "mailto:push@example.test",
        vapidKey: vapid.publicKey,
      });
      expect(message.ttl).toBeGreaterThan(0);
    }
    expect(
      pushService.delivered.some((message) => elsewhere.endpoint.endsWith(message.subscriptionId)),
    ).toBe(false);
    expect(pushService.refused).toEqual([]);
  });

  it("deletes the subscriptions the push service reports gone", async () => {
    const member = await api.signUp();
    const kept = pushService.subscribe();
    const gone = pushService.subscribe();
    await expectJson(await subscribe(member.accessToken, kept), 200);
    await expectJson(await subscribe(member.accessToken, gone), 200);
    pushService.expire(gone.endpoint);
    const outcome = await pushToUsers(service(), [member.id], {
      title: "New conversation",
      message: "A customer is waiting",
      type: "conversation",
    });
    expect(outcome).toMatchObject({ sent: 1, removed: 1, failed: 0 });
    expect(await subscriptionsOf(member.id)).toEqual([kept.endpoint]);
  });
});

describe("unsubscribing and the Data API", () => {
  it("removes the caller's own subscription only", async () => {
    const owner = await api.signUp();
    const stranger = await api.signUp();
    const browser = pushService.subscribe();
    await expectJson(await subscribe(owner.accessToken, browser), 200);
    const unsubscribe = (token: string) =>
      send(api, "POST", "/api/notifications/unsubscribe", {
        token,
        body: { endpoint: browser.endpoint },
      });
    expect(await expectJson(await unsubscribe(stranger.accessToken), 200)).toEqual({
      unsubscribed: false,
    });
    expect(await subscriptionsOf(owner.id)).toEqual([browser.endpoint]);

    const direct = api.supabase.client(stranger.accessToken);
    expect((await direct.from("push_subscriptions").select("endpoint")).data).toEqual([]);
    await direct.from("push_subscriptions").delete().eq("endpoint", browser.endpoint);
    expect(await subscriptionsOf(owner.id)).toEqual([browser.endpoint]);

    expect(await expectJson(await unsubscribe(owner.accessToken), 200)).toEqual({
      unsubscribed: true,
    });
    expect(await subscriptionsOf(owner.id)).toEqual([]);
  });

  it("never calls a host that is not a push service, whatever a row says", async () => {
    const user = await api.signUp();
    const browser = pushService.subscribe();
    const direct = api.supabase.client(user.accessToken);
    const inserted = await direct.from("push_subscriptions").insert({
      user_id: user.id,
      endpoint: "https://attacker.example/collect",
      p256dh: browser.keys.p256dh,
      auth: browser.keys.auth,
    });
    expect(inserted.error).toBeNull();
    const forOther = await direct.from("push_subscriptions").insert({
      user_id: (await api.signUp()).id,
      endpoint: browser.endpoint,
      p256dh: browser.keys.p256dh,
      auth: browser.keys.auth,
    });
    expect(forOther.error?.code).toBe("42501");
    const outcome = await pushToUsers(service(), [user.id], {
      title: "t",
      message: "m",
      type: "notification",
    });
    expect(outcome).toMatchObject({ sent: 0, skipped: 1 });
  });
});
