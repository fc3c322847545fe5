// The two bot-token platforms behind one small interface (DESIGN §7): Telegram's Bot API
// (https://api.telegram.org/bot<token>/<method>, JSON answers {ok, result} or {ok: false,
// error_code, description}) and Viber's REST bot API (https://chatapi.viber.com/pa/<method>, the
// token in X-Viber-Auth-Token, answers {status: 0, status_message: "ok", …} or another status).
// Plain fetch, no SDK. TELEGRAM_API_URL and VIBER_API_URL point them at local fakes, on the local
// stack only: anywhere else a bot token is only ever sent to the provider itself.
//
// Retries: the calls that change nothing or set a state (getMe, get_account_info, setWebhook,
// deleteWebhook, set_webhook) are tried a second time after a network failure or a 5xx; a
// message send is never retried here (a send that timed out may have been delivered, and the
// customer would get it twice).
import { env, localStackEnabled } from "../env.js";
import { log } from "../log.js";

export type BotPlatform = "telegram" | "viber";

export interface BotAccount {
  /** The bot's id at the provider (public). */
  id: string;
  name: string;
  username: string | null;
}

/** Why a call failed, in our words (never the provider's text). */
export type ChannelFailure =
  | "token_invalid"
  | "recipient_unavailable"
  | "rate_limited"
  | "refused"
  | "unavailable";

export class ChannelProviderError extends Error {
  constructor(
    readonly platform: BotPlatform,
    readonly failure: ChannelFailure,
  ) {
    super(`${platform}: ${failure}`);
    this.name = "ChannelProviderError";
  }
}

export interface BotProvider {
  platform: BotPlatform;
  /** The bot behind the token; ChannelProviderError token_invalid when the provider refuses it. */
  account(token: string): Promise<BotAccount>;
  /** Sends updates to `url`; Telegram also sends `secret` in X-Telegram-Bot-Api-Secret-Token. */
  setWebhook(token: string, url: string, secret: string | undefined): Promise<void>;
  removeWebhook(token: string): Promise<void>;
  /** The provider's id of the sent message. */
  sendText(token: string, to: string, text: string, senderName: string): Promise<string>;
}

const TIMEOUT_MS = 10_000;

function base(platform: BotPlatform): string {
  const { TELEGRAM_API_URL, VIBER_API_URL } = env();
  const override = platform === "telegram" ? TELEGRAM_API_URL : VIBER_API_URL;
  const real =
    platform === "telegram" ? "https://api.telegram.org" : "https://chatapi.viber.com/pa";
  if (override === undefined) return real;
  if (!localStackEnabled()) {
    log.warn("channel_api_url_ignored", { platform, reason: "for local use only" });
    return real;
  }
  return override.replace(/\/+$/, "");
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  platform: BotPlatform,
  url: string,
  init: { headers: Record<string, string>; body: unknown },
  retry: boolean,
): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...init.headers },
        body: JSON.stringify(init.body ?? {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status >= 500 && retry && attempt < 2) continue;
      return { status: response.status, body: body && typeof body === "object" ? body : {} };
    } catch (error) {
      if (retry && attempt < 2) continue;
      log.warn("channel_provider_unreachable", {
        platform,
        error: error instanceof Error ? error.name : "unknown",
      });
      throw new ChannelProviderError(platform, "unavailable");
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Telegram

/** A bot token as BotFather issues it: the bot's id, a colon, a secret. Also keeps the URL path safe. */
export const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;

function telegramFailure(answer: Answer): ChannelFailure {
  const code = Number(answer.body.error_code ?? answer.status);
  if (code === 401 || code === 404) return "token_invalid";
  if (code === 403) return "recipient_unavailable";
  if (code === 429) return "rate_limited";
  if (code >= 500) return "unavailable";
  return "refused";
}

async function telegram(
  token: string,
  method: string,
  body: unknown,
  retry: boolean,
): Promise<unknown> {
  if (!TELEGRAM_TOKEN.test(token)) throw new ChannelProviderError("telegram", "token_invalid");
  const answer = await call(
    "telegram",
    `${base("telegram")}/bot${token}/${method}`,
    { headers: {}, body },
    retry,
  );
  if (answer.body.ok !== true) {
    log.warn("channel_provider_refused", {
      platform: "telegram",
      method,
      status: answer.status,
      code: answer.body.error_code,
    });
    throw new ChannelProviderError("telegram", telegramFailure(answer));
  }
  return answer.body.result;
}

const telegramProvider: BotProvider = {
  platform: "telegram",
  async account(token) {
    const me = (await telegram(token, "getMe", {}, true)) as Record<string, unknown> | null;
    if (me?.is_bot !== true) throw new ChannelProviderError("telegram", "token_invalid");
    return {
      id: String(me.id),
      name: String(me.first_name ?? me.username ?? "Telegram bot").slice(0, 200),
      username: typeof me.username === "string" ? me.username.slice(0, 200) : null,
    };
  },
  async setWebhook(token, url, secret) {
    await telegram(
      token,
      "setWebhook",
      { url, secret_token: secret, allowed_updates: ["message"], drop_pending_updates: false },
      true,
    );
  },
  async removeWebhook(token) {
    await telegram(token, "deleteWebhook", { drop_pending_updates: true }, true);
  },
  async sendText(token, to, text) {
    const sent = (await telegram(token, "sendMessage", { chat_id: to, text }, false)) as Record<
      string,
      unknown
    > | null;
    return String(sent?.message_id ?? "");
  },
};

// ------------------------------------------------------------------------------------------------
// Viber

/** Viber statuses (REST bot API "Errors"): 2 invalidAuthToken, 5 receiverNotRegistered, 6 receiverNotSubscribed, 12 apiRateLimit. */
function viberFailure(answer: Answer): ChannelFailure {
  const status = Number(answer.body.status);
  if (answer.status === 401 || status === 2 || status === 3 || status === 7) return "token_invalid";
  if (status === 5 || status === 6) return "recipient_unavailable";
  if (status === 12 || status === 13) return "rate_limited";
  if (answer.status >= 500) return "unavailable";
  return "refused";
}

export const VIBER_TOKEN = /^[A-Za-z0-9-]{20,100}$/;

async function viber(
  token: string,
  method: string,
  body: unknown,
  retry: boolean,
): Promise<Record<string, unknown>> {
  if (!VIBER_TOKEN.test(token)) throw new ChannelProviderError("viber", "token_invalid");
  const answer = await call(
    "viber",
    `${base("viber")}/${method}`,
    { headers: { "x-viber-auth-token": token }, body },
    retry,
  );
  if (answer.status !== 200 || answer.body.status !== 0) {
    log.warn("channel_provider_refused", {
      platform: "viber",
      method,
      status: answer.status,
      code: answer.body.status,
    });
    throw new ChannelProviderError("viber", viberFailure(answer));
  }
  return answer.body;
}

const viberProvider: BotProvider = {
  platform: "viber",
  async account(token) {
    const info = await viber(token, "get_account_info", {}, true);
    return {
      id: String(info.id ?? ""),
      name: String(info.name ?? "Viber bot").slice(0, 200),
      username: typeof info.uri === "string" ? info.uri.slice(0, 200) : null,
    };
  },
  async setWebhook(token, url) {
    await viber(
      token,
      "set_webhook",
      {
        url,
        event_types: ["delivered", "failed", "subscribed", "unsubscribed", "conversation_started"],
        send_name: false,
        send_photo: false,
      },
      true,
    );
  },
  async removeWebhook(token) {
    await viber(token, "set_webhook", { url: "" }, true);
  },
  async sendText(token, to, text, senderName) {
    const sent = await viber(
      token,
      "send_message",
      { receiver: to, type: "text", text, sender: { name: senderName.slice(0, 28) || "Shop" } },
      false,
    );
    return String(sent.message_token ?? "");
  },
};

export function botProvider(platform: BotPlatform): BotProvider {
  return platform === "telegram" ? telegramProvider : viberProvider;
}
