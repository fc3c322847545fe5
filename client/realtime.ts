// The shop dashboard's realtime feed, in the shape the spec's websocketService has — connect,
// `emit("shop:join", shopId)`, `on(event, handler)`, a heartbeat, automatic reconnection with
// backoff and token refresh — on top of supabase-js Realtime. Vercel functions hold no sockets:
// the database broadcasts each event (realtime.send in supabase/migrations/…_conversations.sql)
// on the shop's private channel `shop:<shopId>`, which Supabase Realtime lets only the shop's
// members join (RLS on realtime.messages). The access token is the Bastion session's own
// (`accessToken` below, e.g. the typed client's), read again for every join and every refresh.
//
// Events (payloads as the database sends them):
// - `message:new` {id, conversationId, shopId, sender, senderUserId, text, attachments, createdAt}
// - `conversation:update` {id, shopId, channel, status, assigneeId, tags, isAiActive, lastMessageAt,
//   createdAt, updatedAt}
// - `order:update` {id, shopId, status, paymentStatus, totalMinor, currency, createdAt, updatedAt}
// - `notification` {title, message, type, conversationId? | orderId?}
// and the service's own: `connect`, `disconnect`, `joined` {shopId}, `error` {shopId?, message},
// `pong` {latencyMs}.
import {
  createClient,
  type RealtimeChannel,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";

export const SHOP_EVENTS = [
  "message:new",
  "conversation:update",
  "order:update",
  "notification",
] as const;
export type ShopEvent = (typeof SHOP_EVENTS)[number];
export type ServiceEvent = "connect" | "disconnect" | "joined" | "error" | "pong";
export type EventName = ShopEvent | ServiceEvent;
export type EventPayload = Record<string, unknown>;
export type Handler = (payload: EventPayload) => void;

type Transport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];

export interface WebsocketServiceOptions {
  /** The Supabase project URL and its anon (publishable) key: public values. */
  supabaseUrl: string;
  supabaseAnonKey: string;
  /** The signed-in member's current access token (renewed by the caller's session). */
  accessToken: () => Promise<string | null>;
  /** How often the heartbeat goes out (default 25 s, as Supabase's clients do). */
  heartbeatMs?: number;
  /** Reconnection backoff: base and ceiling in milliseconds (default 500 ms to 30 s). */
  backoff?: { baseMs: number; maxMs: number };
  /** Node only: the WebSocket implementation (`ws`); browsers have their own. */
  transport?: Transport;
}

export interface WebsocketService {
  connect(): void;
  disconnect(): Promise<void>;
  /** `shop:join` / `shop:leave` with a shop id, or `ping` for a heartbeat now. */
  emit(event: "shop:join" | "shop:leave" | "ping", shopId?: string): void;
  on(event: EventName, handler: Handler): () => void;
  off(event: EventName, handler: Handler): void;
  /** Send the current access token to the joined channels (after the session renewed it). */
  refreshToken(): Promise<void>;
  readonly connected: boolean;
}

/** Exponential backoff with full jitter: 0…min(max, base·2^tries). */
export function backoffDelay(tries: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, tries - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export function createWebsocketService(options: WebsocketServiceOptions): WebsocketService {
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const handlers = new Map<EventName, Set<Handler>>();
  const shops = new Map<
    string,
    { channel: RealtimeChannel; tries: number; timer?: ReturnType<typeof setTimeout> }
  >();
  let client: SupabaseClient | undefined;
  let connected = false;
  let pingSentAt = 0;

  const fire = (event: EventName, payload: EventPayload) => {
    for (const handler of handlers.get(event) ?? []) handler(payload);
  };

  const realtime = (): SupabaseClient => {
    client ??= createClient(options.supabaseUrl, options.supabaseAnonKey, {
      accessToken: options.accessToken,
      realtime: {
        ...(options.transport && { transport: options.transport }),
        heartbeatIntervalMs: options.heartbeatMs ?? 25_000,
        reconnectAfterMs: (tries: number) => backoffDelay(tries, backoff.baseMs, backoff.maxMs),
        heartbeatCallback: (status: string) => {
          if (status === "ok") {
            if (!connected) {
              connected = true;
              fire("connect", {});
            }
            fire("pong", { latencyMs: pingSentAt ? Date.now() - pingSentAt : null });
          } else if (status === "sent") {
            pingSentAt = Date.now();
          } else if (status === "disconnected" || status === "timeout" || status === "error") {
            if (connected) {
              connected = false;
              fire("disconnect", { reason: status });
            }
          }
        },
      },
    });
    return client;
  };

  const join = (shopId: string, tries = 0) => {
    const supabase = realtime();
    const channel = supabase.channel(`shop:${shopId}`, { config: { private: true } });
    for (const event of SHOP_EVENTS) {
      channel.on("broadcast", { event }, (message) => {
        fire(event, (message.payload ?? {}) as EventPayload);
      });
    }
    const entry: {
      channel: RealtimeChannel;
      tries: number;
      timer?: ReturnType<typeof setTimeout>;
    } = { channel, tries };
    shops.set(shopId, entry);
    channel.subscribe((status, error) => {
      if (shops.get(shopId) !== entry) return;
      if (status === "SUBSCRIBED") {
        entry.tries = 0;
        if (!connected) {
          connected = true;
          fire("connect", {});
        }
        fire("joined", { shopId });
      } else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
        // Refused (not a member, an expired token) or unreachable: try again later with a fresh
        // token, backing off, until the caller leaves the shop.
        fire("error", { shopId, message: error?.message ?? status });
        const delay = backoffDelay(entry.tries + 1, backoff.baseMs, backoff.maxMs);
        entry.timer = setTimeout(() => {
          if (shops.get(shopId) !== entry) return;
          void supabase.removeChannel(channel).then(() => join(shopId, entry.tries + 1));
        }, delay);
      }
    });
  };

  const leave = async (shopId: string) => {
    const entry = shops.get(shopId);
    if (!entry) return;
    shops.delete(shopId);
    clearTimeout(entry.timer);
    await client?.removeChannel(entry.channel);
  };

  return {
    connect() {
      realtime().realtime.connect();
    },
    async disconnect() {
      await Promise.all([...shops.keys()].map(leave));
      client?.realtime.disconnect();
      if (connected) fire("disconnect", { reason: "closed" });
      connected = false;
    },
    emit(event, shopId) {
      if (event === "ping") {
        void realtime().realtime.sendHeartbeat();
        return;
      }
      if (!shopId) throw new Error(`${event} needs a shop id`);
      if (event === "shop:join" && !shops.has(shopId)) join(shopId);
      if (event === "shop:leave") void leave(shopId);
    },
    on(event, handler) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler);
      handlers.set(event, set);
      return () => set.delete(handler);
    },
    off(event, handler) {
      handlers.get(event)?.delete(handler);
    },
    async refreshToken() {
      await realtime().realtime.setAuth();
    },
    get connected() {
      return connected;
    },
  };
}
