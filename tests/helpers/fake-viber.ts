// A network-level fake of Viber's REST bot API (POST <base>/<method> with X-Viber-Auth-Token,
// answers {status: 0, status_message: "ok", …} or status 2 invalidAuthToken), for lib/channels
// pointed at it with VIBER_API_URL. set_webhook keeps the url (an empty url removes it), and
// `deliver` posts a callback there signed as Viber signs (X-Viber-Content-Signature: HMAC-SHA256
// hex of the body with the bot's token).
import { createHmac, randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeViberBot {
  token: string;
  id: string;
  name: string;
  webhook?: string;
  webhookRemoved: number;
  sent: { receiver: string; text: string; senderName: string; messageToken: string }[];
  /** Receivers that are not subscribed: send_message answers status 6. */
  unsubscribed: Set<string>;
}

export interface FakeViber {
  url: string;
  bot(): FakeViberBot;
  /** POSTs a callback to the bot's webhook, signed with `signingKey` (its token by default). */
  deliver(bot: FakeViberBot, callback: unknown, signingKey?: string): Promise<Response>;
  close(): Promise<void>;
}

export const viberSignature = (body: string, key: string) =>
  createHmac("sha256", key).update(body).digest("hex");

export async function startFakeViber(): Promise<FakeViber> {
  const bots = new Map<string, FakeViberBot>();
  let tokens = 5_000_000_000_000_000;
  const server: RunningServer = await serve(
    async (request) => {
      const method = new URL(request.url).pathname.replace(/^\//, "");
      const bot = bots.get(request.headers.get("x-viber-auth-token") ?? "");
      if (!bot) return Response.json({ status: 2, status_message: "invalidAuthToken" });
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      switch (method) {
        case "get_account_info":
          return Response.json({
            status: 0,
            status_message: "ok",
            id: bot.id,
            name: bot.name,
            uri: bot.name.toLowerCase().replace(/\W+/g, ""),
            webhook: bot.webhook ?? "",
          });
        case "set_webhook": {
          const url = String(body.url ?? "");
          if (url === "") {
            bot.webhook = undefined;
            bot.webhookRemoved++;
            return Response.json({ status: 0, status_message: "ok" });
          }
          bot.webhook = url;
          return Response.json({
            status: 0,
            status_message: "ok",
            event_types: body.event_types ?? [],
          });
        }
        case "send_message": {
          const receiver = String(body.receiver ?? "");
          if (bot.unsubscribed.has(receiver)) {
            return Response.json({ status: 6, status_message: "notSubscribed" });
          }
          const sender = (body.sender ?? {}) as Record<string, unknown>;
          const messageToken = String(tokens++);
          bot.sent.push({
            receiver,
            text: String(body.text ?? ""),
            senderName: String(sender.name ?? ""),
            messageToken,
          });
          return Response.json({
            status: 0,
            status_message: "ok",
            message_token: Number(messageToken),
          });
        }
        default:
          return Response.json({ status: 1, status_message: "invalidUrl" }, { status: 404 });
      }
    },
    { port: 0 },
  );
  return {
    url: server.url,
    bot() {
      const bot: FakeViberBot = {
        token: `${randomBytes(8).toString("hex")}-${randomBytes(8).toString("hex")}-${randomBytes(8).toString("hex")}`,
        id: `pa:${randomBytes(8).readBigUInt64BE()}`,
        name: "Shop Viber",
        webhookRemoved: 0,
        sent: [],
        unsubscribed: new Set(),
      };
      bots.set(bot.token, bot);
      return bot;
    },
    deliver(bot, callback, signingKey) {
      if (!bot.webhook) throw new Error("no webhook registered for this bot");
      const body = JSON.stringify(callback);
      return fetch(bot.webhook, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-viber-content-signature": viberSignature(body, signingKey ?? bot.token),
        },
        body,
      });
    },
    close: () => server.close(),
  };
}
