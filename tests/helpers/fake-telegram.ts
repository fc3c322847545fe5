// A network-level fake of Telegram's Bot API (POST <base>/bot<token>/<method>, JSON in and
// {ok, result} / {ok: false, error_code, description} out), for lib/channels pointed at it with
// TELEGRAM_API_URL. It knows the bots it was given; any other token is 401 Unauthorized, as
// Telegram answers. setWebhook keeps the url and secret_token, and `deliver` posts an update
// there as Telegram does (X-Telegram-Bot-Api-Secret-Token), so a test plays a customer writing.
import { randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeBot {
  token: string;
  id: number;
  username: string;
  webhook?: { url: string; secret: string | undefined };
  webhookDeleted: number;
  sent: { chatId: string; text: string; messageId: number }[];
  /** Chats that blocked the bot: sendMessage answers 403 Forbidden. */
  blocked: Set<string>;
}

export interface FakeTelegram {
  url: string;
  /** A new bot with a token of Telegram's shape. */
  bot(): FakeBot;
  /** POSTs an update to the bot's registered webhook; answers the response. */
  deliver(bot: FakeBot, update: unknown, secret?: string): Promise<Response>;
  close(): Promise<void>;
}

const fail = (code: number, description: string) =>
  Response.json({ ok: false, error_code: code, description }, { status: code });

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const bots = new Map<string, FakeBot>();
  let nextMessageId = 1;
  const server: RunningServer = await serve(
    async (request) => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(request.url).pathname);
      if (request.method !== "POST" || !match) return fail(404, "Not Found");
      const bot = bots.get(decodeURIComponent(match[1] ?? ""));
      if (!bot) return fail(401, "Unauthorized");
      const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
      switch (match[2]) {
        case "getMe":
          return Response.json({
            ok: true,
            result: { id: bot.id, is_bot: true, first_name: "Shop bot", username: bot.username },
          });
        case "setWebhook": {
          const url = String(body.url ?? "");
          const secret = body.secret_token === undefined ? undefined : String(body.secret_token);
          if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
            return fail(400, "Bad Request: secret token contains unallowed characters");
          }
          bot.webhook = { url, secret };
          return Response.json({ ok: true, result: true, description: "Webhook was set" });
        }
        case "deleteWebhook":
          bot.webhook = undefined;
          bot.webhookDeleted++;
          return Response.json({ ok: true, result: true, description: "Webhook was deleted" });
        case "sendMessage": {
          const chatId = String(body.chat_id ?? "");
          if (bot.blocked.has(chatId)) return fail(403, "Forbidden: bot was blocked by the user");
          const messageId = nextMessageId++;
          bot.sent.push({ chatId, text: String(body.text ?? ""), messageId });
          return Response.json({
            ok: true,
            result: { message_id: messageId, chat: { id: Number(chatId) }, text: body.text },
          });
        }
        default:
          return fail(404, "Not Found: method not found");
      }
    },
    { port: 0 },
  );
  return {
    url: server.url,
    bot() {
      const id = 100_000_000 + Math.floor(Math.random() * 800_000_000);
      const bot: FakeBot = {
        token: `${id}:AA${randomBytes(24).toString("base64url")}`,
        id,
        username: `shop_${id}_bot`,
        webhookDeleted: 0,
        sent: [],
        blocked: new Set(),
      };
      bots.set(bot.token, bot);
      return bot;
    },
    deliver(bot, update, secret) {
      if (!bot.webhook) throw new Error("no webhook registered for this bot");
      const headers: Record<string, string> = { "content-type": "application/json" };
      const sent = secret ?? bot.webhook.secret;
      if (sent !== undefined) headers["x-telegram-bot-api-secret-token"] = sent;
      return fetch(bot.webhook.url, { method: "POST", headers, body: JSON.stringify(update) });
    },
    close: () => server.close(),
  };
}
