// Sign-up with email confirmation on (Supabase's default), end to end through the local stack:
// register answers 202, the local Auth API mails what a hosted project mails with the project's
// Confirm signup template (supabase/templates/confirmation.html, Site URL = APP_URL), a link to
// the app's /auth/confirm page with the token hash in its fragment. Opening the page spends
// nothing; the page posts the token hash to POST /api/auth/confirm, which confirms the address
// and signs in with the refresh cookie, so /api/auth/refresh and /api/auth/me work at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectMailTemplates } from "../../dev/supabase/auth/mail-templates.js";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { REPO_ROOT, startTestApi, type TestApi } from "../helpers/api.js";
import { expectProblem, post } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  // The Site URL is the app's address (APP_URL), known once the API listens.
  let siteUrl = "";
  api = await startTestApi({
    auth: {
      emailConfirmations: true,
      siteUrl: () => siteUrl,
      mailTemplates: await projectMailTemplates(REPO_ROOT),
    },
  });
  siteUrl = api.url;
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and unusual passphrase";
const newEmail = () => `confirm-${crypto.randomUUID().slice(0, 8)}@example.test`;

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  post(api, path, body, { headers });

async function register(email: string, fullName = "Rae Member"): Promise<Response> {
  return postJson("/api/auth/register", { email, password: PASSWORD, fullName });
}

/** The link in the newest mail the local Auth API sent to `email`. */
async function mailedLink(email: string): Promise<URL> {
  const { rows } = await api.supabase.db.query<{ subject: string; body: string }>(
    "select subject, body from local_stack.mailbox where recipient = $1 order by id desc limit 1",
    [email],
  );
  const href = /href="([^"]+)"/.exec(rows[0]?.body ?? "")?.[1];
  if (!href) throw new Error(`no link mailed to ${email}: ${rows[0]?.body}`);
  return new URL(href);
}

/** What the app's /auth/confirm page reads from the link's fragment. */
function linkParameters(link: URL) {
  const fragment = new URLSearchParams(link.hash.slice(1));
  return { tokenHash: fragment.get("token_hash") ?? "", type: fragment.get("type") ?? "" };
}

function refreshCookieOf(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith(`${REFRESH_COOKIE}=`) && !cookie.includes("Max-Age=0"));
}

describe("confirming an email address", () => {
  it("mails a link to the app's confirm page, whose token signs the person in with the refresh cookie", async () => {
    const email = newEmail();
    const registered = await register(email);
    expect(registered.status).toBe(202);
    expect(await registered.json()).toEqual({ confirmationRequired: true });

    const link = await mailedLink(email);
    expect(`${link.origin}${link.pathname}`).toBe(`${api.url}/auth/confirm`);
    expect(link.search).toBe("");
    const { tokenHash, type } = linkParameters(link);
    expect(tokenHash).toMatch(/^[0-9a-f]{56}$/);
    expect(type).toBe("email");

    // What a mail scanner or the browser fetches: the app's page, which spends no token (the
    // fragment never reaches a server).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    await page.body?.cancel();

    const confirmed = await postJson("/api/auth/confirm", { tokenHash, type });
    expect(confirmed.status).toBe(200);
    const session = (await confirmed.json()) as {
      user: { id: string; email: string };
      accessToken: string;
    };
    expect(session.user.email).toBe(email);
    const cookie = refreshCookieOf(confirmed);
    expect(cookie).toMatch(/HttpOnly; Secure; SameSite=Strict$/);

    const refreshed = await fetch(`${api.url}/api/auth/refresh`, {
      method: "POST",
      headers: {
        cookie: (cookie ?? "").split(";")[0] ?? "",
        origin: api.url,
        "x-requested-with": "bastion",
      },
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    expect(refreshCookieOf(refreshed)).toBeDefined();

    const me = await fetch(`${api.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { id: session.user.id, email },
      profile: { fullName: "Rae Member" },
    });

    // Confirmed: the password signs in from now on.
    const signedIn = await postJson("/api/auth/login", { email, password: PASSWORD });
    expect(signedIn.status).toBe(200);
  });

  it("refuses a used or unknown link with 400 and sets no cookie", async () => {
    const email = newEmail();
    expect((await register(email)).status).toBe(202);
    const { tokenHash } = linkParameters(await mailedLink(email));
    expect((await postJson("/api/auth/confirm", { tokenHash })).status).toBe(200);

    for (const spent of [tokenHash, "0".repeat(56)]) {
      const refused = await postJson("/api/auth/confirm", { tokenHash: spent, type: "email" });
      await expectProblem(refused, 400, "bad_request");
      expect(refreshCookieOf(refused)).toBeUndefined();
    }
  });

  it("takes the older template's type=signup too, and nothing else", async () => {
    const email = newEmail();
    expect((await register(email)).status).toBe(202);
    const { tokenHash } = linkParameters(await mailedLink(email));
    const recovery = await postJson("/api/auth/confirm", { tokenHash, type: "recovery" });
    await expectProblem(recovery, 400, "validation_failed");
    expect((await postJson("/api/auth/confirm", { tokenHash, type: "signup" })).status).toBe(200);
  });
});

describe("registering an address whose account is still unconfirmed", () => {
  it("keeps the name its own sign-up gave: a repeat sign-up renames nothing", async () => {
    const email = newEmail();
    expect((await register(email, "Rae First")).status).toBe(202);
    // Supabase Auth mails an address at most once a minute; past that, a repeat sign-up gets the
    // pending account back (and its mail again). The minute passes here by ageing the mail.
    await api.supabase.db.query(
      `update auth.one_time_tokens set created_at = created_at - interval '2 minutes'
        where relates_to = $1 and token_type = 'confirmation_token'`,
      [email],
    );
    expect((await register(email, "Mallory Second")).status).toBe(202);

    const confirmed = await postJson("/api/auth/confirm", linkParameters(await mailedLink(email)));
    expect(confirmed.status).toBe(200);
    const { accessToken } = (await confirmed.json()) as { accessToken: string };
    const profile = await fetch(`${api.url}/api/users/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await profile.json()).toMatchObject({ email, fullName: "Rae First" });
  });
});
