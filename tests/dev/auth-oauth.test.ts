// The local stack's OAuth provider `local` in GoTrue's PKCE flow, driven through the real
// supabase-js client: /authorize signs the person in and redirects to redirect_to with an auth
// code, which POST /token?grant_type=pkce exchanges once, with the verifier, for a session.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Session } from "@supabase/supabase-js";
import {
  createClient,
  isAuthApiError,
  type Provider,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
// A shared PostgreSQL (DATABASE_URL) keeps users between runs: addresses carry this run's tag.
const run = randomUUID().slice(0, 8);
let emails = 0;
const newEmail = (name: string) => `${name}-${run}-${++emails}@example.test`;
const CALLBACK = "http://127.0.0.1:3000/api/auth/callback";
/** SQL for the stored form of the auth code passed as $1. */
const HASH_OF_PARAM = "encode(extensions.digest($1, 'sha256'), 'hex')";

beforeAll(async () => {
  stack = await startTestSupabase();
});

afterAll(async () => {
  await stack?.close();
});

type RealtimeTransport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];
class NoRealtime {
  constructor() {
    throw new Error("The local stack has no Realtime server");
  }
}

/** A browser-like client in the PKCE flow: it keeps the verifier in its own (memory) storage. */
function pkceClient(): SupabaseClient {
  return createClient(stack.url, stack.anonKey, {
    auth: {
      flowType: "pkce",
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    },
    realtime: { transport: NoRealtime as unknown as RealtimeTransport },
  });
}

/** signInWithOAuth, then the browser's visit to /authorize (which carries no API key). */
async function authorizeWithClient(loginHint?: string) {
  const client = pkceClient();
  const { data, error } = await client.auth.signInWithOAuth({
    provider: "local" as Provider,
    options: {
      redirectTo: CALLBACK,
      skipBrowserRedirect: true,
      ...(loginHint && { queryParams: { login_hint: loginHint } }),
    },
  });
  if (error || !data.url) throw error ?? new Error("no authorize URL");
  const response = await fetch(data.url, { redirect: "manual" });
  return { client, authorizeUrl: new URL(data.url), response };
}

function codeOf(response: Response): string {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  const code = location.searchParams.get("code");
  if (!code) throw new Error(`no code in ${location.href}`);
  return code;
}

function newVerifier() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizeUrl(params: Record<string, string>): string {
  return `${stack.url}/auth/v1/authorize?${new URLSearchParams(params)}`;
}

/** A code for `email` obtained with a verifier the test keeps, for exchanges by hand. */
async function codeFor(email: string) {
  const { verifier, challenge } = newVerifier();
  const response = await fetch(
    authorizeUrl({
      provider: "local",
      redirect_to: CALLBACK,
      code_challenge: challenge,
      code_challenge_method: "s256",
      login_hint: email,
    }),
    { redirect: "manual" },
  );
  return { code: codeOf(response), verifier };
}

function exchange(authCode: string, codeVerifier: string) {
  return fetch(`${stack.url}/auth/v1/token?grant_type=pkce`, {
    method: "POST",
    headers: {
      apikey: stack.anonKey,
      "content-type": "application/json",
      "X-Supabase-Api-Version": "2024-01-01",
    },
    body: JSON.stringify({ auth_code: authCode, code_verifier: codeVerifier }),
  });
}

async function flowStates(): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(
    "select count(*)::int as n from auth.flow_state",
  );
  return rows[0]?.n ?? 0;
}

describe("GET /authorize?provider=local", () => {
  it("signs in through supabase-js: redirect with a code, then exchangeCodeForSession", async () => {
    const email = newEmail("oauth");
    const { client, authorizeUrl, response } = await authorizeWithClient(email);
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("s256");
    expect(authorizeUrl.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);

    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    const { data, error } = await client.auth.exchangeCodeForSession(codeOf(response));
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    expect(data.session?.user.app_metadata).toMatchObject({
      provider: "local",
      providers: ["local"],
    });
    expect(data.session?.user.email_confirmed_at).toBeTruthy();
    expect(decodeJwt(data.session?.access_token ?? "").amr).toEqual([
      { method: "oauth", timestamp: expect.any(Number) },
    ]);
    // The session is a real one: its refresh token rotates.
    const refreshed = await stack
      .client()
      .auth.refreshSession({ refresh_token: data.session?.refresh_token ?? "" });
    expect(refreshed.error).toBeNull();
  });

  it("signs in local-oauth@example.test without a login_hint, the same user each time", async () => {
    const first = await authorizeWithClient();
    const second = await authorizeWithClient();
    const one = await first.client.auth.exchangeCodeForSession(codeOf(first.response));
    const two = await second.client.auth.exchangeCodeForSession(codeOf(second.response));
    expect(one.data.user?.email).toBe("local-oauth@example.test");
    expect(two.data.user?.id).toBe(one.data.user?.id);
  });

  it("links a confirmed email account: same user, both providers, password kept", async () => {
    const email = newEmail("linked");
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    const created = await admin.createUser({ email, password: "pa55word!!", email_confirm: true });
    const { code, verifier } = await codeFor(email);
    const session = (await (await exchange(code, verifier)).json()) as Session;
    expect(session.user.id).toBe(created.data.user?.id);
    expect(session.user.app_metadata).toEqual({ provider: "email", providers: ["email", "local"] });
    const signIn = await stack.client().auth.signInWithPassword({ email, password: "pa55word!!" });
    expect(signIn.error).toBeNull();
  });

  it("drops the password of an unconfirmed account it links, and confirms the address", async () => {
    const email = newEmail("unconfirmed");
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    await admin.createUser({ email, password: "planted-by-someone", email_confirm: false });
    const { code, verifier } = await codeFor(email);
    expect((await exchange(code, verifier)).status).toBe(200);
    const signIn = await stack
      .client()
      .auth.signInWithPassword({ email, password: "planted-by-someone" });
    expect(isAuthApiError(signIn.error)).toBe(true);
    expect(signIn.error?.code).toBe("invalid_credentials");
  });

  it("reports a banned user to redirect_to as GoTrue does, with no code", async () => {
    const email = newEmail("banned");
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    const created = await admin.createUser({ email, password: "pa55word!!", email_confirm: true });
    await stack.db.query(
      "update auth.users set banned_until = now() + interval '1 day' where id = $1",
      [created.data.user?.id ?? ""],
    );
    const before = await flowStates();
    const { response } = await authorizeWithClient(email);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.searchParams.get("code")).toBeNull();
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: "access_denied",
      error_code: "user_banned",
      error_description: "User is banned",
    });
    expect(new URLSearchParams(location.hash.slice(1)).get("error_code")).toBe("user_banned");
    expect(await flowStates()).toBe(before);
  });

  it("keeps redirect_to's own query parameters next to the code", async () => {
    const { challenge } = newVerifier();
    const response = await fetch(
      authorizeUrl({
        provider: "local",
        redirect_to: "http://localhost:5173/done?next=%2Faccount",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }),
      { redirect: "manual" },
    );
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin).toBe("http://localhost:5173");
    expect(location.searchParams.get("next")).toBe("/account");
    expect(location.searchParams.get("code")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    "https://evil.example/callback",
    "http://evil.example:3000/callback",
    "http://127.0.0.1.evil.example/callback",
    "http://127.0.0.1:3000@evil.example/callback",
    "https://127.0.0.1:3000/callback",
    "javascript:alert(1)",
    "/relative/callback",
  ])("refuses redirect_to %s with 400 and redirects nowhere", async (redirectTo) => {
    const { challenge } = newVerifier();
    const before = await flowStates();
    const response = await fetch(
      authorizeUrl({
        provider: "local",
        redirect_to: redirectTo,
        code_challenge: challenge,
        code_challenge_method: "s256",
      }),
      { redirect: "manual" },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.json()).toMatchObject({ error_code: "validation_failed" });
    expect(await flowStates()).toBe(before);
  });

  it("answers real providers with 501 and unknown ones with 400, as GoTrue's subset", async () => {
    const { challenge } = newVerifier();
    const start = (provider: string) =>
      fetch(
        authorizeUrl({
          provider,
          redirect_to: CALLBACK,
          code_challenge: challenge,
          code_challenge_method: "s256",
        }),
        { redirect: "manual", headers: { "X-Supabase-Api-Version": "2024-01-01" } },
      );
    const google = await start("google");
    expect(google.status).toBe(501);
    expect(await google.json()).toMatchObject({ code: "not_implemented" });
    const unknown = await start("myspace");
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      code: "validation_failed",
      message: "Unsupported provider: Provider myspace could not be found",
    });
  });

  it("checks the PKCE parameters like GoTrue, and leaves the implicit flow out (501)", async () => {
    const { challenge } = newVerifier();
    const status = async (params: Record<string, string>) =>
      (
        await fetch(authorizeUrl({ provider: "local", redirect_to: CALLBACK, ...params }), {
          redirect: "manual",
        })
      ).status;
    expect(await status({})).toBe(501);
    expect(await status({ code_challenge: challenge })).toBe(400);
    expect(await status({ code_challenge: "short", code_challenge_method: "s256" })).toBe(400);
    expect(await status({ code_challenge: challenge, code_challenge_method: "plain" })).toBe(501);
    expect(await status({ code_challenge: challenge, code_challenge_method: "md5" })).toBe(400);
  });

  it("answers other methods with 405", async () => {
    const response = await fetch(`${stack.url}/auth/v1/authorize`, {
      method: "POST",
      headers: { apikey: stack.anonKey },
    });
    expect(response.status).toBe(405);
  });
});

describe("POST /token?grant_type=pkce", () => {
  it("answers GoTrue's session JSON", async () => {
    const email = newEmail("wire");
    const { code, verifier } = await codeFor(email);
    const response = await exchange(code, verifier);
    expect(response.status).toBe(200);
    const session = (await response.json()) as Session;
    expect(Object.keys(session).sort()).toEqual(
      ["access_token", "expires_at", "expires_in", "refresh_token", "token_type", "user"].sort(),
    );
    expect(session.token_type).toBe("bearer");
    expect(session.user.email).toBe(email);
  });

  it("redeems a code once: the second exchange is 404 flow_state_not_found", async () => {
    const { code, verifier } = await codeFor(newEmail("once"));
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({
      code: "flow_state_not_found",
      message: "invalid flow state, no valid flow state found",
    });
  });

  it("refuses a wrong verifier with 400 bad_code_verifier, and the right one still works", async () => {
    const { code, verifier } = await codeFor(newEmail("verifier"));
    const wrong = await exchange(code, newVerifier().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      code: "bad_code_verifier",
      message: "code challenge does not match previously saved code verifier",
    });
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it("refuses a code older than 5 minutes with 422 flow_state_expired", async () => {
    const { code, verifier } = await codeFor(newEmail("expired"));
    await stack.db.query(
      `update auth.flow_state set created_at = now() - interval '301 seconds'
        where auth_code_hash = ${HASH_OF_PARAM}`,
      [code],
    );
    const response = await exchange(code, verifier);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: "flow_state_expired" });
  });

  it("requires both the code and the verifier", async () => {
    const { code } = await codeFor(newEmail("missing"));
    const response = await exchange(code, "");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: "validation_failed",
      message: "invalid request: both auth code and code verifier should be non-empty",
    });
  });

  it("stores no auth code, only its hash", async () => {
    const { code } = await codeFor(newEmail("hashed"));
    const hashed = await stack.db.query(
      `select 1 from auth.flow_state where auth_code_hash = ${HASH_OF_PARAM}`,
      [code],
    );
    expect(hashed.rows).toHaveLength(1);
    const { rows } = await stack.db.query<{ found: boolean }>(
      "select exists (select 1 from auth.flow_state f where f::text like '%' || $1 || '%') as found",
      [code],
    );
    expect(rows[0]?.found).toBe(false);
  });
});
