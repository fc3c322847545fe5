// The local stack's Realtime (dev/supabase/realtime), driven by supabase-js `channel()` unchanged
// (on Node 20 with `ws` as its transport), with users signed up through the local Auth API and a
// test-only RLS policy on realtime.messages: users may receive on `rtt-user:<their id>` and on any
// `rtt-readonly:…` topic, and may send only on their own. "Not received" is proven by a later
// message on the same socket arriving first (the stack hands messages out in commit order),
// never by waiting.
import { randomUUID } from "node:crypto";
import {
  createClient,
  type RealtimeChannel,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Rollback } from "../../dev/supabase/database.js";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

type Transport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];

let stack: TestSupabase;
const run = randomUUID().slice(0, 8);
const clients: SupabaseClient[] = [];

interface Received {
  event: string;
  payload: Record<string, unknown>;
  meta?: { id: string };
}

function newClient(options: { vsn?: string } = {}): SupabaseClient {
  const client = createClient(stack.url, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as Transport, ...options },
  });
  clients.push(client);
  return client;
}

async function signedUp(name: string): Promise<{ client: SupabaseClient; id: string }> {
  const client = newClient();
  const { data, error } = await client.auth.signUp({
    email: `${name}-${run}@example.test`,
    password: "correct horse battery",
  });
  if (error || !data.user || !data.session) throw error ?? new Error("no session");
  return { client, id: data.user.id };
}

async function signedIn(name: string, options: { vsn?: string } = {}): Promise<SupabaseClient> {
  const client = newClient(options);
  const { error } = await client.auth.signInWithPassword({
    email: `${name}-${run}@example.test`,
    password: "correct horse battery",
  });
  if (error) throw error;
  return client;
}

interface Joined {
  channel: RealtimeChannel;
  received: Received[];
  system: Record<string, unknown>[];
  statuses: string[];
  status: Promise<{ status: string; error?: Error }>;
}

function join(
  client: SupabaseClient,
  topic: string,
  config: { private?: boolean; self?: boolean; ack?: boolean } = {},
): Joined {
  // channel() hands back an existing channel of that topic, which would not subscribe again.
  if (client.getChannels().some((channel) => channel.subTopic === topic)) {
    throw new Error(`this client already has ${topic}: use another client`);
  }
  const channel = client.channel(topic, {
    config: {
      private: config.private ?? true,
      broadcast: { self: config.self ?? false, ack: config.ack ?? false },
    },
  });
  const received: Received[] = [];
  const system: Record<string, unknown>[] = [];
  const statuses: string[] = [];
  channel.on("broadcast", { event: "*" }, (message) => {
    received.push(message as unknown as Received);
  });
  channel.on("system", {}, (payload) => system.push(payload));
  const status = new Promise<{ status: string; error?: Error }>((resolve) => {
    channel.subscribe((state, error) => {
      statuses.push(state);
      resolve({ status: state, ...(error && { error }) });
    });
  });
  return { channel, received, system, statuses, status };
}

async function joined(client: SupabaseClient, topic: string, config = {}): Promise<Joined> {
  const member = join(client, topic, config);
  const { status, error } = await member.status;
  if (status !== "SUBSCRIBED") throw new Error(`${topic}: ${status} ${error?.message ?? ""}`);
  return member;
}

async function refused(client: SupabaseClient, topic: string, config = {}): Promise<string> {
  const member = join(client, topic, config);
  const { status, error } = await member.status;
  // The client would retry the join on a timer; the test is done with it.
  await client.removeChannel(member.channel);
  expect(status).toBe("CHANNEL_ERROR");
  return error?.message ?? "";
}

async function send(topic: string, event: string, payload: object, isPrivate = true) {
  await stack.db.query("select realtime.send($1::jsonb, $2, $3, $4::boolean)", [
    JSON.stringify(payload),
    event,
    topic,
    String(isPrivate),
  ]);
}

const events = (member: Joined) => member.received.map((message) => message.event);

let alice: SupabaseClient;
let aliceId: string;
let bob: SupabaseClient;
let bobId: string;

beforeAll(async () => {
  stack = await startTestSupabase();
  await stack.db.exec(`
    drop policy if exists "rtt: users receive on their own and read-only topics" on realtime.messages;
    create policy "rtt: users receive on their own and read-only topics" on realtime.messages
      for select to authenticated
      using (realtime.topic() = 'rtt-user:' || (select auth.uid())::text
             or realtime.topic() like 'rtt-readonly:%');
    drop policy if exists "rtt: users send on their own topic" on realtime.messages;
    create policy "rtt: users send on their own topic" on realtime.messages
      for insert to authenticated
      with check (realtime.topic() = 'rtt-user:' || (select auth.uid())::text
                  and extension = 'broadcast');
  `);
  ({ client: alice, id: aliceId } = await signedUp("alice"));
  ({ client: bob, id: bobId } = await signedUp("bob"));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.removeAllChannels()));
  await stack?.db.exec(`
    drop policy if exists "rtt: users receive on their own and read-only topics" on realtime.messages;
    drop policy if exists "rtt: users send on their own topic" on realtime.messages;
  `);
  await stack?.close();
});

describe("joining", () => {
  it("lets a user join the private channel the select policy gives them", async () => {
    const member = await joined(alice, `rtt-user:${aliceId}`);
    expect(member.statuses).toEqual(["SUBSCRIBED"]);
    expect(await alice.removeChannel(member.channel)).toBe("ok");
  });

  it("refuses another user's private channel with Realtime's reason", async () => {
    const reason = await refused(bob, `rtt-user:${aliceId}`);
    expect(reason).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: rtt-user:${aliceId}`,
    );
  });

  it("refuses a private channel to the anon key (no policy names anon)", async () => {
    const reason = await refused(newClient(), `rtt-user:${aliceId}`);
    expect(reason).toMatch(/^Unauthorized: You do not have permissions to read/);
  });

  it("refuses a forged or expired token", async () => {
    const forged = newClient();
    await forged.realtime.setAuth("eyJhbGciOiJFUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.AAAA");
    expect(await refused(forged, `rtt-user:${aliceId}`)).toBe(
      "JwtSignatureError: Failed to validate JWT signature",
    );
    const expired = newClient();
    const token = await stack.keys.sign({ role: "authenticated", sub: aliceId }, -120);
    await expired.realtime.setAuth(token);
    expect(await refused(expired, `rtt-user:${aliceId}`)).toMatch(
      /^InvalidJWTToken: Token has expired \d+ seconds ago$/,
    );
  });

  it("refuses at the gateway a socket without a known API key", async () => {
    const status = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on("unexpected-response", (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.on("open", () => reject(new Error("opened")));
        socket.on("error", () => undefined);
      });
    const base = stack.url.replace(/^http/, "ws");
    expect(await status(`${base}/realtime/v1/websocket?vsn=2.0.0`)).toBe(401);
    expect(await status(`${base}/realtime/v1/websocket?apikey=nope&vsn=2.0.0`)).toBe(401);
    expect(await status(`${base}/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=3.0.0`)).toBe(
      400,
    );
  });
});

describe("broadcast from the database", () => {
  it("reaches the private channel's member and no one else, once committed", async () => {
    const aliceTopic = `rtt-user:${aliceId}`;
    const member = await joined(alice, aliceTopic);
    const other = await joined(bob, `rtt-user:${bobId}`);
    // The public channel of the same name is another channel: private messages skip it.
    const publicListener = await joined(newClient(), aliceTopic, { private: false });

    await stack.db.transaction({}, async (query) => {
      await query("select realtime.send('{\"n\": 0}'::jsonb, 'rolled-back', $1, true)", [
        aliceTopic,
      ]);
      throw new Rollback(undefined);
    });
    await send(aliceTopic, "note", { n: 1 });
    await send(`rtt-user:${bobId}`, "marker", { n: 2 });
    await send(aliceTopic, "public-marker", { n: 3 }, false);

    await expect.poll(() => events(member)).toEqual(["note"]);
    expect(member.received[0]).toMatchObject({
      type: "broadcast",
      event: "note",
      payload: { n: 1 },
      meta: { id: expect.any(String) },
    });
    // realtime.send stamps the message id into the payload, as Supabase's does.
    expect(member.received[0]?.payload.id).toBe(member.received[0]?.meta?.id);
    await expect.poll(() => events(other)).toEqual(["marker"]);
    await expect.poll(() => events(publicListener)).toEqual(["public-marker"]);
    expect(events(member)).toEqual(["note"]);
  });

  it("carries realtime.broadcast_changes' row payload from a trigger", async () => {
    const topic = `rtt-user:${aliceId}`;
    const member = await joined(await signedIn("alice"), topic);
    const table = `rtt_items_${run}`;
    await stack.db.exec(`
      create table public.${table} (id int primary key, title text);
      alter table public.${table} enable row level security;
      create function public.${table}_broadcast() returns trigger language plpgsql
        security definer set search_path = '' as $$
      begin
        perform realtime.broadcast_changes('rtt-user:${aliceId}', tg_op, tg_op, tg_table_name,
                                           tg_table_schema, new, old);
        return null;
      end $$;
      create trigger broadcast after insert or update on public.${table}
        for each row execute function public.${table}_broadcast();
    `);
    try {
      await stack.db.query(`insert into public.${table} values (1, 'first')`);
      await stack.db.query(`update public.${table} set title = 'second' where id = 1`);
      await expect.poll(() => events(member)).toEqual(["INSERT", "UPDATE"]);
      expect(member.received[1]?.payload).toMatchObject({
        operation: "UPDATE",
        table,
        schema: "public",
        record: { id: 1, title: "second" },
        old_record: { id: 1, title: "first" },
      });
    } finally {
      await stack.db.exec(`drop table public.${table}; drop function public.${table}_broadcast();`);
    }
  });
});

describe("broadcast from clients", () => {
  it("passes a member's broadcast the insert policy allows to the other members", async () => {
    const topic = `rtt-user:${aliceId}`;
    const sender = await joined(await signedIn("alice"), topic, { ack: true });
    const receiver = await joined(await signedIn("alice"), topic);
    const result = await sender.channel.send({
      type: "broadcast",
      event: "typing",
      payload: { a: 1 },
    });
    expect(result).toBe("ok");
    await expect
      .poll(() => receiver.received)
      .toEqual([{ type: "broadcast", event: "typing", payload: { a: 1 } }]);
    // self is off: the sender does not hear itself.
    expect(sender.received).toEqual([]);
  });

  it("passes a binary payload on to the other members", async () => {
    const topic = `rtt-user:${aliceId}`;
    const sender = await joined(await signedIn("alice"), topic, { ack: true });
    const receiver = await joined(await signedIn("alice"), topic);
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(
      await sender.channel.send({ type: "broadcast", event: "blob", payload: bytes.buffer }),
    ).toBe("ok");
    await expect.poll(() => events(receiver)).toEqual(["blob"]);
    expect(new Uint8Array(receiver.received[0]?.payload as unknown as ArrayBuffer)).toEqual(bytes);
  });

  it("refuses, with a reason, a broadcast the insert policy does not allow", async () => {
    const topic = `rtt-readonly:${run}`;
    const sender = await joined(alice, topic, { ack: true });
    const receiver = await joined(bob, topic);
    expect(await sender.channel.send({ type: "broadcast", event: "spoof", payload: {} })).toBe(
      "error",
    );
    await send(topic, "marker", {});
    await expect.poll(() => events(receiver)).toEqual(["marker"]);
  });

  it("sends from a server through POST /realtime/v1/api/broadcast", async () => {
    const topic = `rtt-user:${bobId}`;
    const member = await joined(await signedIn("bob"), topic);
    const post = (key: string, body: object) =>
      fetch(`${stack.url}/realtime/v1/api/broadcast`, {
        method: "POST",
        headers: {
          apikey: key,
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    const message = { topic, event: "order", payload: { id: "o1" }, private: true };
    const denied = await post(stack.anonKey, { messages: [message] });
    expect(denied.status).toBe(403);
    const sent = await post(stack.serviceRoleKey, { messages: [message] });
    expect(sent.status).toBe(202);
    await expect
      .poll(() => member.received)
      .toEqual([{ type: "broadcast", event: "order", payload: { id: "o1" } }]);
  });
});

describe("sending over REST from supabase-js", () => {
  it("httpSend and send() on an unjoined channel reach the members, as the insert policy allows", async () => {
    const topic = `rtt-user:${bobId}`;
    const member = await joined(await signedIn("bob"), topic);
    const sender = await signedIn("bob");
    const outside = sender.channel(topic, { config: { private: true } });
    expect(await outside.httpSend("via-http-send", { n: 1 })).toEqual({ success: true });
    // The client warns that send() falls back to REST when the channel is not joined.
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect(
        await outside.send({ type: "broadcast", event: "via-fallback", payload: { n: 2 } }),
      ).toBe("ok");
    } finally {
      console.warn = warn;
    }
    await expect.poll(() => events(member)).toEqual(["via-http-send", "via-fallback"]);
    const stranger = await signedIn("alice");
    const refusedSend = stranger.channel(topic, { config: { private: true } });
    await expect(refusedSend.httpSend("spoof", {})).rejects.toThrow(
      /^Unauthorized: You do not have permissions to write to this Channel topic/,
    );
  });
});

describe("tokens", () => {
  it("keeps a channel through a refreshed token", async () => {
    const client = await signedIn("alice");
    const topic = `rtt-user:${aliceId}`;
    const member = await joined(client, topic);
    const before = (await client.auth.getSession()).data.session?.access_token;
    const { data, error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session?.access_token).not.toBe(before);
    await client.realtime.setAuth(data.session?.access_token ?? "");
    await send(topic, "after-refresh", {});
    await expect.poll(() => events(member)).toEqual(["after-refresh"]);
    expect(member.system).toEqual([]);
  });

  it("closes a channel the new token may not read, saying why", async () => {
    const client = await signedIn("alice");
    const topic = `rtt-user:${aliceId}`;
    const member = await joined(client, topic);
    const bobToken = (await bob.auth.getSession()).data.session?.access_token ?? "";
    await client.realtime.setAuth(bobToken);
    await expect.poll(() => member.statuses).toEqual(["SUBSCRIBED", "CLOSED"]);
    expect(member.system).toEqual([
      {
        extension: "system",
        status: "error",
        message: `You no longer have permission to read from this Channel topic: ${topic}`,
        channel: topic,
      },
    ]);
  });

  it("closes a channel given a token that is not a JWT", async () => {
    const client = await signedIn("bob");
    const member = await joined(client, `rtt-user:${bobId}`);
    await client.realtime.setAuth("not-a-token");
    await expect.poll(() => member.statuses).toEqual(["SUBSCRIBED", "CLOSED"]);
    expect(member.system[0]?.message).toBe("MalformedJWT: The token provided is not a valid JWT");
  });
});

describe("the connection", () => {
  it("answers heartbeats", async () => {
    const client = await signedIn("bob");
    await joined(client, `rtt-user:${bobId}`);
    const statuses: string[] = [];
    client.realtime.onHeartbeat((status) => statuses.push(status));
    await client.realtime.sendHeartbeat();
    await expect.poll(() => statuses).toEqual(["sent", "ok"]);
  });

  it("speaks the 1.0.0 serializer too", async () => {
    const client = await signedIn("bob", { vsn: "1.0.0" });
    const member = await joined(client, `rtt-user:${bobId}`);
    await send(`rtt-user:${bobId}`, "v1", { ok: true });
    await expect.poll(() => events(member)).toEqual(["v1"]);
  });

  it("refuses, with a reason, what it does not implement", async () => {
    const changes = bob.channel(`rtt-changes-${run}`);
    changes.on("postgres_changes", { event: "*", schema: "public" }, () => undefined);
    const changesStatus = new Promise<Error | undefined>((resolve) =>
      changes.subscribe((_status, error) => resolve(error)),
    );
    const changesError = await changesStatus;
    await bob.removeChannel(changes);
    expect(changesError?.message).toMatch(/^Unsupported: .*postgres_changes/);

    const presence = bob.channel(`rtt-presence-${run}`, {
      config: { presence: { enabled: true } },
    });
    const presenceError = await new Promise<Error | undefined>((resolve) =>
      presence.subscribe((_status, error) => resolve(error)),
    );
    await bob.removeChannel(presence);
    expect(presenceError?.message).toBe("Unsupported: the local stack's Realtime has no presence");
  });
});
