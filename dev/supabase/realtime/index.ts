// /realtime/v1: the subset of Supabase Realtime that supabase-js `channel()` uses for broadcast,
// over the `ws` package. The WebSocket endpoint speaks the Phoenix channel protocol (vsn 1.0.0
// and 2.0.0): join with an access token (a JWT of the stack's key, checked for signature, expiry,
// role and exp), heartbeat, broadcast both ways, private channels authorized through the RLS
// policies on realtime.messages exactly as Realtime does (./authorization.ts), `access_token`
// re-authorization (a channel the new token may not read is closed), phx_leave, and the token's
// expiry (the channel is closed with a system message). Messages inserted into realtime.messages
// (realtime.send, realtime.broadcast_changes) reach the sockets once committed (./fanout.ts).
// POST /realtime/v1/api/broadcast sends from a server. Everything else — postgres_changes,
// presence, replay, unknown events — is refused with a phx_reply whose status is
// "error" and whose reason says what is missing, never dropped in silence. Binary broadcast
// payloads pass between vsn 2.0.0 clients (a 1.0.0 client cannot represent them, as with
// Realtime). Unlike Realtime, a
// client broadcast the INSERT policies refuse is answered with such an error too (Realtime
// drops it without a word).
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import type { Database } from "../database.js";
import type { SigningKeys } from "../keys.js";
import { type Caller, canRead, canWrite, Refusal, verifyAccessToken } from "./authorization.js";
import { type Fanout, type StoredMessage, startFanout } from "./fanout.js";
import {
  decodeFrame,
  encodeBinaryBroadcast,
  encodeFrame,
  type Frame,
  FrameError,
  VERSIONS,
  type Vsn,
} from "./protocol.js";

export const REALTIME_PREFIX = "/realtime/v1/";
const SOCKET_PATH = "/realtime/v1/websocket";
const TOPIC_PREFIX = "realtime:";
/** setTimeout's largest delay; a token living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Channel {
  topic: string;
  subTopic: string;
  joinRef: string;
  isPrivate: boolean;
  self: boolean;
  ack: boolean;
  caller: Caller;
  token: string;
  /** For a private channel: may send (undefined until the first broadcast asks). */
  canSend: boolean | undefined;
  expiry: NodeJS.Timeout | undefined;
}

interface Connection {
  ws: WebSocket;
  vsn: Vsn;
  apiKey: string;
  headers: Record<string, string>;
  channels: Map<string, Channel>;
  queue: Promise<void>;
}

export interface Realtime {
  /** Takes over an HTTP upgrade to /realtime/v1/websocket (the gateway's key check done). */
  upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void;
  /** /realtime/v1/api/… requests (path without the prefix). */
  handle(request: Request, path: string): Promise<Response>;
  /** Hands out what has been committed to realtime.messages (tests that measure). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function isRealtimeSocketPath(pathname: string): boolean {
  return pathname === SOCKET_PATH || pathname === `${SOCKET_PATH}/`;
}

export async function createRealtime({
  db,
  keys,
}: {
  db: Database;
  keys: SigningKeys;
}): Promise<Realtime> {
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has("phoenix") ? "phoenix" : false),
  });

  const send = (connection: Connection, message: Frame) => {
    if (connection.ws.readyState === connection.ws.OPEN) {
      connection.ws.send(encodeFrame(connection.vsn, message));
    }
  };
  const reply = (
    connection: Connection,
    frame: Pick<Frame, "join_ref" | "ref" | "topic">,
    status: "ok" | "error",
    response: Record<string, unknown> = {},
  ) =>
    send(connection, {
      join_ref: frame.join_ref,
      ref: frame.ref,
      topic: frame.topic,
      event: "phx_reply",
      payload: { status, response },
    });
  const refuse = (connection: Connection, frame: Frame, reason: string) =>
    reply(connection, frame, "error", { reason });

  /** Realtime's shutdown: a system message on the channel, then phx_close. */
  const shutdown = (connection: Connection, channel: Channel, message: string) => {
    send(connection, {
      join_ref: channel.joinRef,
      ref: null,
      topic: channel.topic,
      event: "system",
      payload: { extension: "system", status: "error", message, channel: channel.subTopic },
    });
    close(connection, channel);
  };
  const close = (connection: Connection, channel: Channel) => {
    drop(connection, channel);
    send(connection, {
      join_ref: channel.joinRef,
      ref: channel.joinRef,
      topic: channel.topic,
      event: "phx_close",
      payload: {},
    });
  };
  const drop = (connection: Connection, channel: Channel) => {
    clearTimeout(channel.expiry);
    if (connection.channels.get(channel.topic) === channel) {
      connection.channels.delete(channel.topic);
    }
  };

  const watchExpiry = (connection: Connection, channel: Channel) => {
    clearTimeout(channel.expiry);
    const ms = channel.caller.exp * 1000 - Date.now();
    channel.expiry = setTimeout(
      () => {
        if (channel.caller.exp * 1000 > Date.now()) return watchExpiry(connection, channel);
        shutdown(connection, channel, "Token has expired 0 seconds ago");
      },
      Math.min(Math.max(ms, 0), MAX_TIMER_MS),
    );
    channel.expiry.unref();
  };

  const broadcastTo = (
    topic: string,
    isPrivate: boolean,
    payload: Record<string, unknown>,
    from?: { connection: Connection; channel: Channel },
  ) => {
    for (const connection of connections) {
      const channel = connection.channels.get(topic);
      if (!channel || channel.isPrivate !== isPrivate) continue;
      if (from && from.connection === connection && !from.channel.self) continue;
      if (Buffer.isBuffer(payload.payload)) {
        const ready = connection.ws.readyState === connection.ws.OPEN;
        if (ready && connection.vsn === "2.0.0") {
          connection.ws.send(encodeBinaryBroadcast(topic, String(payload.event), payload.payload));
        }
        continue;
      }
      send(connection, { join_ref: null, ref: null, topic, event: "broadcast", payload });
    }
  };

  const deliverStored = (message: StoredMessage) => {
    broadcastTo(`${TOPIC_PREFIX}${message.topic}`, message.private, {
      type: "broadcast",
      event: message.event,
      payload: message.payload,
      meta: { id: message.id },
    });
  };

  const join = async (connection: Connection, frame: Frame) => {
    const subTopic = frame.topic.slice(TOPIC_PREFIX.length);
    if (!subTopic)
      return refuse(connection, frame, "TopicNameRequired: You must provide a topic name");
    const payload = asObject(frame.payload);
    const config = asObject(payload.config);
    const broadcast = asObject(config.broadcast);
    const presence = asObject(config.presence);
    const postgresChanges = Array.isArray(config.postgres_changes) ? config.postgres_changes : [];
    if (postgresChanges.length > 0) {
      return refuse(
        connection,
        frame,
        "Unsupported: the local stack's Realtime does not stream postgres_changes; broadcast from the database (realtime.send, realtime.broadcast_changes) instead",
      );
    }
    if (presence.enabled === true) {
      return refuse(connection, frame, "Unsupported: the local stack's Realtime has no presence");
    }
    if (broadcast.replay !== undefined) {
      return refuse(
        connection,
        frame,
        "Unsupported: the local stack's Realtime keeps no messages to replay",
      );
    }
    if (broadcast.replication_ready === true) {
      return refuse(
        connection,
        frame,
        "Unsupported: the local stack's Realtime has no replication connection to report on",
      );
    }
    const token =
      typeof payload.access_token === "string" && payload.access_token
        ? payload.access_token
        : connection.apiKey;
    const isPrivate = config.private === true;
    let caller: Caller;
    try {
      caller = await verifyAccessToken(keys, token);
      if (
        isPrivate &&
        !(await canRead(db, { caller, topic: subTopic, headers: connection.headers }))
      ) {
        throw new Refusal(
          `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`,
        );
      }
    } catch (error) {
      if (error instanceof Refusal) return refuse(connection, frame, error.reason);
      throw error;
    }
    // Joining a topic again replaces the earlier join, as Phoenix does.
    const previous = connection.channels.get(frame.topic);
    if (previous) close(connection, previous);
    const channel: Channel = {
      topic: frame.topic,
      subTopic,
      joinRef: frame.join_ref ?? frame.ref ?? "",
      isPrivate,
      self: broadcast.self === true,
      ack: broadcast.ack === true,
      caller,
      token,
      canSend: undefined,
      expiry: undefined,
    };
    connection.channels.set(frame.topic, channel);
    watchExpiry(connection, channel);
    reply(connection, frame, "ok", { postgres_changes: [] });
  };

  const clientBroadcast = async (connection: Connection, channel: Channel, frame: Frame) => {
    const payload = asObject(frame.payload);
    if (typeof payload.event !== "string") {
      return refuse(connection, frame, "InvalidBroadcast: a broadcast needs an event name");
    }
    if (channel.isPrivate) {
      channel.canSend ??= await canWrite(db, {
        caller: channel.caller,
        topic: channel.subTopic,
        headers: connection.headers,
      });
      if (!channel.canSend) {
        return refuse(
          connection,
          frame,
          `Unauthorized: You do not have permissions to write to this Channel topic: ${channel.subTopic}`,
        );
      }
    }
    broadcastTo(channel.topic, channel.isPrivate, payload, { connection, channel });
    if (channel.ack) reply(connection, frame, "ok");
  };

  const reauthorize = async (connection: Connection, channel: Channel, frame: Frame) => {
    const token = asObject(frame.payload).access_token;
    if (typeof token !== "string" || !token || token === channel.token || token.startsWith("sb_")) {
      return;
    }
    let caller: Caller;
    try {
      caller = await verifyAccessToken(keys, token);
    } catch (error) {
      if (error instanceof Refusal) return shutdown(connection, channel, error.reason);
      throw error;
    }
    if (
      channel.isPrivate &&
      !(await canRead(db, { caller, topic: channel.subTopic, headers: connection.headers }))
    ) {
      return shutdown(
        connection,
        channel,
        `You no longer have permission to read from this Channel topic: ${channel.subTopic}`,
      );
    }
    channel.caller = caller;
    channel.token = token;
    channel.canSend = undefined;
    watchExpiry(connection, channel);
  };

  const onFrame = async (connection: Connection, frame: Frame) => {
    if (frame.topic === "phoenix") {
      if (frame.event === "heartbeat") return reply(connection, frame, "ok");
      return refuse(
        connection,
        frame,
        `Unsupported: the phoenix topic takes heartbeats only, not ${frame.event}`,
      );
    }
    if (frame.event === "phx_join") {
      if (!frame.topic.startsWith(TOPIC_PREFIX))
        return refuse(connection, frame, "unmatched topic");
      return join(connection, frame);
    }
    const channel = connection.channels.get(frame.topic);
    if (!channel || (frame.join_ref && frame.join_ref !== channel.joinRef)) {
      return refuse(connection, frame, "unmatched topic");
    }
    switch (frame.event) {
      case "phx_leave":
        drop(connection, channel);
        return reply(connection, frame, "ok");
      case "broadcast":
        return clientBroadcast(connection, channel, frame);
      case "access_token":
        return reauthorize(connection, channel, frame);
      case "presence":
        return refuse(connection, frame, "Unsupported: the local stack's Realtime has no presence");
      default:
        return refuse(
          connection,
          frame,
          `Unsupported: the local stack's Realtime does not handle the event ${frame.event}`,
        );
    }
  };

  wss.on("connection", (ws: WebSocket, request: IncomingMessage) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const connection: Connection = {
      ws,
      vsn: (url.searchParams.get("vsn") ?? "1.0.0") as Vsn,
      apiKey: url.searchParams.get("apikey") ?? "",
      headers: headersOf(request),
      channels: new Map(),
      queue: Promise.resolve(),
    };
    connections.add(connection);
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      // One frame at a time per socket, in the order sent (a join's check is asynchronous).
      connection.queue = connection.queue.then(async () => {
        let frame: Frame;
        try {
          frame = decodeFrame(connection.vsn, data, isBinary);
        } catch (error) {
          if (!(error instanceof FrameError)) throw error;
          // A frame we cannot read has no ref to answer; say why and close, rather than drop it.
          ws.close(1003, error.message.slice(0, 120));
          return;
        }
        try {
          await onFrame(connection, frame);
        } catch (error) {
          console.error("[realtime] failed on", frame.event, error);
          refuse(connection, frame, "UnknownErrorOnChannel: the local stack failed; see its log");
        }
      });
    });
    ws.on("close", () => {
      for (const channel of connection.channels.values()) clearTimeout(channel.expiry);
      connection.channels.clear();
      connections.delete(connection);
    });
    ws.on("error", () => undefined);
  });

  const fanout: Fanout = await startFanout(db, deliverStored);
  let closed = false;

  return {
    upgrade(request, socket, head) {
      const url = new URL(request.url ?? "/", "http://localhost");
      const vsn = url.searchParams.get("vsn") ?? "1.0.0";
      if (!VERSIONS.includes(vsn as Vsn)) {
        return rejectUpgrade(socket, 400, `unsupported vsn ${vsn}: use 1.0.0 or 2.0.0`);
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
    },
    handle: (request, path) => handleApi(request, path),
    drain: () => fanout.drain(),
    close: async () => {
      if (closed) return;
      closed = true;
      await fanout.stop();
      for (const connection of connections) connection.ws.terminate();
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };

  /**
   * POST /api/broadcast {messages: [{topic, event, payload, private}]} (what channel.send()
   * falls back to) and POST /api/broadcast/<topic>/events/<event>[?private=true] (httpSend):
   * 202. The service key sends anywhere; any other token only to private topics whose INSERT
   * policies let it (a refused one is a 403 and nothing is sent).
   */
  async function handleApi(request: Request, path: string): Promise<Response> {
    const match = /^api\/broadcast(?:\/([^/]+)\/events\/([^/]+))?\/?$/.exec(path);
    if (!match) {
      return Response.json(
        { message: `the local stack's Realtime does not serve /realtime/v1/${path}` },
        { status: 501 },
      );
    }
    if (request.method !== "POST") {
      return Response.json({ message: "method not allowed" }, { status: 405 });
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const token = bearer ?? request.headers.get("apikey") ?? "";
    let caller: Caller;
    try {
      caller = await verifyAccessToken(keys, token);
    } catch (error) {
      if (error instanceof Refusal)
        return Response.json({ message: error.reason }, { status: 401 });
      throw error;
    }
    let body: unknown;
    try {
      const text = await request.text();
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return Response.json({ message: "the body must be JSON" }, { status: 400 });
    }
    const url = new URL(request.url);
    const messages: { topic: string; event: string; payload: unknown; private: boolean }[] = [];
    if (match[1] && match[2]) {
      messages.push({
        topic: decodeURIComponent(match[1]),
        event: decodeURIComponent(match[2]),
        payload: body,
        private: url.searchParams.get("private") === "true",
      });
    } else {
      const list = asObject(body).messages;
      if (!Array.isArray(list) || list.length === 0) {
        return Response.json(
          { message: "the body must be {messages: [{topic, event, payload, private}]}" },
          { status: 400 },
        );
      }
      for (const item of list) {
        const message = asObject(item);
        if (typeof message.topic !== "string" || typeof message.event !== "string") {
          return Response.json(
            { message: "each message needs a topic and an event" },
            { status: 400 },
          );
        }
        messages.push({
          topic: message.topic,
          event: message.event,
          payload: message.payload ?? {},
          private: message.private === true,
        });
      }
    }
    const headers = Object.fromEntries(request.headers);
    if (caller.role !== "service_role") {
      for (const message of messages) {
        if (message.private && !(await canWrite(db, { caller, topic: message.topic, headers }))) {
          return Response.json(
            {
              message: `Unauthorized: You do not have permissions to write to this Channel topic: ${message.topic}`,
            },
            { status: 403 },
          );
        }
      }
    }
    for (const message of messages) {
      broadcastTo(`${TOPIC_PREFIX}${message.topic}`, message.private, {
        type: "broadcast",
        event: message.event,
        payload: message.payload,
      });
    }
    return new Response(null, { status: 202 });
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

/** Answers an upgrade with a plain HTTP error, as the gateway would. */
export function rejectUpgrade(socket: Socket, status: number, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Bad Request"}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
