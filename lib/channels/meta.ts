// Meta's Send API for a shop's Facebook Page and Instagram professional account (issue 22, item
// 5): POST https://graph.facebook.com/<version>/<page id>/messages with the Page access token,
// body {recipient: {id}, messaging_type: "RESPONSE", message: {text}}; Instagram messages go
// through the Facebook Page the account is linked to, with that Page's token (Messenger API for
// Instagram). Answers {recipient_id, message_id}, or {error: {code, error_subcode, type, …}}.
// Plain fetch, no SDK. META_GRAPH_URL points it at a local fake, on the local stack only.
//
// Meta's errors in our words (never the provider's text):
// - 190 (OAuthException; also 102): the token is no longer valid → token_invalid;
// - 10 with subcode 2018278 (Messenger) or 2534022 (Instagram), or 2018065: sent outside the
//   24-hour standard messaging window → outside_window;
// - 551, 100/2018001 (no matching user), 200/2018028, 10/2018108: the person cannot be reached;
// - 4, 17, 32, 613, 80006 (rate limits) → rate_limited; 1, 2 and 5xx → unavailable.
// Retries: a send is retried once only when the connection itself failed (refused, DNS), so
// nothing reached Meta; a timeout or a 5xx may have delivered it and is never resent.
import { env, localStackEnabled } from "../env.js";
import { log } from "../log.js";

export type MetaFailure =
  | "token_invalid"
  | "outside_window"
  | "recipient_unavailable"
  | "rate_limited"
  | "refused"
  | "unavailable";

export class MetaSendError extends Error {
  constructor(readonly failure: MetaFailure) {
    super(`meta: ${failure}`);
    this.name = "MetaSendError";
  }
}

const TIMEOUT_MS = 10_000;
const DEFAULT_VERSION = "v24.0";
/** Meta's standard messaging window: a Page may answer within 24 hours of the customer's message. */
export const META_MESSAGING_WINDOW_MS = 24 * 3600 * 1000;

/** The Graph API's base with its version (https://graph.facebook.com/v24.0). */
export function graphBase(): string {
  const config = env();
  const version = config.META_GRAPH_VERSION ?? DEFAULT_VERSION;
  const override = config.META_GRAPH_URL;
  if (override !== undefined && localStackEnabled()) {
    return `${override.replace(/\/+$/, "")}/${version}`;
  }
  if (override !== undefined) {
    log.warn("channel_api_url_ignored", { platform: "meta", reason: "for local use only" });
  }
  return `https://graph.facebook.com/${version}`;
}

const WINDOW_SUBCODES = new Set([2018278, 2534022, 2018065]);
const UNREACHABLE_SUBCODES = new Set([2018001, 2018028, 2018108, 1545041]);
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80006]);

export function metaFailure(status: number, body: unknown): MetaFailure {
  const error =
    body && typeof body === "object" && "error" in body
      ? ((body as { error?: Record<string, unknown> }).error ?? {})
      : {};
  const code = Number(error.code);
  const subcode = Number(error.error_subcode);
  if (code === 190 || code === 102) return "token_invalid";
  if (WINDOW_SUBCODES.has(subcode)) return "outside_window";
  if (code === 551 || UNREACHABLE_SUBCODES.has(subcode)) return "recipient_unavailable";
  if (RATE_LIMIT_CODES.has(code) || status === 429) return "rate_limited";
  if (code === 1 || code === 2 || status >= 500) return "unavailable";
  return "refused";
}

/** Connection failures where the request never left: safe to try once more. */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND";
}

/** Sends `text` to the customer `recipientId` (PSID or IGSID) from `pageId`; Meta's message id. */
export async function metaSendText(
  pageId: string,
  pageToken: string,
  recipientId: string,
  text: string,
): Promise<string> {
  if (!/^\d{1,30}$/.test(pageId)) throw new MetaSendError("refused");
  const url = `${graphBase()}/${pageId}/messages`;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${pageToken}` },
        body: JSON.stringify({
          recipient: { id: recipientId },
          messaging_type: "RESPONSE",
          message: { text },
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      if (attempt < 2 && neverSent(error)) continue;
      log.warn("channel_provider_unreachable", {
        platform: "meta",
        error: error instanceof Error ? error.name : "unknown",
      });
      throw new MetaSendError("unavailable");
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok && typeof body.message_id === "string") return body.message_id;
    const failure = response.ok ? "refused" : metaFailure(response.status, body);
    const error = (body.error ?? {}) as Record<string, unknown>;
    log.warn("channel_provider_refused", {
      platform: "meta",
      method: "messages",
      status: response.status,
      code: error.code,
      subcode: error.error_subcode,
    });
    throw new MetaSendError(failure);
  }
}
