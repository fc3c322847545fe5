// Browser extensions as clients (ALLOWED_EXTENSION_IDS) through HTTP and the local stack: an
// allowlisted extension's Origin gets the refresh token in the body and no cookie, refreshes by
// sending it back (rotation, and a replayed old token ends the whole session), signs out with it,
// and signs in with OAuth through launchWebAuthFlow's redirect to https://<id>.chromiumapp.org/
// (the stack's `local` provider), redeeming the handoff with its PKCE verifier. Any other origin
// cannot use a token in the body.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post as postTo, send } from "../helpers/requests.js";

const CHROME_ID = "abcdefghijklmnopabcdefghijklmnop";
const FIREFOX_ID = "chatfocus@example.test";
const CHROME = `chrome-extension://${CHROME_ID}`;
const FIREFOX = `moz-extension://${crypto.randomUUID()}`;
const FOREIGN = `chrome-extension://${"p".repeat(32)}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    auth: { refreshTokenReuseIntervalSeconds: 0 },
    env: { ALLOWED_EXTENSION_IDS: `${CHROME_ID}, ${FIREFOX_ID}` },
  });
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and unusual passphrase";

interface ExtensionSession {
  accessToken: string;
  refreshToken: string;
}

const post = (path: string, body: unknown, origin: string) =>
  postTo(api, path, body, { headers: { origin } });

async function signedUp(origin = CHROME): Promise<ExtensionSession & { email: string }> {
  const email = `ext-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const admin = api.supabase.client(api.supabase.serviceRoleKey).auth.admin;
  const created = await admin.createUser({ email, password: PASSWORD, email_confirm: true });
  if (created.error) throw created.error;
  const response = await post("/api/auth/login", { email, password: PASSWORD }, origin);
  expect(response.headers.getSetCookie()).toEqual([]);
  const session = await expectJson<ExtensionSession>(response, 200);
  expect(session.refreshToken).toEqual(expect.any(String));
  return { ...session, email };
}

const refresh = (refreshToken: string, origin = CHROME) =>
  post("/api/auth/refresh", { refreshToken }, origin);

describe("an extension's session", () => {
  it("keeps the refresh token itself: rotation on refresh, and a replay ends the session", async () => {
    const first = await signedUp();
    const refreshed = await refresh(first.refreshToken);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
    expect(refreshed.headers.get("access-control-allow-origin")).toBe(CHROME);
    const second = await expectJson<ExtensionSession>(refreshed, 200);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await expectJson<ExtensionSession>(await refresh(second.refreshToken), 200);

    await expectProblem(await refresh(first.refreshToken), 401, "session_expired");
    await expectProblem(await refresh(third.refreshToken), 401, "session_expired");
  });

  it("works the same from Firefox, whose origin is a per-installation uuid", async () => {
    const session = await signedUp(FIREFOX);
    const next = await expectJson<ExtensionSession>(
      await refresh(session.refreshToken, FIREFOX),
      200,
    );
    expect(next.refreshToken).not.toBe(session.refreshToken);
  });

  it("signs out with the token: it refreshes nothing afterwards", async () => {
    const session = await signedUp();
    const out = await post("/api/auth/logout", { refreshToken: session.refreshToken }, CHROME);
    expect(out.status).toBe(204);
    await expectProblem(await refresh(session.refreshToken), 401, "session_expired");
  });

  it("takes a token in the body only from an allowlisted extension", async () => {
    const session = await signedUp();
    for (const origin of [FOREIGN, SPA_ORIGIN, "null"]) {
      await expectProblem(
        await send(api, "POST", "/api/auth/refresh", {
          body: { refreshToken: session.refreshToken },
          headers: { origin, "x-requested-with": "bastion" },
        }),
        403,
        "origin_not_allowed",
      );
    }
    // A foreign extension's sign-in is a web one: cookie, no token in the body.
    const email = session.email;
    const foreign = await post("/api/auth/login", { email, password: PASSWORD }, FOREIGN);
    const body = await expectJson<Record<string, unknown>>(foreign, 200);
    expect(body).not.toHaveProperty("refreshToken");
    expect(foreign.headers.getSetCookie()[0]).toMatch(new RegExp(`^${REFRESH_COOKIE}=`));
    // The token still works for its own extension.
    await expectJson(await refresh(session.refreshToken), 200);
  });

  it("grants CORS to allowlisted extensions only", async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/auth/refresh`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST" },
      });
    const granted = await preflight(CHROME);
    expect(granted.headers.get("access-control-allow-origin")).toBe(CHROME);
    expect(granted.headers.get("access-control-allow-methods")).toContain("POST");
    expect((await preflight(FOREIGN)).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("OAuth from an extension (launchWebAuthFlow)", () => {
  const get = (url: string, cookie?: string) =>
    fetch(url, { redirect: "manual", ...(cookie && { headers: { cookie } }) });

  /** The flow as the browser runs it in the web auth flow window, up to the extension's URL. */
  async function flow(challenge: string, extensionId = CHROME_ID) {
    const start = await get(
      `${api.url}/api/auth/oauth/local?extensionId=${encodeURIComponent(extensionId)}&codeChallenge=${challenge}`,
    );
    expect(start.status).toBe(302);
    const cookie = (start.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    const authorize = new URL(start.headers.get("location") ?? "");
    expect(authorize.searchParams.get("redirect_to")).toBe(`${api.url}/api/auth/callback`);
    authorize.searchParams.set(
      "login_hint",
      `oauth-ext-${crypto.randomUUID().slice(0, 8)}@example.test`,
    );
    const provider = await get(authorize.href);
    expect(provider.status).toBe(302);
    const callback = await get(provider.headers.get("location") ?? "", cookie);
    expect(callback.status).toBe(302);
    return new URL(callback.headers.get("location") ?? "");
  }

  const pkce = () => {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  };

  it("returns to https://<id>.chromiumapp.org/ with a handoff only the verifier redeems, once", async () => {
    const { verifier, challenge } = pkce();
    const landing = await flow(challenge);
    expect(`${landing.origin}${landing.pathname}`).toBe(`https://${CHROME_ID}.chromiumapp.org/`);
    const handoff = new URLSearchParams(landing.hash.slice(1)).get("handoff") ?? "";
    expect(handoff).not.toBe("");

    const token = (body: unknown, origin = CHROME) => post("/api/auth/oauth/token", body, origin);
    await expectProblem(
      await token({ handoff, codeVerifier: pkce().verifier }),
      400,
      "bad_request",
    );
    await expectProblem(
      await token({ handoff, codeVerifier: verifier }, SPA_ORIGIN),
      403,
      "origin_not_allowed",
    );
    const session = await expectJson<ExtensionSession>(
      await token({ handoff, codeVerifier: verifier }),
      200,
    );
    await expectJson(await refresh(session.refreshToken), 200);
    // A second redemption replays the rotated token inside the handoff.
    await expectProblem(await token({ handoff, codeVerifier: verifier }), 400, "bad_request");
  });

  it("returns Firefox's flow to its extensions.allizom.org URL", async () => {
    const landing = await flow(pkce().challenge, FIREFOX_ID);
    const hash = createHash("sha1").update(FIREFOX_ID).digest("hex");
    expect(`${landing.origin}${landing.pathname}`).toBe(`https://${hash}.extensions.allizom.org/`);
  });

  it("refuses to start for an extension not allowlisted, or without a challenge", async () => {
    for (const query of [
      `extensionId=${"p".repeat(32)}&codeChallenge=${pkce().challenge}`,
      `extensionId=${CHROME_ID}`,
    ]) {
      await expectProblem(
        await get(`${api.url}/api/auth/oauth/local?${query}`),
        400,
        "validation_failed",
      );
    }
  });
});
