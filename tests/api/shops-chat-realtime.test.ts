// The shop's realtime feed end to end through the local stack's Realtime endpoint (issue 21,
// items 3 and 5): the dashboard's websocketService (client/realtime.ts, on supabase-js with `ws`)
// joins `shop:<id>` with a member's access token and receives message:new, conversation:update
// and notification as the database broadcasts them after the API's writes; the member of another
// shop is refused the channel by the RLS on realtime.messages (and so is a signed-out client),
// and receives nothing of it. The latency from the customer's POST to the member's handler is
// measured and printed.
import { randomBytes } from "node:crypto";
import { createClient, type SupabaseClientOptions } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  createWebsocketService,
  type EventPayload,
  type WebsocketService,
} from "../../client/realtime.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, post, sendFrom } from "../helpers/requests.js";

type Transport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];

let api: TestApi;
const services: WebsocketService[] = [];
beforeAll(async () => {
  api = await startTestApi({ env: { OPENAI_API_KEY: undefined, OPENAI_API_URL: undefined } });
});
afterAll(async () => {
  await Promise.all(services.map((service) => service.disconnect()));
  await api?.close();
});

async function newShop() {
  const owner = await api.signUp();
  const { rows } = await api.supabase.db.query<{ id: string }>(
    "insert into public.shops (name, created_by) values ($1, $2) returning id",
    [`Live ${randomBytes(3).toString("hex")}`, owner.id],
  );
  const id = rows[0]?.id as string;
  await api.supabase.db.query(
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner')",
    [id, owner.id],
  );
  return { id, owner };
}

interface Feed {
  service: WebsocketService;
  events: { name: string; payload: EventPayload; at: number }[];
  joined: Promise<void>;
  refused: Promise<string>;
}

function feed(token: string | null, shopId: string): Feed {
  const service = createWebsocketService({
    supabaseUrl: api.supabase.url,
    supabaseAnonKey: api.supabase.anonKey,
    accessToken: async () => token,
    transport: WebSocket as unknown as Transport,
    backoff: { baseMs: 60_000, maxMs: 60_000 },
  });
  services.push(service);
  const events: Feed["events"] = [];
  for (const name of [
    "message:new",
    "conversation:update",
    "notification",
    "order:update",
  ] as const) {
    service.on(name, (payload) => events.push({ name, payload, at: performance.now() }));
  }
  const joined = new Promise<void>((resolve) => service.on("joined", () => resolve()));
  const refused = new Promise<string>((resolve) =>
    service.on("error", (payload) => resolve(String(payload.message))),
  );
  service.connect();
  service.emit("shop:join", shopId);
  return { service, events, joined, refused };
}

/** Resolves when `predicate` holds for a received event (checked as each one arrives). */
function arrival(target: Feed, predicate: (event: Feed["events"][number]) => boolean) {
  return new Promise<Feed["events"][number]>((resolve) => {
    const check = () => {
      const found = target.events.find(predicate);
      if (found) resolve(found);
      else setImmediate(check);
    };
    check();
  });
}

describe("the shop's realtime channel", () => {
  it("members receive the shop's events within a second of the customer's message", async () => {
    const shop = await newShop();
    const member = feed(shop.owner.accessToken, shop.id);
    await member.joined;

    const started = await expectJson<{ conversationId: string; conversationToken: string }>(
      await sendFrom(api, "POST", `/api/shops/${shop.id}/chat`, {
        body: { text: "Live hello" },
        localAddress: "127.0.9.1",
      }),
      201,
    );
    const first = await arrival(member, (e) => e.name === "message:new");
    expect(first.payload).toMatchObject({
      conversationId: started.conversationId,
      sender: "customer",
      text: "Live hello",
    });
    // Measured on the function once warm (the first request also loads it).
    const sentAt = performance.now();
    await expectJson(
      await sendFrom(api, "POST", `/api/shops/${shop.id}/chat/messages`, {
        body: { text: "Are you there?" },
        headers: { "x-conversation-token": started.conversationToken },
        localAddress: "127.0.9.1",
      }),
      201,
    );
    const message = await arrival(
      member,
      (e) => e.name === "message:new" && e.payload.text === "Are you there?",
    );
    const latency = message.at - sentAt;
    console.info(`shop chat latency (customer POST → member's handler): ${latency.toFixed(1)} ms`);
    expect(latency).toBeLessThan(1_000);
    await arrival(member, (e) => e.name === "notification" && e.payload.type === "conversation");
    await arrival(member, (e) => e.name === "conversation:update");

    await expectJson(
      await post(
        api,
        `/api/shops/${shop.id}/conversations/${started.conversationId}/messages`,
        { text: "Hi! How can we help?" },
        { token: shop.owner.accessToken },
      ),
      201,
    );
    const reply = await arrival(
      member,
      (e) => e.name === "message:new" && e.payload.sender === "seller",
    );
    expect(reply.payload.text).toBe("Hi! How can we help?");
  });

  it("another shop's member and a signed-out client cannot join, and receive nothing", async () => {
    const [shop, other] = [await newShop(), await newShop()];
    const member = feed(shop.owner.accessToken, shop.id);
    const stranger = feed(other.owner.accessToken, shop.id);
    const anonymous = feed(null, shop.id);
    await member.joined;
    expect(await stranger.refused).toMatch(/Unauthorized|not allowed|denied/i);
    expect(await anonymous.refused).toBeTruthy();

    await sendFrom(api, "POST", `/api/shops/${shop.id}/chat`, {
      body: { text: "Private to the shop" },
      localAddress: "127.0.9.2",
    });
    await arrival(member, (e) => e.name === "message:new");
    expect(stranger.events).toEqual([]);
    expect(anonymous.events).toEqual([]);

    // And straight through supabase-js: the topic of another shop is refused as well.
    const client = createClient(api.supabase.url, api.supabase.anonKey, {
      accessToken: async () => other.owner.accessToken,
      realtime: { transport: WebSocket as unknown as Transport },
    });
    const status = await new Promise<string>((resolve) => {
      client.channel(`shop:${shop.id}`, { config: { private: true } }).subscribe((state) => {
        if (state !== "SUBSCRIBED" && state !== "CHANNEL_ERROR") return;
        resolve(state);
      });
    });
    expect(status).toBe("CHANNEL_ERROR");
    await client.removeAllChannels();
  });

  it("a member cannot send on the shop's channel: every event there comes from the database", async () => {
    const shop = await newShop();
    const dashboard = feed(shop.owner.accessToken, shop.id);
    await dashboard.joined;
    const client = createClient(api.supabase.url, api.supabase.anonKey, {
      accessToken: async () => shop.owner.accessToken,
      realtime: { transport: WebSocket as unknown as Transport },
    });
    const channel = client.channel(`shop:${shop.id}`, {
      config: { private: true, broadcast: { ack: true } },
    });
    await new Promise<void>((resolve) =>
      channel.subscribe((state) => {
        if (state === "SUBSCRIBED") resolve();
      }),
    );
    const forged = {
      id: randomBytes(4).toString("hex"),
      status: "completed",
      paymentStatus: "paid",
    };
    expect(await channel.send({ type: "broadcast", event: "order:update", payload: forged })).toBe(
      "error",
    );
    // Realtime's REST broadcast checks the same policy.
    const viaRest = await fetch(`${api.supabase.url}/realtime/v1/api/broadcast`, {
      method: "POST",
      headers: {
        apikey: api.supabase.anonKey,
        authorization: `Bearer ${shop.owner.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        messages: [{ topic: `shop:${shop.id}`, event: "notification", payload: {}, private: true }],
      }),
    });
    expect(viaRest.status).toBe(403);
    // The database's own events still arrive, and nothing forged came before them.
    await sendFrom(api, "POST", `/api/shops/${shop.id}/chat`, {
      body: { text: "A real customer" },
      localAddress: "127.0.9.3",
    });
    await arrival(dashboard, (e) => e.name === "message:new");
    expect(dashboard.events.filter((e) => e.name === "order:update")).toEqual([]);
    expect(
      dashboard.events.filter((e) => e.name === "notification").map((e) => e.payload),
    ).not.toContainEqual({});
    await client.removeAllChannels();
  });
});
