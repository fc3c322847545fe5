// A forgotten password in the demo app, end to end in Chromium as a person goes through it: from
// "Forgot your password?" under the sign-in form, ask for a link; the password_reset email lands
// in the local outbox; open its link (/reset-password#token=…, served by the app under the
// page CSP); a weak password is refused next to its field and the link still works; set a new
// one, which signs in; sign out, and sign in with the new password (the old one is refused);
// the spent link says so and offers a new one. Screenshots at 390×844 and desktop size.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { newAccount, registerThroughApi, signedInAs, signInWithForm } from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, phoneAndDesktop, screenshots } from "./helpers/screenshots.js";

const shot = phoneAndDesktop(screenshots("password-reset"));

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

beforeEach(async () => {
  await browser.context.clearCookies();
});

/** The reset link in the newest password_reset email to `email`, read in the outbox. */
async function resetLinkFromOutbox(page: Page, email: string): Promise<string> {
  await api.settle();
  await page.goto(`${api.url}/__dev/outbox`);
  const row = page
    .getByRole("row")
    .filter({ hasText: "password_reset" })
    .filter({ hasText: email })
    .first();
  await row.waitFor();
  await row.getByRole("link").click();
  await page.getByRole("heading", { name: /Reset your .* password/ }).waitFor();
  const text = (await page.locator("pre").first().textContent()) ?? "";
  const link = /https?:\/\/\S+\/reset-password#token=[\w-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no reset link in the email:\n${text}`);
  return link;
}

describe("resetting a forgotten password in the demo app", { timeout: 120_000 }, () => {
  it("serves /reset-password as the app, under the page's CSP", async () => {
    const response = await fetch(`${api.url}/reset-password`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    expect(await response.text()).toContain('<script type="module" src="/app/main.js">');
    expect((await fetch(`${api.url}/forgot-password`)).status).toBe(200);
  });

  it("asks for a link, opens it from the email, sets a new password and signs in with it", async () => {
    const { page } = browser;
    const account = newAccount();
    await registerThroughApi(api.url, account);
    const newPassword = `new e2e pass ${crypto.randomUUID().slice(0, 8)}`;

    await page.goto(api.url);
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${api.url}/forgot-password`);
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    await shot(page, "forgot password");

    await page.getByLabel("Email", { exact: true }).fill(account.email);
    const send = page.getByRole("button", { name: "Email me a link" });
    await send.click();
    // The API answers no sooner than a second: the button says it is at work meanwhile.
    const sending = page.getByRole("button", { name: "Sending…" });
    await sending.waitFor();
    expect(await sending.isDisabled()).toBe(true);
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await page.getByText(`Look for an email to ${account.email}`).waitFor();
    await shot(page, "link requested");

    const link = await resetLinkFromOutbox(page, account.email);
    expect(new URL(link).origin).toBe(api.url);
    await shot(page, "reset email");

    await page.goto(link);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    // A password the policy refuses: said next to the field, which gets the focus, and the
    // link is not spent.
    const password = page.getByLabel("New password", { exact: true });
    await password.fill("password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page
      .getByRole("textbox", { name: "New password", description: /Use at least 10 characters/ })
      .waitFor();
    expect(await password.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe(
      "password",
    );
    await shot(page, "weak password refused", { screenOnly: true });

    await password.fill(newPassword);
    const reset = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/auth/reset-password",
    );
    await page.getByRole("button", { name: "Set new password" }).click();
    expect((await reset).status()).toBe(200);
    await signedInAs(page, account.email);
    await page.getByText("Your new password is set and you are signed in.").waitFor();
    // The spent token does not stay in the address bar (nor in the history entry).
    expect(page.url()).toBe(`${api.url}/`);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();
    await shot(page, "new password set");

    // Signed out, the old password is refused and the new one works.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
    await page.getByLabel("Email", { exact: true }).fill(account.email);
    await page.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Wrong email or password" });
    await refused.waitFor();
    await refused.getByRole("link", { name: "Forgot your password?" }).waitFor();
    await shot(page, "old password refused", { screenOnly: true });
    await signInWithForm(page, { ...account, password: newPassword });

    // The link works once.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill(`${newPassword} again`);
    await page.getByRole("button", { name: "Set new password" }).click();
    const spent = page.getByRole("alert").filter({ hasText: "expired or was already used" });
    await spent.waitFor();
    await spent.getByRole("link", { name: "Ask for a new link" }).waitFor();
    await shot(page, "spent link", { screenOnly: true });
    await spent.getByRole("link", { name: "Ask for a new link" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();

    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("explains a reset page opened without the link's token", async () => {
    const { page } = browser;
    await page.goto(`${api.url}/reset-password`);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByText("this address has no link in it").waitFor();
    await page.getByRole("link", { name: "Ask for a new link" }).waitFor();
    await shot(page, "no token");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
