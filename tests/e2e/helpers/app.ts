// Steps in the demo app (web/, served at /) that several browser tests take, written the way
// a person finds things on the page: by role, label and visible text.
import type { Page } from "playwright-core";

export interface Account {
  email: string;
  password: string;
  fullName: string;
}

export function newAccount(): Account {
  return {
    email: `e2e-${crypto.randomUUID().slice(0, 12)}@example.test`,
    password: `e2e pass ${crypto.randomUUID().slice(0, 12)}`,
    fullName: "Ravi Kumar",
  };
}

/** An account made through the API, as another device would have made it. */
export async function registerThroughApi(apiUrl: string, account: Account): Promise<void> {
  const response = await fetch(`${apiUrl}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  if (response.status !== 201) {
    throw new Error(`registering failed: ${response.status} ${await response.text()}`);
  }
}

/** Waits until the header shows who is signed in. */
export async function signedInAs(page: Page, email: string): Promise<void> {
  await page.getByText(`Signed in as ${email}`).waitFor();
}

/** Signs in with the app's form; answers the access token the app received. */
export function signInWithForm(page: Page, account: Account): Promise<string> {
  return submitAuthForm(page, account, { button: "Sign in", endpoint: "/api/auth/login" });
}

/** Creates an account with the app's form (which signs in); answers the access token. */
export async function createAccountWithForm(page: Page, account: Account): Promise<string> {
  await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
  await page.getByLabel("Your name", { exact: true }).fill(account.fullName);
  return submitAuthForm(page, account, {
    button: "Create account",
    endpoint: "/api/auth/register",
  });
}

async function submitAuthForm(
  page: Page,
  account: Account,
  via: { button: string; endpoint: string },
): Promise<string> {
  await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  const answer = page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === via.endpoint && response.request().method() === "POST",
  );
  await page.getByRole("button", { name: via.button, exact: true }).click();
  const session = (await (await answer).json()) as { accessToken: string };
  await signedInAs(page, account.email);
  return session.accessToken;
}
