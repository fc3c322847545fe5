// Sessions through HTTP and the local stack: the refresh token lives only in the httpOnly cookie,
// rotates on refresh, and a replayed old cookie ends the whole session.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REFRESH_COOKIE } from "../../lib/accounts/refresh-cookie.js";
import { RATE_LIMIT_POLICIES, SIGN_IN_FAILURE_LIMITS } from "../../lib/limits/policies.js";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { post as postTo, sendFrom } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  // Reuse interval 0: a replayed token counts as reuse at once (Supabase's default is 10 s).
  api = await startTestApi({ auth: { refreshTokenReuseIntervalSeconds: 0 } });
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and unusual passphrase";
const newEmail = () => `member-${crypto.randomUUID().slice(0, 8)}@example.test`;
const fromSpa = { origin: SPA_ORIGIN, "x-requested-with": "bastion" };

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  postTo(api, path, body, { headers });

/** The refresh cookie a response sets: its value and attributes. */
function refreshCookieOf(response: Response): { value: string; attributes: string[] } {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  if (!cookie) throw new Error("no refresh cookie set");
  const [pair = "", ...attributes] = cookie.split(";").map((part) => part.trim());
  return { value: pair.slice(REFRESH_COOKIE.length + 1), attributes };
}

const withCookie = (value: string) => ({ ...fromSpa, cookie: `${REFRESH_COOKIE}=${value}` });

describe("a session's life", () => {
  it("registers, refreshes with rotation, detects reuse, signs in again and out", async () => {
    const email = newEmail();
    const registered = await post("/api/auth/register", {
      email,
      password: PASSWORD,
      fullName: "Ann Lee",
    });
    expect(registered.status).toBe(201);
    const session = (await registered.json()) as { accessToken: string; user: { email: string } };
    expect(session.user.email).toBe(email);
    expect(JSON.stringify(session)).not.toMatch(/refresh/i);
    const first = refreshCookieOf(registered);

    const me = await fetch(`${api.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { email }, profile: { fullName: "Ann Lee" } });

    const refreshed = await post("/api/auth/refresh", undefined, withCookie(first.value));
    expect(refreshed.status).toBe(200);
    const second = refreshCookieOf(refreshed);
    expect(second.value).not.toBe(first.value);
    expect(JSON.stringify(await refreshed.json())).not.toContain(second.value);
    const third = refreshCookieOf(
      await post("/api/auth/refresh", undefined, withCookie(second.value)),
    );

    // Supabase Auth answers the active token's own parent with the active session again (two
    // tabs refreshing at once); an older one is a replay, and ends the session.
    const replayed = await post("/api/auth/refresh", undefined, withCookie(first.value));
    expect(replayed.status).toBe(401);
    expect(refreshCookieOf(replayed).attributes).toContain("Max-Age=0");
    const afterReplay = await post("/api/auth/refresh", undefined, withCookie(third.value));
    expect(afterReplay.status).toBe(401);

    const again = await post("/api/auth/login", { email, password: PASSWORD });
    expect(again.status).toBe(200);
    const fresh = refreshCookieOf(again);
    const out = await post("/api/auth/logout", {}, withCookie(fresh.value));
    expect(out.status).toBe(204);
    expect(refreshCookieOf(out).attributes).toContain("Max-Age=0");
    expect((await post("/api/auth/refresh", undefined, withCookie(fresh.value))).status).toBe(401);
  });

  it("sets the cookie exactly: __Secure-, HttpOnly, Secure, SameSite=Strict, /api/auth, bounded", async () => {
    const response = await post("/api/auth/register", {
      email: newEmail(),
      password: PASSWORD,
      fullName: "Ben",
    });
    const { attributes } = refreshCookieOf(response);
    expect(REFRESH_COOKIE.startsWith("__Secure-")).toBe(true);
    expect(attributes).toEqual(
      expect.arrayContaining(["Path=/api/auth", "HttpOnly", "Secure", "SameSite=Strict"]),
    );
    const maxAge = Number(attributes.find((a) => a.startsWith("Max-Age="))?.split("=")[1]);
    expect(maxAge).toBeGreaterThan(29 * 24 * 3600);
    expect(maxAge).toBeLessThanOrEqual(30 * 24 * 3600);
  });

  it("never writes the refresh token or password to a log line", async () => {
    const logged: string[] = [];
    const spies = (["info", "warn", "error"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((line: unknown) => {
        logged.push(String(line));
      }),
    );
    const email = newEmail();
    const response = await post("/api/auth/register", {
      email,
      password: PASSWORD,
      fullName: "Cy",
    });
    const cookie = refreshCookieOf(response).value;
    await post("/api/auth/refresh", undefined, withCookie(cookie));
    for (const spy of spies) spy.mockRestore();
    const text = logged.join("\n");
    expect(text).not.toContain(cookie);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(email);
  });
});

describe("refresh and logout refuse other sites", () => {
  it.each([
    ["a foreign origin", { origin: "https://evil.example", "x-requested-with": "bastion" }],
    ["no origin", { "x-requested-with": "bastion" }],
    ["no custom header", { origin: SPA_ORIGIN }],
  ])("answers %s with 403 and keeps the session", async (_, headers) => {
    const registered = await post("/api/auth/register", {
      email: newEmail(),
      password: PASSWORD,
      fullName: "Di",
    });
    const { value } = refreshCookieOf(registered);
    const cookie = `${REFRESH_COOKIE}=${value}`;
    const refused = await post("/api/auth/refresh", undefined, { ...headers, cookie });
    expect(refused.status).toBe(403);
    expect((await post("/api/auth/logout", {}, { ...headers, cookie })).status).toBe(403);
    expect((await post("/api/auth/refresh", undefined, withCookie(value))).status).toBe(200);
  });
});

describe("registration and sign-in", () => {
  it.each([
    ["too short", "short pw"],
    ["too common", "password123"],
    ["the email itself", "same"],
  ])("refuses a password that is %s with 400 and creates no account", async (_, password) => {
    const email = newEmail();
    const response = await post("/api/auth/register", {
      email,
      password: password === "same" ? email : password,
      fullName: "Ed",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: object }).errors).toHaveProperty("password");
    const users = await api.supabase.db.query("select 1 from auth.users where email = $1", [email]);
    expect(users.rows).toHaveLength(0);
  });

  it("answers a taken email with a generic 409 (confirmation off), limited per address", async () => {
    const email = newEmail();
    await post("/api/auth/register", { email, password: PASSWORD, fullName: "Flo" });
    const again = await post("/api/auth/register", { email, password: PASSWORD, fullName: "Flo" });
    expect(again.status).toBe(409);
    expect(await again.text()).not.toContain(email);
    // With email confirmation off the 409 tells who has an account, so probing is rate limited.
    const { limit } = RATE_LIMIT_POLICIES.auth_email;
    const retry = () => post("/api/auth/register", { email, password: PASSWORD, fullName: "Flo" });
    // Two answered above; the rest of the allowance is 409, the one past it 429.
    for (let sent = 2; sent < limit; sent++) expect((await retry()).status).toBe(409);
    expect((await retry()).status).toBe(429);
  });

  it("answers a wrong password and an unknown email alike with 401", async () => {
    const email = newEmail();
    await post("/api/auth/register", { email, password: PASSWORD, fullName: "Gus" });
    const wrong = await post("/api/auth/login", { email, password: "not the password at all" });
    const unknown = await post("/api/auth/login", { email: newEmail(), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json(), await unknown.json()] as Record<string, unknown>[];
    expect({ ...a, requestId: "" }).toEqual({ ...b, requestId: "" });
  });

  it("limits failed guesses per email even when they come from different addresses", {
    timeout: 60_000,
  }, async () => {
    const email = newEmail();
    await post("/api/auth/register", { email, password: PASSWORD, fullName: "Hal" });
    const { account, address } = SIGN_IN_FAILURE_LIMITS;
    const addresses = Math.ceil(account.limit / (address.limit - 1));
    // Each address stays under its own limit (in-process counters here; Upstash in
    // auth-sign-in-limits.test.ts); together they fill the account's, three at a time.
    const statuses: number[] = [];
    for (let i = 0; i < account.limit; i += 3) {
      const batch = [i, i + 1, i + 2]
        .filter((n) => n < account.limit)
        .map((n) =>
          postFrom(`127.0.0.${10 + (n % addresses)}`, "/api/auth/login", {
            email,
            password: `guess ${n}`,
          }),
        );
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses.every((status) => status === 401)).toBe(true);
    expect(await postFrom("127.0.0.40", "/api/auth/login", { email, password: "one more" })).toBe(
      429,
    );
  });
});

/** A request from another loopback address, so the platform IP differs per attempt. */
async function postFrom(localAddress: string, path: string, body: unknown): Promise<number> {
  return (await sendFrom(api, "POST", path, { body, localAddress })).status;
}
