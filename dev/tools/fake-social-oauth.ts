// Network-level fakes of Meta's and TikTok's OAuth endpoints (issue 22), for the tests and
// `npm run dev` (mounted at /__dev/social/…, META_*_URL and TIKTOK_*_URL pointing there):
// - <base>/meta-www/<version>/dialog/oauth: Facebook Login's dialog, a consent page whose Allow
//   button (POST) sends the browser back to redirect_uri with a code and the state;
// - <base>/meta-graph/<version>/…: oauth/access_token (the code with its PKCE verifier, then
//   fb_exchange_token), me/accounts (the Pages with their tokens and Instagram accounts),
//   <page>/subscribed_apps (POST, DELETE), GET <page> (the token's check) and POST
//   <page>/messages (accepted, so a Page connected on `npm run dev` can answer);
// - <base>/tiktok-www/v2/auth/authorize/: TikTok's consent page, the same way;
// - <base>/tiktok-api/v2/oauth/token/ (authorization_code with code_verifier, refresh_token that
//   rotates), /v2/oauth/revoke/, /v2/user/info/.
// It checks what the real ones check that matters here: the app's id and secret, the
// redirect_uri of the code, the PKCE verifier against the challenge (base64url S256 for Meta, hex
// for TikTok), a code used once, tokens it issued. Everything is kept in memory and visible to
// the tests (`state`). Never deployed: dev/ is not part of the Vercel build.
import { createHash, randomBytes } from "node:crypto";

export const FAKE_META_APP = { id: "1234567890123", secret: "fake-meta-app-secret-0123456789" };
export const FAKE_TIKTOK_APP = {
  key: "fakeclientkey0123",
  secret: "fake-tiktok-secret-0123456789",
};

export interface FakePage {
  id: string;
  name: string;
  instagram?: { id: string; username: string; name: string };
}

interface Grant {
  platform: "meta" | "tiktok";
  redirectUri: string;
  challenge: string;
  used: boolean;
}

export interface FakeSocialState {
  /** The Pages the signed-in Facebook user manages (me/accounts). */
  pages: FakePage[];
  /** Page id → the Page token last issued for it. */
  pageTokens: Map<string, string>;
  /** Pages the app is subscribed to, with the fields. */
  subscribed: Map<string, string[]>;
  unsubscribed: string[];
  /** Page tokens Meta no longer accepts (code 190). */
  revokedPageTokens: Set<string>;
  /** Every code_verifier the token endpoints received. */
  verifiers: string[];
  /** TikTok: the user who consents. */
  tiktokUser: { openId: string; displayName: string };
  /** TikTok access and refresh tokens currently valid. */
  tiktokAccess: Set<string>;
  tiktokRefresh: Set<string>;
  tiktokRevoked: string[];
  /** Each request's method and path, without the query (for tests that count calls). */
  calls: string[];
}

const html = (body: string) =>
  new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Consent</title></head><body>${body}</body></html>`,
    {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    },
  );

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const metaError = (code: number, message: string, status = 400) =>
  Response.json(
    { error: { message, type: "OAuthException", code, fbtrace_id: "fake" } },
    { status },
  );

const tiktokError = (error: string, description: string, status = 400) =>
  Response.json({ error, error_description: description, log_id: "fake" }, { status });

const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

export interface FakeSocialOAuth {
  state: FakeSocialState;
  /** The answer for a path under the fake's base (e.g. "/meta-graph/v24.0/me/accounts"). */
  handle(request: Request, path: string): Promise<Response>;
}

export function createFakeSocialOAuth(): FakeSocialOAuth {
  const grants = new Map<string, Grant>();
  const userTokens = { short: new Set<string>(), long: new Set<string>() };
  const state: FakeSocialState = {
    pages: [
      {
        id: "101000000000001",
        name: "Local Shop Page",
        instagram: { id: "17841400000000001", username: "local_shop", name: "Local Shop" },
      },
    ],
    pageTokens: new Map(),
    subscribed: new Map(),
    unsubscribed: [],
    revokedPageTokens: new Set(),
    verifiers: [],
    tiktokUser: { openId: "-000fakeOpenId0001", displayName: "Local TikTok Shop" },
    tiktokAccess: new Set(),
    tiktokRefresh: new Set(),
    tiktokRevoked: [],
    calls: [],
  };

  function consentPage(platform: "meta" | "tiktok", url: URL): Response {
    const redirectUri = url.searchParams.get("redirect_uri") ?? "";
    const fields = ["redirect_uri", "state", "code_challenge", "code_challenge_method"]
      .map(
        (name) =>
          `<input type="hidden" name="${name}" value="${escapeHtml(url.searchParams.get(name) ?? "")}">`,
      )
      .join("");
    const who = platform === "meta" ? "Facebook (local fake)" : "TikTok (local fake)";
    return html(
      `<h1>${who}</h1><p>Allow the app to connect? It will return to ${escapeHtml(redirectUri)}</p>` +
        `<form method="post">${fields}<button name="decision" value="allow" id="allow">Allow</button>` +
        `<button name="decision" value="deny" id="deny">Cancel</button></form>`,
    );
  }

  async function consent(platform: "meta" | "tiktok", request: Request) {
    const form = new URLSearchParams(await request.text());
    const redirectUri = form.get("redirect_uri") ?? "";
    if (!/^https?:\/\//.test(redirectUri)) return new Response("bad redirect_uri", { status: 400 });
    if (form.get("code_challenge_method") !== "S256" || !form.get("code_challenge")) {
      return new Response("PKCE required", { status: 400 });
    }
    const back = new URL(redirectUri);
    back.searchParams.set("state", form.get("state") ?? "");
    if (form.get("decision") !== "allow") {
      back.searchParams.set("error", "access_denied");
    } else {
      const code = token("code-");
      grants.set(code, {
        platform,
        redirectUri,
        challenge: form.get("code_challenge") ?? "",
        used: false,
      });
      back.searchParams.set("code", code);
      if (platform === "tiktok") back.searchParams.set("scopes", "user.info.basic");
    }
    return new Response(null, { status: 303, headers: { location: back.toString() } });
  }

  function useGrant(
    platform: "meta" | "tiktok",
    code: string,
    redirectUri: string,
    verifier: string,
  ) {
    const grant = grants.get(code);
    if (!grant || grant.used || grant.platform !== platform) return "invalid code";
    grant.used = true;
    if (grant.redirectUri !== redirectUri) return "redirect_uri mismatch";
    state.verifiers.push(verifier);
    const digest = createHash("sha256").update(verifier).digest();
    const expected = platform === "meta" ? digest.toString("base64url") : digest.toString("hex");
    if (expected !== grant.challenge) return "code verifier does not match";
    return undefined;
  }

  async function metaGraph(request: Request, rest: string, url: URL): Promise<Response> {
    const q = url.searchParams;
    const parts = rest.split("/").filter(Boolean);
    const [, ...path] = parts; // drop the version
    const route = path.join("/");
    if (route === "oauth/access_token") {
      if (
        q.get("client_id") !== FAKE_META_APP.id ||
        q.get("client_secret") !== FAKE_META_APP.secret
      ) {
        return metaError(101, "Error validating application");
      }
      if (q.get("grant_type") === "fb_exchange_token") {
        const short = q.get("fb_exchange_token") ?? "";
        if (!userTokens.short.has(short)) return metaError(190, "Invalid OAuth access token");
        const long = token("EAAlong");
        userTokens.long.add(long);
        return Response.json({ access_token: long, token_type: "bearer", expires_in: 5_184_000 });
      }
      const problem = useGrant(
        "meta",
        q.get("code") ?? "",
        q.get("redirect_uri") ?? "",
        q.get("code_verifier") ?? "",
      );
      if (problem) return metaError(100, problem);
      const short = token("EAAshort");
      userTokens.short.add(short);
      return Response.json({ access_token: short, token_type: "bearer", expires_in: 3600 });
    }
    const bearer = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
    const accessToken = q.get("access_token") ?? bearer;
    const proof = q.get("appsecret_proof");
    if (proof !== null) {
      const { createHmac } = await import("node:crypto");
      const expected = createHmac("sha256", FAKE_META_APP.secret).update(accessToken).digest("hex");
      if (proof !== expected)
        return metaError(100, "Invalid appsecret_proof provided in the API argument");
    }
    if (route === "me/accounts") {
      if (!userTokens.long.has(accessToken)) return metaError(190, "Invalid OAuth access token");
      return Response.json({
        data: state.pages.map((page) => {
          const pageToken = token(`EAApage${page.id}`);
          state.pageTokens.set(page.id, pageToken);
          return {
            id: page.id,
            name: page.name,
            access_token: pageToken,
            category: "Shopping & retail",
            tasks: ["MESSAGING", "MODERATE", "MANAGE"],
            ...(page.instagram && { instagram_business_account: page.instagram }),
          };
        }),
        paging: { cursors: { before: "x", after: "y" } },
      });
    }
    const pageId = path[0] ?? "";
    const pageTokenValid =
      state.pageTokens.get(pageId) === accessToken && !state.revokedPageTokens.has(accessToken);
    if (path[1] === "subscribed_apps") {
      if (!pageTokenValid) return metaError(190, "Invalid OAuth access token");
      if (request.method === "POST") {
        state.subscribed.set(pageId, (q.get("subscribed_fields") ?? "").split(","));
        return Response.json({ success: true });
      }
      if (request.method === "DELETE") {
        state.subscribed.delete(pageId);
        state.unsubscribed.push(pageId);
        return Response.json({ success: true });
      }
    }
    // The Send API, so a Page connected on `npm run dev` can answer (accepted, not delivered).
    if (path[1] === "messages" && request.method === "POST") {
      if (!pageTokenValid) return metaError(190, "Invalid OAuth access token");
      return Response.json({
        recipient_id: "local-recipient",
        message_id: `m_${randomBytes(12).toString("base64url")}`,
      });
    }
    if (path.length === 1 && request.method === "GET") {
      if (!pageTokenValid) return metaError(190, "Error validating access token");
      return Response.json({ id: pageId });
    }
    return metaError(100, "Unsupported request", 400);
  }

  async function tiktokApi(request: Request, rest: string): Promise<Response> {
    if (rest === "/v2/user/info/") {
      const bearer = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      if (!state.tiktokAccess.has(bearer)) {
        return Response.json(
          { error: { code: "access_token_invalid", message: "invalid", log_id: "fake" } },
          { status: 401 },
        );
      }
      return Response.json({
        data: {
          user: { open_id: state.tiktokUser.openId, display_name: state.tiktokUser.displayName },
        },
        error: { code: "ok", message: "", log_id: "fake" },
      });
    }
    if (request.method !== "POST") return tiktokError("invalid_request", "POST only", 405);
    if (
      !(request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded")
    ) {
      return tiktokError("invalid_request", "form body expected");
    }
    const form = new URLSearchParams(await request.text());
    if (
      form.get("client_key") !== FAKE_TIKTOK_APP.key ||
      form.get("client_secret") !== FAKE_TIKTOK_APP.secret
    ) {
      return tiktokError("invalid_client", "Client key or secret is incorrect.", 401);
    }
    const issue = () => {
      const access = token("act.");
      const refresh = token("rft.");
      state.tiktokAccess.add(access);
      state.tiktokRefresh.add(refresh);
      return Response.json({
        access_token: access,
        expires_in: 86_400,
        open_id: state.tiktokUser.openId,
        refresh_expires_in: 31_536_000,
        refresh_token: refresh,
        scope: "user.info.basic",
        token_type: "Bearer",
      });
    };
    if (rest === "/v2/oauth/token/") {
      if (form.get("grant_type") === "authorization_code") {
        const problem = useGrant(
          "tiktok",
          form.get("code") ?? "",
          form.get("redirect_uri") ?? "",
          form.get("code_verifier") ?? "",
        );
        if (problem) return tiktokError("invalid_grant", problem);
        return issue();
      }
      if (form.get("grant_type") === "refresh_token") {
        const refresh = form.get("refresh_token") ?? "";
        if (!state.tiktokRefresh.delete(refresh)) {
          return tiktokError("invalid_grant", "Refresh token is invalid or expired.");
        }
        return issue();
      }
      return tiktokError("unsupported_grant_type", "grant_type");
    }
    if (rest === "/v2/oauth/revoke/") {
      const revoked = form.get("token") ?? "";
      state.tiktokAccess.delete(revoked);
      state.tiktokRevoked.push(revoked);
      return Response.json({});
    }
    return tiktokError("invalid_request", "unknown endpoint", 404);
  }

  return {
    state,
    async handle(request, path) {
      const url = new URL(request.url);
      state.calls.push(`${request.method} ${path}`);
      const dialog = /^\/meta-www\/v\d+\.\d\/dialog\/oauth$/.test(path);
      if (dialog) {
        if (url.searchParams.get("client_id") !== FAKE_META_APP.id && request.method === "GET") {
          return new Response("unknown app", { status: 400 });
        }
        return request.method === "POST" ? consent("meta", request) : consentPage("meta", url);
      }
      if (path === "/tiktok-www/v2/auth/authorize/") {
        if (
          url.searchParams.get("client_key") !== FAKE_TIKTOK_APP.key &&
          request.method === "GET"
        ) {
          return new Response("unknown app", { status: 400 });
        }
        return request.method === "POST" ? consent("tiktok", request) : consentPage("tiktok", url);
      }
      if (path.startsWith("/meta-graph/"))
        return metaGraph(request, path.slice("/meta-graph".length), url);
      if (path.startsWith("/tiktok-api/"))
        return tiktokApi(request, path.slice("/tiktok-api".length));
      return new Response("Not found", { status: 404 });
    },
  };
}

/** The settings that point the app at a fake served at `base`. */
export function fakeSocialEnv(base: string): Record<string, string> {
  const root = base.replace(/\/+$/, "");
  return {
    META_APP_ID: FAKE_META_APP.id,
    META_APP_SECRET: FAKE_META_APP.secret,
    META_GRAPH_URL: `${root}/meta-graph`,
    META_DIALOG_API_URL: `${root}/meta-www`,
    TIKTOK_CLIENT_KEY: FAKE_TIKTOK_APP.key,
    TIKTOK_CLIENT_SECRET: FAKE_TIKTOK_APP.secret,
    TIKTOK_API_URL: `${root}/tiktok-api`,
    TIKTOK_AUTH_API_URL: `${root}/tiktok-www`,
  };
}
