// The session as a real browser keeps it: the refresh token lives in a cookie that the page's own
// scripts cannot read, a reload signs the user back in through that cookie, and a page of another
// origin cannot use it. Chromium through playwright-core; screenshots in tests/e2e/screenshots/.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { captureLogs } from "../helpers/log-capture.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import {
  type Account,
  newAccount,
  registerThroughApi,
  signedInAs,
  signInWithForm,
} from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { screenshots } from "./helpers/screenshots.js";

const shot = screenshots("session-security");

let api: TestApi;
let browser: TestBrowser;
let elsewhere: Server;
/** The other page's origin: http://127.0.0.1:<another port>. */
let elsewhereOrigin: string;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  browser = await launchBrowser();
  elsewhere = createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      '<!doctype html><html lang="en"><head><title>Another site</title></head><body><h1>Another origin</h1></body></html>',
    );
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
  elsewhereOrigin = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (elsewhere) await new Promise((resolve) => elsewhere.close(resolve));
  await api?.close();
});

// Each test starts signed out.
beforeEach(async () => {
  await browser.context.clearCookies();
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function refreshCookie(context: BrowserContext) {
  const cookies = await context.cookies(`${api.url}/api/auth/refresh`);
  return cookies.find((cookie) => cookie.name === REFRESH_COOKIE);
}

/** A fresh account, signed in with the app's form in the browser's tab. */
async function signedIn(page: Page): Promise<Account & { accessToken: string }> {
  const account = newAccount();
  await registerThroughApi(api.url, account);
  await page.goto(api.url);
  return { ...account, accessToken: await signInWithForm(page, account) };
}

describe("the session in a browser", { timeout: 90_000 }, () => {
  it("keeps the refresh token in a cookie the page's scripts cannot read", async () => {
    const { page, context } = browser;
    const user = await signedIn(page);
    await shot(page, "signed in");

    // The browser holds it, locked down as lib/accounts/refresh-cookie.ts sets it…
    expect(await refreshCookie(context)).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/api/auth",
    });
    // …but a script on the app's page (an injected one included) sees neither it nor the
    // access token in any storage that outlives the page.
    const visibleToScripts = await page.evaluate(() => ({
      cookie: document.cookie,
      storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    }));
    expect(visibleToScripts.cookie).not.toContain(REFRESH_COOKIE);
    expect(visibleToScripts.storage).not.toContain(user.accessToken);
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("keeps the user signed in across a reload, through the refresh cookie", async () => {
    const { page, context } = browser;
    const user = await signedIn(page);
    const before = await refreshCookie(context);

    const refreshed = page.waitForResponse(
      (response) => response.url() === `${api.url}/api/auth/refresh`,
    );
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    await signedInAs(page, user.email);
    await shot(page, "signed in after reload");
    // The reload really used the cookie: refreshing rotates it.
    const after = await refreshCookie(context);
    expect(after?.value).toBeTruthy();
    expect(after?.value).not.toBe(before?.value);
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("refuses a page of another origin the use of the session", async () => {
    const { page, context } = browser;
    const user = await signedIn(page);
    const before = await refreshCookie(context);

    // Another port is another origin, but the same site (a site is the scheme and the host; the
    // port does not count), so SameSite=Strict alone would still send the cookie along with
    // these requests. What must stop them is CORS (the other origin is not in ALLOWED_ORIGINS)
    // and the refresh endpoint's own-origin and X-Requested-With check.
    const other = await context.newPage();
    await other.goto(elsewhereOrigin);
    await shot(other, "another origin");
    const serverLog = captureLogs();
    const outcomes = await other.evaluate(async (apiUrl) => {
      const attempt = (path: string, init: RequestInit) =>
        fetch(`${apiUrl}${path}`, { credentials: "include", ...init }).then(
          (response) => `read the answer ${response.status}`,
          (error: Error) => `rejected (${error.name})`,
        );
      return {
        refresh: await attempt("/api/auth/refresh", {
          method: "POST",
          headers: { "X-Requested-With": "fetch" },
        }),
        refreshWithoutHeader: await attempt("/api/auth/refresh", { method: "POST" }),
        profile: await attempt("/api/users/me", {}),
      };
    }, api.url);
    vi.restoreAllMocks();
    expect(outcomes).toEqual({
      refresh: "rejected (TypeError)",
      refreshWithoutHeader: "rejected (TypeError)",
      profile: "rejected (TypeError)",
    });
    // What the server saw from that origin (its access log): the custom header's preflight got
    // no grant, so that POST was never sent; the "simple" POST, which needs no preflight, was
    // refused by the endpoint's own-origin check before it touched the cookie.
    const seen = serverLog
      .filter((line) => line.event === "request" && line.origin === elsewhereOrigin)
      .map((line) => `${line.method} ${line.path} ${line.status}`);
    expect(seen).toEqual([
      "OPTIONS /api/auth/refresh 204",
      "POST /api/auth/refresh 403",
      "GET /api/users/me 401",
    ]);
    await other.close();

    // The cookie was neither rotated nor consumed: the app, reloaded, is still signed in.
    expect((await refreshCookie(context))?.value).toBe(before?.value);
    await page.reload();
    await signedInAs(page, user.email);
    await shot(page, "still signed in after the other origin's attempts");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("serves the app under a Content-Security-Policy that refuses an injected script", async () => {
    const { page } = browser;
    const response = await page.goto(api.url);
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).not.toContain("unsafe-eval");
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
    const seenBefore = browser.problems.length;

    // What a cross-site-scripting bug would hand an attacker: a script element of their own.
    const ran = await page.evaluate(() => {
      const injected = document.createElement("script");
      injected.textContent = "document.body.dataset.injected = 'ran'";
      document.head.append(injected);
      return document.body.dataset.injected ?? "refused";
    });

    expect(ran).toBe("refused");
    await expect
      .poll(() => browser.problems.slice(seenBefore).map((problem) => problem.text))
      .toContainEqual(expect.stringMatching(/^script-src(-elem)? refused inline/));
    // The refusal was the point of this test; it is no problem of the app's.
    browser.problems.splice(seenBefore);
  });
});
