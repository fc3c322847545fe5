// Forgotten passwords and OAuth sign-in through HTTP against the local stack: the reset link goes
// out through Bastion's outbox (here the local outbox) with its password_reset template,
// redeeming it sets the password, ends the other sessions and signs in; OAuth runs the PKCE flow with the stack's `local` provider, following
// every redirect by hand, and never lands anywhere but on a path of our own site.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RESET_REQUEST_MIN_MS } from "../../lib/accounts/forgot-password.js";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { SESSION_LIFETIME_SECONDS } from "../../lib/accounts/session.js";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { expectProblem, post as postTo, sendFrom } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const OLD_PASSWORD = "the old long passphrase";
const NEW_PASSWORD = "a brand new passphrase";
const OAUTH_COOKIE = "__Secure-bastion-oauth";
const run = crypto.randomUUID().slice(0, 8);
let emails = 0;
const newEmail = (name: string) => `${name}-${run}-${++emails}@example.test`;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  postTo(api, path, body, { headers });

/** POST /api/auth/forgot-password from another client address (127.0.0.0/8 is all loopback). */
const postFrom = (localAddress: string, body: unknown) =>
  sendFrom(api, "POST", "/api/auth/forgot-password", { body, localAddress });

const get = (url: string, cookie?: string) =>
  fetch(url, { redirect: "manual", ...(cookie && { headers: { cookie } }) });

async function createUser(email: string) {
  const admin = api.supabase.client(api.supabase.serviceRoleKey).auth.admin;
  const { data, error } = await admin.createUser({
    email,
    password: OLD_PASSWORD,
    email_confirm: true,
  });
  if (error || !data.user) throw error ?? new Error("no user");
  return data.user.id;
}

/** Signs in directly at the stack: a session that existed before the reset. */
async function signInAtStack(email: string, password = OLD_PASSWORD) {
  return api.supabase.client().auth.signInWithPassword({ email, password });
}

/** The password_reset emails the local outbox holds for the address, oldest first. */
const mailsTo = (recipient: string) => outboxMailsTo(api, "password_reset", recipient);

/** The link in the reset email: `<the app's reset page>#token=<token hash>`. */
async function recoveryLink(email: string) {
  const mails = await mailsTo(email);
  const link = new URL(
    /https?:\/\/\S+#token=\S+/.exec(mails.at(-1) ?? "")?.[0] ?? "http://no.link/",
  );
  const token = new URLSearchParams(link.hash.slice(1)).get("token");
  if (!token) throw new Error(`no reset link mailed to ${email}`);
  link.hash = "";
  return { token, redirectTo: link.href };
}

async function requestReset(email: string) {
  const response = await post("/api/auth/forgot-password", { email });
  expect(response.status).toBe(202);
  return recoveryLink(email);
}

async function sessionCount(userId: string): Promise<number> {
  const { rows } = await api.supabase.db.query<{ n: number }>(
    "select count(*)::int as n from auth.sessions where user_id = $1",
    [userId],
  );
  return rows[0]?.n ?? 0;
}

function setCookie(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
}

const REFRESH_COOKIE_FORMAT =
  /^__Secure-bastion-refresh=([\w-]+); Path=\/api\/auth; Max-Age=(\d+); HttpOnly; Secure; SameSite=Strict$/;

/** The refresh token a response sets, after checking every attribute of the cookie. */
function refreshTokenSet(response: Response): string {
  const cookie = setCookie(response, REFRESH_COOKIE) ?? "";
  const match = REFRESH_COOKIE_FORMAT.exec(cookie);
  expect(match, cookie).not.toBeNull();
  const maxAge = Number(match?.[2]);
  expect(maxAge).toBeGreaterThan(SESSION_LIFETIME_SECONDS - 120);
  expect(maxAge).toBeLessThanOrEqual(SESSION_LIFETIME_SECONDS);
  return match?.[1] ?? "";
}

describe("POST /api/auth/forgot-password", () => {
  it("answers a known and an unknown address alike, no sooner than the floor; mails only the known", async () => {
    const known = newEmail("known");
    const unknown = newEmail("unknown");
    await createUser(known);
    const timed = async (email: string) => {
      const started = performance.now();
      const response = await post("/api/auth/forgot-password", { email });
      return { response, ms: performance.now() - started, body: await response.text() };
    };
    const [forKnown, forUnknown] = await Promise.all([timed(known), timed(unknown)]);
    expect(forKnown.response.status).toBe(202);
    expect(forUnknown.response.status).toBe(202);
    expect(forKnown.body).toBe(forUnknown.body);
    expect(JSON.parse(forKnown.body)).toEqual({
      message: "If an account uses this address, a link to reset its password is on its way.",
    });
    expect(forKnown.ms).toBeGreaterThanOrEqual(RESET_REQUEST_MIN_MS - 5);
    expect(forUnknown.ms).toBeGreaterThanOrEqual(RESET_REQUEST_MIN_MS - 5);

    expect(await mailsTo(unknown)).toEqual([]);
    expect(await mailsTo(known)).toHaveLength(1);
    expect((await recoveryLink(known)).redirectTo).toBe(`${api.url}/reset-password`);
    // Sent, and the sealed link gone from the outbox row: no reset secret is kept once sent.
    const { rows } = await api.supabase.db.query<{ status: string; data: object }>(
      `select n.status, n.data from public.notifications as n
       join auth.users as u on u.id = n.user_id
       where n.template = 'password_reset' and u.email = $1`,
      [known],
    );
    expect(rows).toEqual([{ status: "sent", data: { expires_at: expect.any(String) } }]);
  });

  it("links to the allowlisted SPA's reset page, never to a foreign origin", async () => {
    const email = newEmail("origin");
    await createUser(email);
    await post("/api/auth/forgot-password", { email }, { origin: SPA_ORIGIN });
    expect((await recoveryLink(email)).redirectTo).toBe(`${SPA_ORIGIN}/reset-password`);
    await post("/api/auth/forgot-password", { email }, { origin: "https://evil.example" });
    expect((await recoveryLink(email)).redirectTo).toBe(`${api.url}/reset-password`);
  });

  it("limits requests per address, for unknown addresses alike: the sixth in 15 minutes is 429", async () => {
    // The limiter is a sliding window weighted by the previous fixed 15-minute window (Upstash's
    // algorithm), so a burst that crosses a window boundary may pass one more request: that is
    // the algorithm, not a leak. Such a burst is played again (in the new window, which has 15
    // minutes ahead of it) from a fresh address and email, so the assertions always judge a burst
    // inside one window.
    const windowOf = (time: number) => Math.floor(time / (15 * 60_000));
    const burst = async (address: string) => {
      const email = newEmail("flood");
      const startedIn = windowOf(Date.now());
      const statuses = await Promise.all(
        Array.from({ length: 6 }, async () => (await postFrom(address, { email })).status),
      );
      // Another spelling of the same address shares the bucket.
      const shouted = await postFrom(address, { email: email.toUpperCase() });
      return { statuses, shouted, crossed: windowOf(Date.now()) !== startedIn };
    };
    // From addresses of their own, so the per-IP budget of the other tests is left alone.
    let result = await burst("127.0.0.2");
    if (result.crossed) result = await burst("127.0.0.3");
    expect(result.crossed).toBe(false);
    expect(result.statuses.sort()).toEqual([202, 202, 202, 202, 202, 429]);
    await expectProblem(result.shouted, 429, "rate_limited");
    expect(Number(result.shouted.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("POST /api/auth/reset-password", () => {
  it("sets the password, ends every other session, signs in; the link works once", async () => {
    const email = newEmail("reset");
    const userId = await createUser(email);
    const before = await signInAtStack(email);
    const oldRefreshToken = before.data.session?.refresh_token ?? "";
    const oldAccessToken = before.data.session?.access_token ?? "";
    const { token } = await requestReset(email);

    const response = await post("/api/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(response.status).toBe(200);
    const refreshToken = refreshTokenSet(response);
    const text = await response.text();
    expect(text).not.toContain(refreshToken);
    const session = JSON.parse(text);
    expect(session).toEqual({
      user: { id: userId, email, createdAt: expect.any(String) },
      accessToken: expect.any(String),
      expiresAt: expect.any(Number),
    });
    expect(Object.keys(session).sort()).toEqual(["accessToken", "expiresAt", "user"]);

    // The old password is gone, the new one signs in.
    const withOld = await signInAtStack(email);
    expect(withOld.error?.code).toBe("invalid_credentials");
    expect((await signInAtStack(email, NEW_PASSWORD)).error).toBeNull();
    // The session from before the reset is over: its refresh token and its access token.
    const oldRefresh = await api.supabase
      .client()
      .auth.refreshSession({ refresh_token: oldRefreshToken });
    expect(oldRefresh.error?.code).toBe("refresh_token_not_found");
    expect((await api.supabase.client().auth.getUser(oldAccessToken)).error).not.toBeNull();
    const viaApi = await post("/api/auth/refresh", undefined, {
      origin: SPA_ORIGIN,
      "x-requested-with": "bastion",
      cookie: `${REFRESH_COOKIE}=${oldRefreshToken}`,
    });
    expect(viaApi.status).toBe(401);
    // The new session is a real one.
    const refreshed = await api.supabase
      .client()
      .auth.refreshSession({ refresh_token: refreshToken });
    expect(refreshed.data.user?.id).toBe(userId);

    // The link was used: the same token again is refused, exactly like a token never issued.
    const reused = await post("/api/auth/reset-password", {
      token,
      password: "yet another passphrase",
    });
    const reusedProblem = await expectProblem(reused, 400, "bad_request");
    expect(setCookie(reused, REFRESH_COOKIE)).toBeUndefined();
    const unknown = await post("/api/auth/reset-password", {
      token: "0".repeat(56),
      password: "yet another passphrase",
    });
    const unknownProblem = await expectProblem(unknown, 400, "bad_request");
    const { requestId: _a, ...reusedRest } = reusedProblem;
    const { requestId: _b, ...unknownRest } = unknownProblem;
    expect(reusedRest).toEqual(unknownRest);
    expect(reusedRest).toEqual({
      type: "/docs/errors#bad_request",
      title: "The request is not valid",
      status: 400,
      code: "bad_request",
      detail: "This reset link is not valid any more. Ask for a new one.",
    });
    expect((await signInAtStack(email, NEW_PASSWORD)).error).toBeNull();
  });

  it("refuses a weak password before redeeming the link: nothing changes, the link still works", async () => {
    const email = newEmail("weak");
    const userId = await createUser(email);
    await signInAtStack(email);
    const { token } = await requestReset(email);
    const sessions = await sessionCount(userId);

    for (const password of ["password123", "€".repeat(25)]) {
      const response = await post("/api/auth/reset-password", { token, password });
      const problem = await expectProblem(response, 400, "validation_failed");
      expect(problem.errors).toMatchObject({ password: [expect.any(String)] });
      expect(setCookie(response, REFRESH_COOKIE)).toBeUndefined();
    }
    expect(await sessionCount(userId)).toBe(sessions);
    expect((await signInAtStack(email)).error).toBeNull();

    const response = await post("/api/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(response.status).toBe(200);
  });

  it("refuses the email address as password; the password stays, no session is left behind", async () => {
    const email = newEmail("same-as-email");
    const userId = await createUser(email);
    const { token } = await requestReset(email);
    const sessions = await sessionCount(userId);
    const response = await post("/api/auth/reset-password", { token, password: email });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors).toEqual({
      password: ["Do not use your email address as the password."],
    });
    expect(setCookie(response, REFRESH_COOKIE)).toBeUndefined();
    expect(await sessionCount(userId)).toBe(sessions);
    expect((await signInAtStack(email)).error).toBeNull();
    expect((await signInAtStack(email, email)).error?.code).toBe("invalid_credentials");
  });
});

/** GET /api/auth/oauth/local: the redirect to the stack's /authorize and the verifier cookie. */
async function startOAuth(query = "?redirectTo=%2Faccount%2Forders") {
  const response = await get(`${api.url}/api/auth/oauth/local${query}`);
  expect(response.status).toBe(302);
  const cookie = setCookie(response, OAUTH_COOKIE) ?? "";
  const match =
    /^__Secure-bastion-oauth=([\w-]+); Path=\/api\/auth\/callback; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/.exec(
      cookie,
    );
  expect(match, cookie).not.toBeNull();
  const value = match?.[1] ?? "";
  return {
    authorize: new URL(response.headers.get("location") ?? ""),
    cookieValue: value,
    pending: JSON.parse(Buffer.from(value, "base64url").toString()) as {
      verifier: string;
      landing: string;
    },
  };
}

/** The provider step: the stack signs `email` in and sends the browser to our callback. */
async function codeFromStack(authorize: URL, email: string): Promise<URL> {
  const chosen = new URL(authorize);
  chosen.searchParams.set("login_hint", email);
  const response = await get(chosen.href);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

const oauthCookie = (value: string) => `${OAUTH_COOKIE}=${value}`;
const encodePending = (pending: { verifier: string; landing: string }) =>
  Buffer.from(JSON.stringify(pending)).toString("base64url");
const CLEARED_OAUTH_COOKIE =
  "__Secure-bastion-oauth=; Path=/api/auth/callback; Max-Age=0; HttpOnly; Secure; SameSite=Lax";

function expectFailureRedirect(response: Response, code: string) {
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe(`/?authError=${code}`);
  expect(setCookie(response, REFRESH_COOKIE)).toBeUndefined();
  expect(setCookie(response, OAUTH_COOKIE)).toBe(CLEARED_OAUTH_COOKIE);
}

describe("OAuth sign-in (PKCE)", () => {
  it("goes start → stack /authorize → callback → the page asked for, signed in", async () => {
    const email = newEmail("oauth");
    const { authorize, cookieValue, pending } = await startOAuth();
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${api.supabase.url}/auth/v1/authorize`,
    );
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      provider: "local",
      redirect_to: `${api.url}/api/auth/callback`,
      code_challenge: createHash("sha256").update(pending.verifier).digest("base64url"),
      code_challenge_method: "s256",
    });
    expect(pending.landing).toBe("/account/orders");

    const callback = await codeFromStack(authorize, email);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${api.url}/api/auth/callback`);
    const response = await get(callback.href, oauthCookie(cookieValue));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/account/orders");
    expect(setCookie(response, OAUTH_COOKIE)).toBe(CLEARED_OAUTH_COOKIE);
    const refreshToken = refreshTokenSet(response);
    expect(await response.text()).toBe("");

    const viaApi = await post("/api/auth/refresh", undefined, {
      origin: SPA_ORIGIN,
      "x-requested-with": "bastion",
      cookie: `${REFRESH_COOKIE}=${refreshToken}`,
    });
    expect(viaApi.status).toBe(200);
    expect(await viaApi.json()).toMatchObject({ user: { email } });

    // The code is spent: the same callback again fails, and sets no session.
    expectFailureRedirect(await get(callback.href, oauthCookie(cookieValue)), "failed");
  });

  it("fails with a tampered verifier, and with no verifier cookie at all", async () => {
    const { authorize, pending } = await startOAuth();
    const callback = await codeFromStack(authorize, newEmail("tampered"));
    const tampered = encodePending({
      ...pending,
      verifier: `${pending.verifier.slice(0, -4)}AAAA`,
    });
    expectFailureRedirect(await get(callback.href, oauthCookie(tampered)), "failed");
    expectFailureRedirect(await get(callback.href), "expired");
    expectFailureRedirect(await get(callback.href, oauthCookie("not-base64-json")), "expired");
  });

  it("lands on / when the landing page in the cookie was forged off-site", async () => {
    const { authorize, pending } = await startOAuth();
    const callback = await codeFromStack(authorize, newEmail("forged"));
    const forged = encodePending({ ...pending, landing: "//evil.example/" });
    const response = await get(callback.href, oauthCookie(forged));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    refreshTokenSet(response);
  });

  it("passes on the provider's refusal as a code for the app", async () => {
    const callback = `${api.url}/api/auth/callback`;
    const denied = await get(
      `${callback}?error=access_denied&error_description=The+user+denied+the+request`,
    );
    expectFailureRedirect(denied, "cancelled");
    const banned = await get(
      `${callback}?error=access_denied&error_code=user_banned&error_description=User+is+banned`,
    );
    expectFailureRedirect(banned, "failed");
    expectFailureRedirect(await get(callback), "failed");
  });

  it("keeps a landing page on this site, normalized; defaults to /", async () => {
    const landing = async (query: string) => (await startOAuth(query)).pending.landing;
    expect(await landing("")).toBe("/");
    expect(await landing("?redirectTo=%2F")).toBe("/");
    expect(await landing("?redirectTo=%2Faccount%2F..%2Fsettings%3Ftab%3Da%23top")).toBe(
      "/settings?tab=a#top",
    );
    expect(await landing("?redirectTo=%2Fsearch%3Fq%3Dcaf%25C3%25A9")).toBe("/search?q=caf%C3%A9");
  });

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "/ /evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    "evil.example",
    "/api/auth/oauth/local",
    "",
  ])("refuses redirectTo %j with 400, redirecting nowhere", async (redirectTo) => {
    const response = await get(
      `${api.url}/api/auth/oauth/local?redirectTo=${encodeURIComponent(redirectTo)}`,
    );
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(Object.keys(problem.errors as object)).toEqual(["query.redirectTo"]);
    expect(response.headers.get("location")).toBeNull();
    expect(setCookie(response, OAUTH_COOKIE)).toBeUndefined();
  });

  it.each([
    ["without BASTION_LOCAL_STACK", { BASTION_LOCAL_STACK: "" }],
    ["with it on a production host", { BASTION_LOCAL_STACK: "1", VERCEL_ENV: "production" }],
  ])("offers the local provider only on the local stack: not %s", async (_, settings) => {
    // Configuration is read once per cold start, so this loads the module afresh, as such an
    // instance would, instead of restarting the API.
    vi.resetModules();
    for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
    try {
      const { startOAuth: start } = await import("../../lib/accounts/oauth.js");
      expect(() => start("local", "/")).toThrow(
        expect.objectContaining({ code: "not_found", status: 404 }),
      );
      expect(start("google", "/").status).toBe(302);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it("refuses a provider it does not offer with 400", async () => {
    const response = await get(`${api.url}/api/auth/oauth/facebook`);
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(Object.keys(problem.errors as object)).toEqual(["params.provider"]);
    expect(response.headers.get("location")).toBeNull();
  });
});
