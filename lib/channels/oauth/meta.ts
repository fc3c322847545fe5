// Meta's side of connecting a Facebook Page or an Instagram professional account (issue 22),
// Facebook Login's manual flow and the Graph API, plain fetch:
// 1. the dialog: <www>/<version>/dialog/oauth?client_id&redirect_uri&state&scope&response_type=code
//    with the PKCE challenge (code_challenge, S256);
// 2. the code for a short-lived user token: GET /<version>/oauth/access_token with client_id,
//    client_secret, redirect_uri, code and code_verifier;
// 3. that for a long-lived user token: grant_type=fb_exchange_token;
// 4. the Pages: GET /<version>/me/accounts?fields=id,name,access_token,instagram_business_account
//    {id,username,name}: each Page with its Page token, which does not expire when it comes from
//    a long-lived user token, and the Instagram professional account linked to it, if any;
// 5. the app subscribed to the Page's webhooks: POST /<page>/subscribed_apps with subscribed_fields
//    (DELETE on disconnect).
// Every call with a token also sends appsecret_proof (HMAC-SHA256 of the token with the app secret).
// Meta's errors are {error: {message, type, code, error_subcode}}; code 190 (or type
// OAuthException with 102/463/467 subcodes) means the token is no longer valid.
import { createHmac } from "node:crypto";
import { log } from "../../log.js";
import type { MetaApp } from "./config.js";

const TIMEOUT_MS = 10_000;

export type MetaFailure = "token_invalid" | "refused" | "unavailable";

export class MetaError extends Error {
  constructor(readonly failure: MetaFailure) {
    super(`meta: ${failure}`);
    this.name = "MetaError";
  }
}

export interface MetaPage {
  id: string;
  name: string;
  token: string;
  instagram: { id: string; username: string | null; name: string | null } | null;
}

/** The Page fields the app subscribes to: Messenger messages and their companions. */
export const PAGE_SUBSCRIBED_FIELDS = ["messages", "messaging_postbacks", "message_deliveries"];

const proof = (app: MetaApp, token: string) =>
  createHmac("sha256", app.appSecret).update(token).digest("hex");

async function graph(
  app: MetaApp,
  method: "GET" | "POST" | "DELETE",
  path: string,
  params: Record<string, string>,
  what: string,
): Promise<Record<string, unknown>> {
  const url = new URL(`${app.graphUrl}/${app.version}/${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (params.access_token) url.searchParams.set("appsecret_proof", proof(app, params.access_token));
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      // Only reads and idempotent calls come here; a second try after a network failure.
      if (attempt < 2) continue;
      log.warn("meta_unreachable", {
        what,
        error: error instanceof Error ? error.name : "unknown",
      });
      throw new MetaError("unavailable");
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status >= 500 && attempt < 2) continue;
    if (response.ok && !body.error) return body;
    const problem = (body.error ?? {}) as Record<string, unknown>;
    log.warn("meta_refused", {
      what,
      status: response.status,
      code: problem.code,
      subcode: problem.error_subcode,
    });
    if (response.status >= 500) throw new MetaError("unavailable");
    if (Number(problem.code) === 190 || Number(problem.code) === 102) {
      throw new MetaError("token_invalid");
    }
    throw new MetaError("refused");
  }
}

const str = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : null);

export function metaDialogUrl(
  app: MetaApp,
  input: { redirectUri: string; state: string; scopes: readonly string[]; challenge: string },
): string {
  const url = new URL(`${app.dialogUrl}/${app.version}/dialog/oauth`);
  url.searchParams.set("client_id", app.appId);
  url.searchParams.set("redirect_uri", input.redirectUri);
  url.searchParams.set("state", input.state);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", input.scopes.join(","));
  url.searchParams.set("code_challenge", input.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

/** The code for a long-lived user token (steps 2 and 3). */
export async function metaUserToken(
  app: MetaApp,
  input: { code: string; redirectUri: string; verifier: string },
): Promise<string> {
  const short = await graph(
    app,
    "GET",
    "oauth/access_token",
    {
      client_id: app.appId,
      client_secret: app.appSecret,
      redirect_uri: input.redirectUri,
      code: input.code,
      code_verifier: input.verifier,
    },
    "code exchange",
  );
  const shortToken = str(short.access_token);
  if (!shortToken) throw new MetaError("refused");
  const long = await graph(
    app,
    "GET",
    "oauth/access_token",
    {
      grant_type: "fb_exchange_token",
      client_id: app.appId,
      client_secret: app.appSecret,
      fb_exchange_token: shortToken,
    },
    "long-lived token",
  );
  const longToken = str(long.access_token);
  if (!longToken) throw new MetaError("refused");
  return longToken;
}

/** The Pages the user manages, with their tokens and linked Instagram accounts (step 4). */
export async function metaPages(app: MetaApp, userToken: string): Promise<MetaPage[]> {
  const answer = await graph(
    app,
    "GET",
    "me/accounts",
    {
      access_token: userToken,
      fields: "id,name,access_token,instagram_business_account{id,username,name}",
      limit: "100",
    },
    "pages",
  );
  const rows = Array.isArray(answer.data) ? (answer.data as Record<string, unknown>[]) : [];
  const pages: MetaPage[] = [];
  for (const row of rows) {
    const id = str(row.id);
    const token = str(row.access_token);
    if (!id || !token || !/^\d{1,30}$/.test(id)) continue;
    const ig = (row.instagram_business_account ?? null) as Record<string, unknown> | null;
    const igId = ig ? str(ig.id) : null;
    pages.push({
      id,
      name: (str(row.name) ?? "Facebook Page").slice(0, 200),
      token,
      instagram:
        ig && igId && /^\d{1,30}$/.test(igId)
          ? {
              id: igId,
              username: str(ig.username)?.slice(0, 200) ?? null,
              name: str(ig.name)?.slice(0, 200) ?? null,
            }
          : null,
    });
  }
  return pages;
}

/** The app subscribed to the Page's messaging webhooks (step 5). */
export async function metaSubscribePage(app: MetaApp, pageId: string, pageToken: string) {
  await graph(
    app,
    "POST",
    `${pageId}/subscribed_apps`,
    { access_token: pageToken, subscribed_fields: PAGE_SUBSCRIBED_FIELDS.join(",") },
    "subscribe page",
  );
}

export async function metaUnsubscribePage(app: MetaApp, pageId: string, pageToken: string) {
  await graph(
    app,
    "DELETE",
    `${pageId}/subscribed_apps`,
    { access_token: pageToken },
    "unsubscribe",
  );
}

/** Whether Meta still accepts the Page token (the refresh job's check); MetaError otherwise. */
export async function metaCheckPage(app: MetaApp, pageId: string, pageToken: string) {
  await graph(app, "GET", pageId, { access_token: pageToken, fields: "id" }, "check page");
}
