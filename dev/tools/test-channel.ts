// /__dev/channels: the local "test channel" page (issue 22, item 6), so the shop inbox works with
// its social channels offline. Pick a connected channel of any shop (Facebook, Instagram, TikTok,
// Telegram, Viber) and write as a customer of that platform: the page posts the platform's
// webhook to this server's own endpoint, signed exactly as the platform signs it (Meta:
// X-Hub-Signature-256 with META_APP_SECRET; TikTok: TikTok-Signature with TIKTOK_CLIENT_SECRET —
// TikTok has no messages, so its button sends authorization.removed; Viber: the HMAC of the body
// with the bot's token, opened with the local keys; Telegram: a fresh secret_token, whose hash
// the page writes over the connection's first, since only a hash is kept). What the shop sent
// back is listed from the fakes below, which record every outbound message:
// - /__dev/social/meta-graph/<version>/<page id>/messages (Meta's Send API; the rest of
//   /__dev/social is the OAuth fake, dev/tools/fake-social-oauth.ts);
// - /__dev/channels/telegram/bot<token>/<method> and /__dev/channels/viber/<method> (Telegram's
//   Bot API and Viber's REST API, pointed at by TELEGRAM_API_URL / VIBER_API_URL in npm run dev,
//   so a bot connects locally with any well-formed token).
// Local stack only: dev/ is never deployed, and the page refuses cross-origin posts.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { CHANNEL_SEALED } from "../../lib/channels/sealed-columns.js";
import { openPersonalData } from "../../lib/crypto/personal-data.js";
import { escapeHtml } from "../../lib/notify/templates/html.js";

interface Sent {
  at: string;
  platform: string;
  from: string;
  to: string;
  text: string;
}

const SHOWN = 30;
const sent: Sent[] = [];
let ids = 1;

function record(entry: Omit<Sent, "at">): string {
  sent.unshift({ at: new Date().toISOString(), ...entry });
  sent.length = Math.min(sent.length, 200);
  return String(ids++);
}

async function json(request: Request): Promise<Record<string, unknown>> {
  return ((await request.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
}

/** Meta's Send API, as the dev server's fake: records the message and answers its id. */
export async function fakeMetaSend(request: Request, pageId: string): Promise<Response> {
  const body = await json(request);
  const recipient = String((body.recipient as { id?: unknown } | undefined)?.id ?? "");
  const text = String((body.message as { text?: unknown } | undefined)?.text ?? "");
  const id = record({
    platform: "facebook/instagram",
    from: `Page ${pageId}`,
    to: recipient,
    text,
  });
  return Response.json({ recipient_id: recipient, message_id: `m_local_${id}` });
}

/** Telegram's Bot API and Viber's REST API, as far as lib/channels/providers.ts uses them. */
export async function fakeBotApi(request: Request, path: string): Promise<Response> {
  const telegram = /^\/telegram\/bot(\d{1,20}):[A-Za-z0-9_-]+\/(\w+)$/.exec(path);
  if (telegram) {
    const [, botId, method] = telegram;
    const body = await json(request);
    if (method === "getMe") {
      return Response.json({
        ok: true,
        result: {
          id: Number(botId),
          is_bot: true,
          first_name: "Local bot",
          username: `local${botId}_bot`,
        },
      });
    }
    if (method === "sendMessage") {
      const id = record({
        platform: "telegram",
        from: `bot ${botId}`,
        to: String(body.chat_id ?? ""),
        text: String(body.text ?? ""),
      });
      return Response.json({ ok: true, result: { message_id: Number(id) } });
    }
    return Response.json({ ok: true, result: true });
  }
  const viber = /^\/viber\/(\w+)$/.exec(path);
  if (viber) {
    const token = request.headers.get("x-viber-auth-token") ?? "";
    const body = await json(request);
    const botId = createHash("sha256").update(token).digest("hex").slice(0, 12);
    if (viber[1] === "get_account_info") {
      return Response.json({
        status: 0,
        status_message: "ok",
        id: `pa:${botId}`,
        name: "Local Viber bot",
        uri: `local${botId}`,
      });
    }
    if (viber[1] === "send_message") {
      const id = record({
        platform: "viber",
        from: `bot ${botId}`,
        to: String(body.receiver ?? ""),
        text: String(body.text ?? ""),
      });
      return Response.json({ status: 0, status_message: "ok", message_token: Number(id) });
    }
    return Response.json({ status: 0, status_message: "ok" });
  }
  return new Response("Not found", { status: 404 });
}

// ------------------------------------------------------------------------------------------------
// The page

interface ConnectionRow {
  id: string;
  shop_id: string;
  platform: string;
  account_id: string | null;
  account_name: string | null;
  linked_page_id: string | null;
}

async function rest<T>(path: string, init: RequestInit = {}): Promise<T> {
  const { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY } = process.env;
  if (!SUPABASE_URL || !SUPABASE_SERVICE_ROLE_KEY)
    throw new Error("the local stack is not running");
  const response = await fetch(`${SUPABASE_URL}/rest/v1/${path}`, {
    ...init,
    headers: {
      apikey: SUPABASE_SERVICE_ROLE_KEY,
      authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });
  if (!response.ok) throw new Error(`${path.split("?")[0]}: ${response.status}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : []) as T;
}

const connections = () =>
  rest<ConnectionRow[]>(
    "shop_channel_connections?status=eq.connected&select=id,shop_id,platform,account_id,account_name,linked_page_id&order=created_at.desc&limit=100",
  );

function page(status: number, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Test channel</title><style>body{font:15px system-ui;margin:2rem;max-width:60rem}td,th{padding:.2rem .6rem;text-align:left;vertical-align:top}label{display:block;margin:.5rem 0}</style></head><body>${body}</body></html>`,
    {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        "cache-control": "no-store",
      },
    },
  );
}

async function listPage(notice = ""): Promise<string> {
  const rows = await connections();
  const options = rows
    .map(
      (row) =>
        `<option value="${escapeHtml(row.id)}">${escapeHtml(row.platform)} · ${escapeHtml(row.account_name ?? row.account_id ?? "")} · shop ${escapeHtml(row.shop_id.slice(0, 8))}</option>`,
    )
    .join("");
  const outbound = sent
    .slice(0, SHOWN)
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(entry.at.slice(11, 19))}</td><td>${escapeHtml(entry.platform)}</td><td>${escapeHtml(entry.to)}</td><td>${escapeHtml(entry.text)}</td></tr>`,
    )
    .join("");
  return `<h1>Test channel</h1>
${notice ? `<p><strong>${escapeHtml(notice)}</strong></p>` : ""}
<p>Write to a shop as a customer of one of its connected channels. The message goes to this server's webhook, signed as the platform signs it; open the shop's inbox to answer. (TikTok has no messages: its button sends TikTok's authorization.removed, which marks the connection needs_reconnect.)</p>
${
  rows.length === 0
    ? "<p>No shop has a connected channel yet: connect one from the shop's settings first.</p>"
    : `<form method="post" action="/__dev/channels">
<label>Channel <select name="connection">${options}</select></label>
<label>Customer id on the platform <input name="customer" value="1000001" pattern="[0-9A-Za-z_=+-]{1,40}" required></label>
<label>Message <input name="text" value="Hello! Is this still available?" maxlength="1000" size="50" required></label>
<button>Send as the customer</button></form>`
}
<h2>What the shops sent back</h2>
${outbound ? `<table><tr><th>Time</th><th>Platform</th><th>To</th><th>Text</th></tr>${outbound}</table>` : "<p>Nothing yet.</p>"}
<p><a href="/__dev/channels">Refresh</a></p>`;
}

function hmacHex(key: string, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

async function deliver(origin: string, row: ConnectionRow, customer: string, text: string) {
  const now = Date.now();
  let path: string;
  let body: string;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (row.platform === "facebook" || row.platform === "instagram") {
    const secret = process.env.META_APP_SECRET;
    if (!secret) return "META_APP_SECRET is not set";
    body = JSON.stringify({
      object: row.platform === "facebook" ? "page" : "instagram",
      entry: [
        {
          id: row.account_id,
          time: now,
          messaging: [
            {
              sender: { id: customer },
              recipient: { id: row.account_id },
              timestamp: now,
              message: { mid: `m_local_${randomBytes(12).toString("hex")}`, text },
            },
          ],
        },
      ],
    });
    headers["x-hub-signature-256"] = `sha256=${hmacHex(secret, body)}`;
    path = "/api/webhooks/meta";
  } else if (row.platform === "tiktok") {
    const secret = process.env.TIKTOK_CLIENT_SECRET;
    if (!secret) return "TIKTOK_CLIENT_SECRET is not set";
    body = JSON.stringify({
      client_key: process.env.TIKTOK_CLIENT_KEY,
      event: "authorization.removed",
      create_time: Math.floor(now / 1000),
      user_openid: row.account_id,
      content: JSON.stringify({ reason: 1 }),
    });
    const t = Math.floor(now / 1000);
    headers["tiktok-signature"] = `t=${t},s=${hmacHex(secret, `${t}.${body}`)}`;
    path = "/api/webhooks/tiktok";
  } else if (row.platform === "telegram") {
    const secret = randomBytes(24).toString("hex");
    await rest(`shop_channel_credentials?id=eq.${row.id}`, {
      method: "PATCH",
      body: JSON.stringify({
        webhook_secret_hash: createHash("sha256").update(secret).digest("hex"),
      }),
    });
    const id = Math.floor(now / 1000) * 1000 + Math.floor(Math.random() * 1000);
    const chat = /^\d{1,15}$/.test(customer) ? Number(customer) : 1000001;
    body = JSON.stringify({
      update_id: id,
      message: {
        message_id: id,
        from: { id: chat, is_bot: false, first_name: "Local customer" },
        chat: { id: chat, type: "private", first_name: "Local customer" },
        date: Math.floor(now / 1000),
        text,
      },
    });
    headers["x-telegram-bot-api-secret-token"] = secret;
    path = `/api/webhooks/telegram/${row.id}`;
  } else {
    const [credentials] = await rest<{ token_sealed: string }[]>(
      `shop_channel_credentials?id=eq.${row.id}&select=token_sealed`,
    );
    if (!credentials) return "this connection has no token";
    const token = openPersonalData(credentials.token_sealed, CHANNEL_SEALED.token);
    body = JSON.stringify({
      event: "message",
      timestamp: now,
      message_token: now * 1000 + Math.floor(Math.random() * 1000),
      sender: { id: customer, name: "Local customer" },
      message: { type: "text", text },
    });
    headers["x-viber-content-signature"] = hmacHex(token, body);
    path = `/api/webhooks/viber/${row.id}`;
  }
  const response = await fetch(`${origin}${path}`, { method: "POST", headers, body });
  return response.ok
    ? `Delivered to ${path} (${response.status}).`
    : `${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`;
}

/** `path`: what follows /__dev/channels. */
export async function testChannelPage(request: Request, path: string): Promise<Response> {
  if (path.startsWith("/telegram/") || path.startsWith("/viber/")) return fakeBotApi(request, path);
  if (path !== "" && path !== "/") return page(404, "<p>Not found.</p>");
  const origin = new URL(request.url).origin;
  if (request.method === "GET") return page(200, await listPage());
  if (request.method !== "POST") return page(405, "<p>GET or POST only.</p>");
  if (request.headers.get("origin") !== origin) return page(403, "<p>Post from this page.</p>");
  const form = await request.formData();
  const id = String(form.get("connection") ?? "");
  const customer = String(form.get("customer") ?? "").slice(0, 40);
  const text = String(form.get("text") ?? "").slice(0, 1000);
  const row = (await connections()).find((connection) => connection.id === id);
  if (!row || !/^[0-9A-Za-z_=+-]{1,40}$/.test(customer) || !text) {
    return page(400, await listPage("Pick a connected channel, a customer id and a message."));
  }
  return page(200, await listPage(await deliver(origin, row, customer, text)));
}
