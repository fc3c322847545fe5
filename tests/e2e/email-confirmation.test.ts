// Sign-up with email confirmation on (a Supabase project's default), in the demo app as a person
// goes through it, in Chromium: "Create account" answers that a link was mailed and signs nobody
// in; signing in before confirming says why it fails; the local Auth API mails the project's
// Confirm signup template, whose link opens the app's /auth/confirm page. Opening it spends
// nothing (mail scanners open links): "Confirm my account" does, busy while it works, and signs
// in; the token leaves the address bar, a reload keeps the session (refresh cookie), and the same
// link again says it was already used, with the ways on. Screenshots at 390×844 and desktop.
import type { Route } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { projectMailTemplates } from "../../dev/supabase/auth/mail-templates.js";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { REPO_ROOT, startTestApi, type TestApi } from "../helpers/api.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { newAccount, signedInAs } from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, phoneAndDesktop, screenshots } from "./helpers/screenshots.js";

const shot = phoneAndDesktop(screenshots("email-confirmation"));

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  // The Site URL is the app's address (APP_URL), known once the API listens.
  let siteUrl = "";
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    auth: {
      emailConfirmations: true,
      siteUrl: () => siteUrl,
      mailTemplates: await projectMailTemplates(REPO_ROOT),
    },
  });
  siteUrl = api.url;
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

beforeEach(async () => {
  await browser.context.clearCookies();
  await browser.page.setViewportSize(PHONE);
});

/** The newest mail the local Auth API sent to `email`: its HTML and its link. */
async function mailTo(email: string): Promise<{ body: string; link: string }> {
  let body = "";
  await expect
    .poll(async () => {
      const { rows } = await api.supabase.db.query<{ body: string }>(
        "select body from local_stack.mailbox where recipient = $1 order by id desc limit 1",
        [email],
      );
      body = rows[0]?.body ?? "";
      return body;
    })
    .not.toBe("");
  const link = /href="([^"]+)"/.exec(body)?.[1];
  if (!link) throw new Error(`no link in the mail to ${email}:\n${body}`);
  return { body, link: link.replaceAll("&amp;", "&") };
}

async function refreshCookie() {
  const cookies = await browser.context.cookies(`${api.url}/api/auth/refresh`);
  return cookies.find((cookie) => cookie.name === REFRESH_COOKIE);
}

describe("signing up with email confirmation in the demo app", { timeout: 120_000 }, () => {
  it("serves /auth/confirm as the app, under the page's CSP", async () => {
    const response = await fetch(`${api.url}/auth/confirm`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await response.text()).toContain('<script type="module" src="/app/main.js">');
  });

  it("says to check the email, confirms with the mailed link's button, and signs in", async () => {
    const { page } = browser;
    const account = newAccount();
    const confirmCalls: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/auth/confirm") confirmCalls.push(request.url());
    });

    await page.goto(api.url);
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
    await page.getByLabel("Email", { exact: true }).fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByLabel("Your name", { exact: true }).fill(account.fullName);
    const registered = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/auth/register",
    );
    await page.getByRole("button", { name: "Create account" }).click();
    // With confirmation on the API answers no sooner than a second: the button says it works.
    const creating = page.getByRole("button", { name: "Creating account…" });
    await creating.waitFor();
    expect(await creating.isDisabled()).toBe(true);
    expect((await registered).status()).toBe(202);

    // In place of the form: the address the link went to, and nobody signed in.
    const heading = page.getByRole("heading", { name: "Check your email" });
    await heading.waitFor();
    await page
      .getByRole("status")
      .filter({ hasText: `We sent a link to ${account.email} to confirm your account.` })
      .waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("auth-heading");
    expect(await page.getByLabel("Password", { exact: true }).count()).toBe(0);
    expect(await page.getByText("Signed in as").count()).toBe(0);
    expect(await refreshCookie()).toBeUndefined();
    await shot(page, "check your email");

    // Back to the form, the address kept: signing in before confirming says why it fails.
    await page.getByRole("button", { name: "Back to sign in" }).click();
    const email = page.getByLabel("Email", { exact: true });
    expect(await email.inputValue()).toBe(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Wrong email or password" })
      .filter({ hasText: `open the link we sent to ${account.email} first` })
      .waitFor();
    await shot(page, "signing in before confirming", { screenOnly: true });

    // The mail: the project's template, linking to the app's page with the token in the fragment.
    const mail = await mailTo(account.email);
    const link = new URL(mail.link);
    expect(`${link.origin}${link.pathname}`).toBe(`${api.url}/auth/confirm`);
    expect(new URLSearchParams(link.hash.slice(1)).get("type")).toBe("email");
    await page.setContent(mail.body);
    await shot(page, "confirmation email");

    // Opening the link spends nothing: the page waits for the person.
    await page.goto(mail.link);
    await page.getByRole("heading", { name: "Confirm your email address" }).waitFor();
    const confirm = page.getByRole("button", { name: "Confirm my account" });
    await confirm.waitFor();
    expect(confirmCalls).toEqual([]);
    await shot(page, "confirm your account");

    // The press: busy until the API answers, then signed in with the account's own details.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hold = async (route: Route) => {
      await released;
      await route.continue();
    };
    await page.route((url) => url.pathname === "/api/auth/confirm", hold);
    const confirmed = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/auth/confirm",
    );
    await confirm.click();
    const confirming = page.getByRole("button", { name: "Confirming…" });
    await confirming.waitFor();
    expect(await confirming.isDisabled()).toBe(true);
    expect(await confirming.getAttribute("aria-busy")).toBe("true");
    await shot(page, "confirming", { screenOnly: true });
    release();
    expect((await confirmed).status()).toBe(200);
    await page.unroute((url) => url.pathname === "/api/auth/confirm", hold);
    await signedInAs(page, account.email);
    await page
      .getByRole("status")
      .filter({ hasText: "Your account is confirmed and you are signed in." })
      .waitFor();
    // The spent token does not stay in the address bar.
    expect(page.url()).toBe(`${api.url}/`);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();
    expect(await page.getByLabel("Full name", { exact: true }).inputValue()).toBe(account.fullName);
    expect(await refreshCookie()).toBeDefined();
    await shot(page, "confirmed and signed in");

    // A reload keeps the session, through the refresh cookie the confirmation set.
    await page.reload();
    await signedInAs(page, account.email);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();

    // The same link again: already used, with both ways on.
    await page.goto(mail.link);
    await page.getByRole("button", { name: "Confirm my account" }).click();
    const spent = page.getByRole("heading", { name: "This link was already used or has expired" });
    await spent.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("confirm-heading");
    await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
    await page.getByRole("link", { name: "Create the account again" }).waitFor();
    await shot(page, "link already used");
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${api.url}/`);
    // Still signed in from the first press.
    await signedInAs(page, account.email);

    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("explains a confirm page opened without the link's token", async () => {
    const { page } = browser;
    await page.goto(`${api.url}/auth/confirm`);
    await page.getByRole("heading", { name: "Confirm your email address" }).waitFor();
    await page.getByText("this address has no complete link in it").waitFor();
    expect(await page.getByRole("button", { name: "Confirm my account" }).count()).toBe(0);
    await page.getByRole("link", { name: "Back to sign in" }).waitFor();
    await shot(page, "no token");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
