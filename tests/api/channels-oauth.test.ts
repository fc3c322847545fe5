// Connecting Facebook Pages, Instagram professional accounts and TikTok accounts through OAuth
// (issue 22), against network-level fakes of Meta's and TikTok's OAuth endpoints
// (dev/tools/fake-social-oauth.ts): connect answers the provider's authorization URL (signed,
// single-use state; PKCE challenge, the verifier kept on the server); the popup comes back to
// /oauth/<platform>/callback, whose page posts the result to the opener at APP_URL's origin only
// under its own strict CSP; a forged, replayed, foreign, expired or missing state is refused;
// tokens are sealed and never shown; the owner picks among several Pages; the refresh job rotates
// TikTok's tokens and marks a refused one needs_reconnect; disconnect revokes.
import { createHash, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createFakeSocialOAuth,
  type FakeSocialOAuth,
  fakeSocialEnv,
} from "../../dev/tools/fake-social-oauth.js";
import { type RunningServer, serve } from "../../dev/web-server.js";
import { CHANNEL_REFRESH_SEALED, CHANNEL_SEALED } from "../../lib/channels/sealed-columns.js";
import { openPersonalData, sealPersonalData } from "../../lib/crypto/personal-data.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { newShop, type Shop, sql as sqlOf } from "../helpers/social-channels.js";

const STATE_SECRET = "test-channel-oauth-state-secret-0123456789";

let api: TestApi;
let fake: FakeSocialOAuth;
let fakeServer: RunningServer;
/** Everything the process wrote (the functions run in it): checked for tokens at the end. */
const output: string[] = [];
// lib/log.ts writes one JSON line per event through console.info/warn/error.
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    output.push(args.map(String).join(" "));
    original(...args);
  };
}
beforeAll(async () => {
  fake = createFakeSocialOAuth();
  fakeServer = await serve((request) => fake.handle(request, new URL(request.url).pathname), {
    port: 0,
  });
  api = await startTestApi({
    env: {
      OPENAI_API_KEY: undefined,
      OPENAI_API_URL: undefined,
      CHANNEL_OAUTH_STATE_SECRET: STATE_SECRET,
      ...fakeSocialEnv(fakeServer.url),
    },
  });
});
afterAll(async () => {
  await Promise.all([api?.close(), fakeServer?.close()]);
});

const sql = <T = Record<string, unknown>>(text: string, values: (string | null)[] = []) =>
  sqlOf<T>(api, text, values);

interface Start {
  platform: string;
  authorizationUrl: string;
  expiresAt: string;
}

async function start(shop: Shop, platform: string, user = shop.owner): Promise<Start> {
  return expectJson<Start>(
    await send(api, "POST", `/api/shops/${shop.id}/integrations/${platform}/connect`, {
      token: user.accessToken,
      body: {},
    }),
    200,
  );
}

/** The owner's answer on the provider's consent page: where the provider sends the popup. */
async function consent(authorizationUrl: string, decision = "allow"): Promise<string> {
  const url = new URL(authorizationUrl);
  const form = new URLSearchParams({ decision });
  for (const name of ["redirect_uri", "state", "code_challenge", "code_challenge_method"]) {
    form.set(name, url.searchParams.get(name) ?? "");
  }
  const answer = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(answer.status).toBe(303);
  return answer.headers.get("location") as string;
}

interface Page {
  response: Response;
  html: string;
  origin: string;
  message: Record<string, unknown>;
}

async function callback(url: string): Promise<Page> {
  const response = await fetch(url, { redirect: "manual" });
  const html = await response.text();
  expect(response.status, html).toBe(200);
  const data = /<script type="application\/json" id="result">([^<]*)<\/script>/.exec(html)?.[1];
  const parsed = JSON.parse(data ?? "null") as { origin: string; message: Record<string, unknown> };
  return { response, html, ...parsed };
}

const callbackUrl = (platform: string, query: Record<string, string>) =>
  `${api.url}/oauth/${platform}/callback?${new URLSearchParams(query)}`;

async function credentials(shopId: string, platform: string) {
  const [row] = await sql<{
    id: string;
    status: string;
    account_id: string | null;
    account_name: string | null;
    linked_page_id: string | null;
    token_sealed: string | null;
    refresh_token_sealed: string | null;
    token_expires_at: Date | null;
    refresh_expires_at: Date | null;
  }>(
    `select k.id, k.status, k.account_id, k.account_name, k.linked_page_id, s.token_sealed,
            s.refresh_token_sealed, s.token_expires_at, s.refresh_expires_at
       from public.shop_channel_connections k
       left join public.shop_channel_credentials s on s.id = k.id
      where k.shop_id = $1 and k.platform = $2`,
    [shopId, platform],
  );
  return row;
}

describe("TikTok: Login Kit v2 with PKCE", () => {
  it("connects through the popup: the page posts the account to APP_URL, tokens sealed", async () => {
    const shop = await newShop(api);
    fake.state.tiktokUser = {
      openId: `-open${randomUUID().slice(0, 8)}`,
      displayName: "Mug TikTok",
    };
    const started = await start(shop, "tiktok");
    const url = new URL(started.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${fakeServer.url}/tiktok-www/v2/auth/authorize/`);
    expect(url.searchParams.get("redirect_uri")).toBe(`${api.url}/oauth/tiktok/callback`);
    expect(url.searchParams.get("scope")).toBe("user.info.basic");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[0-9a-f]{64}$/);
    expect([...url.searchParams.keys()].sort()).toEqual(
      [
        "client_key",
        "code_challenge",
        "code_challenge_method",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
      ].sort(),
    );

    const verifiersBefore = fake.state.verifiers.length;
    const back = await consent(started.authorizationUrl);
    expect(back.startsWith(`${api.url}/oauth/tiktok/callback?`)).toBe(true);
    const page = await callback(back);
    expect(page.origin).toBe(new URL(api.url).origin);
    expect(page.message).toEqual({
      platform: "tiktok",
      status: "connected",
      account: { id: fake.state.tiktokUser.openId, name: "Mug TikTok", username: null },
    });
    // The verifier went to TikTok's token endpoint (the fake checked it against the hex challenge).
    const verifier = fake.state.verifiers[verifiersBefore] as string;
    expect(createHash("sha256").update(verifier).digest("hex")).toBe(
      url.searchParams.get("code_challenge"),
    );
    expect(started.authorizationUrl).not.toContain(verifier);

    const row = await credentials(shop.id, "tiktok");
    expect(row?.status).toBe("connected");
    expect(row?.account_id).toBe(fake.state.tiktokUser.openId);
    const access = openPersonalData(row?.token_sealed as string, CHANNEL_SEALED.token);
    const refresh = openPersonalData(row?.refresh_token_sealed as string, CHANNEL_REFRESH_SEALED);
    expect(fake.state.tiktokAccess.has(access)).toBe(true);
    expect(fake.state.tiktokRefresh.has(refresh)).toBe(true);
    expect(row?.token_sealed).not.toContain(access);
    expect(new Date(row?.token_expires_at as Date).getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600e3,
    );
    expect(page.html).not.toContain(access);
    expect(page.html).not.toContain(refresh);
    expect(page.html).not.toContain(new URL(back).searchParams.get("code") as string);

    const shopView = await expectJson<{ channels: Record<string, unknown>[] }>(
      await send(api, "GET", `/api/shops/${shop.id}`, { token: shop.agent.accessToken }),
      200,
    );
    expect(shopView.channels).toContainEqual(
      expect.objectContaining({ platform: "tiktok", status: "connected" }),
    );
    const listed = JSON.stringify(shopView);
    expect(listed).not.toContain(access);

    // The refresh job rotates the tokens before they expire.
    await sql(
      "update public.shop_channel_credentials set token_expires_at = now() + interval '30 minutes' where id = $1",
      [row?.id as string],
    );
    const run = await expectJson<{ refreshed: number }>(
      await send(api, "GET", "/api/cron/refresh-channel-tokens", { token: TEST_CRON_SECRET }),
      200,
    );
    expect(run.refreshed).toBeGreaterThanOrEqual(1);
    const after = await credentials(shop.id, "tiktok");
    const newRefresh = openPersonalData(
      after?.refresh_token_sealed as string,
      CHANNEL_REFRESH_SEALED,
    );
    expect(newRefresh).not.toBe(refresh);
    expect(fake.state.tiktokRefresh.has(refresh)).toBe(false);
    expect(new Date(after?.token_expires_at as Date).getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600e3,
    );

    // Disconnect revokes the token at TikTok and deletes it here.
    const currentAccess = openPersonalData(after?.token_sealed as string, CHANNEL_SEALED.token);
    const gone = await expectJson<{ status: string }>(
      await send(api, "POST", `/api/shops/${shop.id}/integrations/tiktok/disconnect`, {
        token: shop.owner.accessToken,
      }),
      200,
    );
    expect(gone.status).toBe("disconnected");
    expect(fake.state.tiktokRevoked).toContain(currentAccess);
    expect((await credentials(shop.id, "tiktok"))?.token_sealed).toBeNull();
  });

  it("a refresh TikTok refuses marks the connection needs_reconnect", async () => {
    const shop = await newShop(api);
    fake.state.tiktokUser = { openId: `-open${randomUUID().slice(0, 8)}`, displayName: "Gone" };
    const started = await start(shop, "tiktok");
    await callback(await consent(started.authorizationUrl));
    const row = await credentials(shop.id, "tiktok");
    const refresh = openPersonalData(row?.refresh_token_sealed as string, CHANNEL_REFRESH_SEALED);
    fake.state.tiktokRefresh.delete(refresh); // the user removed the app's access
    await sql(
      "update public.shop_channel_credentials set token_expires_at = now() - interval '1 minute' where id = $1",
      [row?.id as string],
    );
    await expectJson(
      await send(api, "GET", "/api/cron/refresh-channel-tokens", { token: TEST_CRON_SECRET }),
      200,
    );
    expect((await credentials(shop.id, "tiktok"))?.status).toBe("needs_reconnect");
    const shopView = await expectJson<{ channels: Record<string, unknown>[] }>(
      await send(api, "GET", `/api/shops/${shop.id}`, { token: shop.owner.accessToken }),
      200,
    );
    expect(shopView.channels).toContainEqual(
      expect.objectContaining({ platform: "tiktok", status: "needs_reconnect" }),
    );
  });
});

describe("the state", () => {
  it("is used once: a replayed callback is refused and changes nothing", async () => {
    const shop = await newShop(api);
    fake.state.tiktokUser = { openId: `-open${randomUUID().slice(0, 8)}`, displayName: "Once" };
    const back = await consent((await start(shop, "tiktok")).authorizationUrl);
    expect((await callback(back)).message.status).toBe("connected");
    const replay = await callback(back);
    expect(replay.message).toEqual({ platform: "tiktok", status: "error", error: "state_used" });
  });

  it("missing, forged, for another platform or expired: refused", async () => {
    const shop = await newShop(api);
    const missing = await callback(callbackUrl("tiktok", { code: "x" }));
    expect(missing.message).toMatchObject({ status: "error", error: "state_missing" });

    const forged = await new SignJWT({ shop: shop.id, plt: "tiktok" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("bastion")
      .setAudience("bastion:channel-oauth")
      .setSubject(shop.owner.id)
      .setJti(randomUUID())
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("another-secret-another-secret-0123456789"));
    const forgedPage = await callback(callbackUrl("tiktok", { code: "x", state: forged }));
    expect(forgedPage.message).toMatchObject({ status: "error", error: "state_invalid" });

    // Signed with the right key but never issued (no server-side row): refused too.
    const unissued = await new SignJWT({ shop: shop.id, plt: "tiktok" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("bastion")
      .setAudience("bastion:channel-oauth")
      .setSubject(shop.owner.id)
      .setJti(randomUUID())
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(STATE_SECRET));
    const unissuedPage = await callback(callbackUrl("tiktok", { code: "x", state: unissued }));
    expect(unissuedPage.message).toMatchObject({ status: "error", error: "state_used" });

    // A Facebook state brought to TikTok's callback.
    const facebook = new URL((await start(shop, "facebook")).authorizationUrl);
    const crossed = await callback(
      callbackUrl("tiktok", { code: "x", state: facebook.searchParams.get("state") as string }),
    );
    expect(crossed.message).toMatchObject({ status: "error", error: "state_invalid" });

    const jti = randomUUID();
    await sql(
      `insert into public.channel_oauth_states (id, shop_id, user_id, platform, verifier_sealed, expires_at)
       values ($1, $2, $3, 'tiktok', $4, now() - interval '1 minute')`,
      [
        jti,
        shop.id,
        shop.owner.id,
        sealPersonalData("v".repeat(64), "channel_oauth_states.verifier"),
      ],
    );
    const expired = await new SignJWT({ shop: shop.id, plt: "tiktok" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("bastion")
      .setAudience("bastion:channel-oauth")
      .setSubject(shop.owner.id)
      .setJti(jti)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 700)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 100)
      .sign(new TextEncoder().encode(STATE_SECRET));
    const expiredPage = await callback(callbackUrl("tiktok", { code: "x", state: expired }));
    expect(expiredPage.message).toMatchObject({ status: "error", error: "state_expired" });
  });

  it("is bound to its owner and shop: others cannot start, and a former owner cannot finish", async () => {
    const shop = await newShop(api);
    const other = await newShop(api);
    await expectProblem(
      await send(api, "POST", `/api/shops/${shop.id}/integrations/tiktok/connect`, {
        token: shop.agent.accessToken,
        body: {},
      }),
      403,
      "forbidden",
    );
    const foreign = await send(api, "POST", `/api/shops/${shop.id}/integrations/facebook/connect`, {
      token: other.owner.accessToken,
      body: {},
    });
    expect([403, 404]).toContain(foreign.status);
    await foreign.body?.cancel();

    const started = await start(shop, "tiktok");
    await sql("update public.shop_members set role = 'agent' where shop_id = $1 and user_id = $2", [
      shop.id,
      shop.owner.id,
    ]);
    const page = await callback(await consent(started.authorizationUrl));
    expect(page.message).toMatchObject({ status: "error", error: "forbidden" });
    expect(await credentials(shop.id, "tiktok")).toBeUndefined();
  });

  it("a cancelled consent posts access_denied", async () => {
    const shop = await newShop(api);
    const page = await callback(
      await consent((await start(shop, "tiktok")).authorizationUrl, "deny"),
    );
    expect(page.message).toEqual({ platform: "tiktok", status: "error", error: "access_denied" });
  });
});

describe("the callback page", () => {
  it("has its own strict CSP allowing only its script, by hash, and posts to APP_URL only", async () => {
    const page = await callback(callbackUrl("facebook", {}));
    const csp = page.response.headers.get("content-security-policy") ?? "";
    expect(page.response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.response.headers.get("cache-control")).toBe("no-store");
    expect(page.response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.response.headers.getSetCookie()).toEqual([]);
    expect(csp.split(", ")).toHaveLength(1);
    expect(csp).toContain("default-src 'none'");
    const script = /<script>([^<]*)<\/script>/.exec(page.html)?.[1] as string;
    const hash = createHash("sha256").update(script).digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toContain("unsafe-inline");
    expect(script).toContain("postMessage(d.message,d.origin)");
    expect(page.origin).toBe(new URL(api.url).origin);
    expect(page.html).not.toMatch(/postMessage\([^)]*["']\*["']/);
  });
});

describe("Meta: Facebook Login, Pages and Instagram", () => {
  it("Facebook with one Page: connected with the Page token, the app subscribed", async () => {
    const shop = await newShop(api);
    const pageId = `10${Date.now()}`;
    fake.state.pages = [{ id: pageId, name: "Blue Mug Page" }];
    const started = await start(shop, "facebook");
    const url = new URL(started.authorizationUrl);
    expect(url.pathname).toBe("/meta-www/v24.0/dialog/oauth");
    expect(url.searchParams.get("scope")).toBe(
      "pages_show_list,pages_messaging,pages_manage_metadata",
    );
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("redirect_uri")).toBe(`${api.url}/oauth/facebook/callback`);
    const page = await callback(await consent(started.authorizationUrl));
    expect(page.message).toEqual({
      platform: "facebook",
      status: "connected",
      account: { id: pageId, name: "Blue Mug Page", username: null },
    });
    const row = await credentials(shop.id, "facebook");
    expect(row?.account_id).toBe(pageId);
    const token = openPersonalData(row?.token_sealed as string, CHANNEL_SEALED.token);
    expect(token).toBe(fake.state.pageTokens.get(pageId));
    expect(page.html).not.toContain(token);
    expect(fake.state.subscribed.get(pageId)).toContain("messages");

    await expectJson(
      await send(api, "POST", `/api/shops/${shop.id}/integrations/facebook/disconnect`, {
        token: shop.owner.accessToken,
      }),
      200,
    );
    expect(fake.state.unsubscribed).toContain(pageId);
    expect(fake.state.subscribed.has(pageId)).toBe(false);
  });

  it("Instagram with several accounts: the owner chooses; the choice is used once", async () => {
    const shop = await newShop(api);
    const stamp = Date.now();
    fake.state.pages = [
      { id: `20${stamp}`, name: "No Instagram here" },
      {
        id: `21${stamp}`,
        name: "Mug Page",
        instagram: { id: `178${stamp}1`, username: "mug", name: "Mug" },
      },
      {
        id: `22${stamp}`,
        name: "Cup Page",
        instagram: { id: `178${stamp}2`, username: "cup", name: "Cup" },
      },
    ];
    const page = await callback(await consent((await start(shop, "instagram")).authorizationUrl));
    expect(page.message).toMatchObject({
      platform: "instagram",
      status: "select",
      accounts: [
        { id: `178${stamp}1`, name: "Mug", username: "mug" },
        { id: `178${stamp}2`, name: "Cup", username: "cup" },
      ],
    });
    for (const token of fake.state.pageTokens.values()) expect(page.html).not.toContain(token);
    expect(await credentials(shop.id, "instagram")).toBeUndefined();

    const choose = (accountId: string, user = shop.owner) =>
      send(api, "POST", `/api/shops/${shop.id}/integrations/instagram/select`, {
        token: user.accessToken,
        body: { accountId },
      });
    await expectProblem(await choose(`178${stamp}2`, shop.agent), 403, "forbidden");
    await expectProblem(await choose("999999"), 404, "not_found");
    // A wrong id used the choice up too: start again.
    const again = await callback(await consent((await start(shop, "instagram")).authorizationUrl));
    expect(again.message.status).toBe("select");
    const chosen = await expectJson<Record<string, unknown>>(await choose(`178${stamp}2`), 200);
    expect(chosen).toMatchObject({
      platform: "instagram",
      status: "connected",
      account: { id: `178${stamp}2`, name: "Cup", username: "cup" },
    });
    expect(JSON.stringify(chosen)).not.toContain("EAA");
    const row = await credentials(shop.id, "instagram");
    expect(row?.linked_page_id).toBe(`22${stamp}`);
    expect(openPersonalData(row?.token_sealed as string, CHANNEL_SEALED.token)).toBe(
      fake.state.pageTokens.get(`22${stamp}`),
    );
    expect(fake.state.subscribed.get(`22${stamp}`)).toContain("messages");
    await expectProblem(await choose(`178${stamp}2`), 404, "not_found");
  });

  it("a Page token Meta no longer accepts: the refresh job marks needs_reconnect", async () => {
    const shop = await newShop(api);
    const pageId = `30${Date.now()}`;
    fake.state.pages = [{ id: pageId, name: "Revoked Page" }];
    await callback(await consent((await start(shop, "facebook")).authorizationUrl));
    const row = await credentials(shop.id, "facebook");
    fake.state.revokedPageTokens.add(fake.state.pageTokens.get(pageId) as string);
    await sql(
      "update public.shop_channel_credentials set checked_at = now() - interval '2 days' where id = $1",
      [row?.id as string],
    );
    await expectJson(
      await send(api, "GET", "/api/cron/refresh-channel-tokens", { token: TEST_CRON_SECRET }),
      200,
    );
    expect((await credentials(shop.id, "facebook"))?.status).toBe("needs_reconnect");
  });
});

describe("logs", () => {
  it("never carry a token, a code verifier or a state's verifier", () => {
    const secrets = [
      ...fake.state.tiktokAccess,
      ...fake.state.tiktokRefresh,
      ...fake.state.tiktokRevoked,
      ...fake.state.pageTokens.values(),
      ...fake.state.verifiers,
    ];
    expect(secrets.length).toBeGreaterThan(5);
    expect(output.join("").length).toBeGreaterThan(0);
    const logged = output.join("");
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });
});
