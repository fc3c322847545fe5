// The local Auth API (GoTrue subset) driven through the real supabase-js client: sign-up and
// sign-in, refresh-token rotation and reuse detection, sign-out, password recovery through the
// local mailbox, admin users, and access tokens verified against the published JWKS.
import { randomUUID } from "node:crypto";
import {
  AuthApiError,
  isAuthApiError,
  isAuthSessionMissingError,
  isAuthWeakPasswordError,
  type Session,
} from "@supabase/supabase-js";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

// Reuse detection is only visible once the reuse interval has passed, so the main stack sets it
// to 0; a second stack keeps GoTrue's default of 10 s to show a reuse inside the interval.
let stack: TestSupabase;
let defaultStack: TestSupabase;
// A shared PostgreSQL (DATABASE_URL) keeps users between runs: addresses carry this run's tag.
const run = randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery";
let emails = 0;
const newEmail = (name: string) => `${name}-${run}-${++emails}@example.test`;

beforeAll(async () => {
  // One after the other: on a shared PostgreSQL both would migrate the same database.
  stack = await startTestSupabase({ auth: { refreshTokenReuseIntervalSeconds: 0 } });
  defaultStack = await startTestSupabase();
});

afterAll(async () => {
  await Promise.all([stack?.close(), defaultStack?.close()]);
});

async function signUp(on: TestSupabase, email = newEmail("user")): Promise<Session> {
  const { data, error } = await on.client().auth.signUp({ email, password: PASSWORD });
  if (error || !data.session) throw error ?? new Error("sign-up returned no session");
  return data.session;
}

async function signIn(email: string, password = PASSWORD, on = stack) {
  const client = on.client();
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  return { client, session: data.session, error };
}

/** Each refresh on a new client, so no client-side cache of an earlier answer interferes. */
function refresh(refreshToken: string, on = stack) {
  return on.client().auth.refreshSession({ refresh_token: refreshToken });
}

function expectApiError(error: unknown, status: number, code: string): void {
  expect(isAuthApiError(error)).toBe(true);
  expect(error).toMatchObject({ status, code });
}

async function latestMail(recipient: string): Promise<string | undefined> {
  const { rows } = await stack.db.query<{ body: string }>(
    "select body from local_stack.mailbox where recipient = $1 order by id desc limit 1",
    [recipient],
  );
  return rows[0]?.body;
}

function linkToken(mail: string | undefined): string {
  const token = /[?&]token=([0-9a-f]+)/.exec(mail ?? "")?.[1];
  if (!token) throw new Error(`no verify link in mail: ${mail}`);
  return token;
}

describe("sign-up and sign-in", () => {
  it("signs a new user up with a session, then in with the password", async () => {
    const email = newEmail("Mixed.Case");
    const session = await signUp(stack, email);
    expect(session.user.email).toBe(email.toLowerCase());
    expect(session.user.email_confirmed_at).toBeTruthy();
    expect(session.user.app_metadata).toEqual({ provider: "email", providers: ["email"] });
    expect(session.expires_in).toBe(3600);

    const { session: signedIn, error } = await signIn(email);
    expect(error).toBeNull();
    expect(signedIn?.user.id).toBe(session.user.id);
    expect(signedIn?.refresh_token).not.toBe(session.refresh_token);
  });

  it("stores sign-up data as user_metadata", async () => {
    const { data } = await stack.client().auth.signUp({
      email: newEmail("meta"),
      password: PASSWORD,
      options: { data: { display_name: "Ada" } },
    });
    expect(data.user?.user_metadata).toEqual({ display_name: "Ada" });
  });

  it("refuses a taken address with 422 user_already_exists", async () => {
    const email = newEmail("taken");
    await signUp(stack, email);
    const { data, error } = await stack.client().auth.signUp({ email, password: PASSWORD });
    expectApiError(error, 422, "user_already_exists");
    expect(data.session).toBeNull();
  });

  it("refuses a password under 6 characters with 422 weak_password", async () => {
    const { error } = await stack
      .client()
      .auth.signUp({ email: newEmail("weak"), password: "12345" });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error).toMatchObject({ status: 422, code: "weak_password", reasons: ["length"] });
  });

  it("answers a wrong password with AuthApiError invalid_credentials", async () => {
    const email = newEmail("wrong");
    await signUp(stack, email);
    const { session, error } = await signIn(email, "not the password");
    expect(session).toBeNull();
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid_credentials" });
    expect(error?.message).toBe("Invalid login credentials");
    const unknown = await signIn(newEmail("nobody"));
    expectApiError(unknown.error, 400, "invalid_credentials");
  });
});

describe("refresh-token rotation", () => {
  it("rotates the refresh token and keeps the session", async () => {
    const first = await signUp(stack);
    const { data, error } = await refresh(first.refresh_token);
    expect(error).toBeNull();
    expect(data.session?.refresh_token).not.toBe(first.refresh_token);
    expect(data.user?.id).toBe(first.user.id);
    const claims = (token: string) => JSON.parse(atob(token.split(".")[1] ?? ""));
    expect(claims(data.session?.access_token ?? "").session_id).toBe(
      claims(first.access_token).session_id,
    );
  });

  it("answers the parent of the active token with the active token again", async () => {
    const first = await signUp(stack);
    const second = (await refresh(first.refresh_token)).data.session;
    const again = await refresh(first.refresh_token);
    expect(again.error).toBeNull();
    expect(again.data.session?.refresh_token).toBe(second?.refresh_token);
  });

  it("revokes the whole family when an older token is reused after the interval", async () => {
    const first = await signUp(stack);
    const second = (await refresh(first.refresh_token)).data.session;
    const third = (await refresh(second?.refresh_token ?? "")).data.session;
    expect(third).not.toBeNull();

    const reuse = await refresh(first.refresh_token);
    expectApiError(reuse.error, 400, "refresh_token_already_used");
    expect(reuse.error?.message).toBe("Invalid Refresh Token: Already Used");
    // The newest token belonged to the same family, so it is revoked too.
    const newest = await refresh(third?.refresh_token ?? "");
    expectApiError(newest.error, 400, "refresh_token_already_used");
  });

  it("accepts an older token again inside the default 10 s reuse interval", async () => {
    const first = await signUp(defaultStack);
    const second = (await refresh(first.refresh_token, defaultStack)).data.session;
    await refresh(second?.refresh_token ?? "", defaultStack);
    const reuse = await refresh(first.refresh_token, defaultStack);
    expect(reuse.error).toBeNull();
    expect(reuse.data.session?.user.id).toBe(first.user.id);
  });

  it("answers an unknown refresh token with refresh_token_not_found", async () => {
    const { error } = await refresh("not-a-token");
    expectApiError(error, 400, "refresh_token_not_found");
  });
});

describe("sign-out", () => {
  it("ends the session: its access and refresh tokens stop working", async () => {
    const email = newEmail("logout");
    await signUp(stack, email);
    const { client, session } = await signIn(email);
    const accessToken = session?.access_token ?? "";
    expect((await client.auth.getUser(accessToken)).data.user?.email).toBe(email);

    expect((await client.auth.signOut()).error).toBeNull();

    const { data, error } = await stack.client().auth.getUser(accessToken);
    expect(data.user).toBeNull();
    expect(isAuthSessionMissingError(error)).toBe(true);
    const raw = await fetch(`${stack.url}/auth/v1/user`, {
      headers: {
        apikey: stack.anonKey,
        authorization: `Bearer ${accessToken}`,
        "X-Supabase-Api-Version": "2024-01-01",
      },
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ code: "session_not_found" });
    const refreshed = await refresh(session?.refresh_token ?? "");
    expectApiError(refreshed.error, 400, "refresh_token_not_found");
  });

  it("ends only the other sessions with scope others, only this one with scope local", async () => {
    const email = newEmail("scopes");
    await signUp(stack, email);
    const here = await signIn(email);
    const elsewhere = await signIn(email);
    const works = async (session: Session | null) =>
      !(await stack.client().auth.getUser(session?.access_token)).error;

    await here.client.auth.signOut({ scope: "others" });
    expect(await works(here.session)).toBe(true);
    expect(await works(elsewhere.session)).toBe(false);

    const third = await signIn(email);
    await here.client.auth.signOut({ scope: "local" });
    expect(await works(here.session)).toBe(false);
    expect(await works(third.session)).toBe(true);
  });
});

describe("the user endpoint", () => {
  it("merges data into user_metadata, a null removing a key", async () => {
    const email = newEmail("update");
    await signUp(stack, email);
    const { client } = await signIn(email);
    await client.auth.updateUser({ data: { theme: "dark", plan: "free" } });
    const { data, error } = await client.auth.updateUser({ data: { plan: null, lang: "en" } });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toEqual({ theme: "dark", lang: "en" });
  });

  it("refuses the current password as the new one with 422 same_password", async () => {
    const email = newEmail("same");
    await signUp(stack, email);
    const { client } = await signIn(email);
    const { error } = await client.auth.updateUser({ password: PASSWORD });
    expectApiError(error, 422, "same_password");
  });

  it("changes the email once the link mailed to the new address is verified", async () => {
    const email = newEmail("before");
    const changed = newEmail("after");
    await signUp(stack, email);
    const { client } = await signIn(email);
    const { data } = await client.auth.updateUser({ email: changed });
    expect(data.user).toMatchObject({ email, new_email: changed });
    expect((await signIn(changed)).error).not.toBeNull();

    const verified = await stack.client().auth.verifyOtp({
      token_hash: linkToken(await latestMail(changed)),
      type: "email_change",
    });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(changed);
    expect((await signIn(changed)).error).toBeNull();
  });
});

describe("password recovery", () => {
  it("mails a link whose token signs in once and lets the user set a new password", async () => {
    const email = newEmail("forgot");
    const original = await signUp(stack, email);
    const recovery = await stack
      .client()
      .auth.resetPasswordForEmail(email, { redirectTo: "http://localhost:3000/reset" });
    expect(recovery).toEqual({ data: {}, error: null });
    const mail = await latestMail(email);
    expect(mail).toContain("redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset");

    const client = stack.client();
    const { data, error } = await client.auth.verifyOtp({
      token_hash: linkToken(mail),
      type: "recovery",
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(original.user.id);
    const again = await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(mail), type: "recovery" });
    expectApiError(again.error, 403, "otp_expired");

    const newPassword = "a brand new passphrase";
    expect((await client.auth.updateUser({ password: newPassword })).error).toBeNull();
    expect((await signIn(email, newPassword)).error).toBeNull();
    expectApiError((await signIn(email)).error, 400, "invalid_credentials");
    // Changing the password ended the user's other sessions.
    expectApiError((await refresh(original.refresh_token)).error, 400, "refresh_token_not_found");
  });

  it("also accepts the 6-digit code from the mail with the address", async () => {
    const email = newEmail("code");
    await signUp(stack, email);
    await stack.client().auth.resetPasswordForEmail(email);
    const code = /code: (\d{6})/.exec((await latestMail(email)) ?? "")?.[1] ?? "";
    const wrong = await stack
      .client()
      .auth.verifyOtp({ email, token: code === "000000" ? "000001" : "000000", type: "recovery" });
    expectApiError(wrong.error, 403, "otp_expired");
    const { data, error } = await stack
      .client()
      .auth.verifyOtp({ email, token: code, type: "recovery" });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
  });

  it("refuses a token older than an hour with 403 otp_expired", async () => {
    const email = newEmail("late");
    await signUp(stack, email);
    await stack.client().auth.resetPasswordForEmail(email);
    const tokenHash = linkToken(await latestMail(email));
    await stack.db.query(
      "update auth.one_time_tokens set created_at = now() - interval '61 minutes' where token_hash = $1",
      [tokenHash],
    );
    const { error } = await stack
      .client()
      .auth.verifyOtp({ token_hash: tokenHash, type: "recovery" });
    expectApiError(error, 403, "otp_expired");
  });

  it("redirects a followed mail link to redirect_to with the session in the fragment", async () => {
    const email = newEmail("link");
    await signUp(stack, email);
    await stack
      .client()
      .auth.resetPasswordForEmail(email, { redirectTo: "http://localhost:3000/reset" });
    const link = /http\S+\/verify\?\S+/.exec((await latestMail(email)) ?? "")?.[0] ?? "";
    const follow = async () => {
      const response = await fetch(link, {
        redirect: "manual",
        headers: { apikey: stack.anonKey },
      });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get("location") ?? "");
      return {
        to: location.origin + location.pathname,
        fragment: new URLSearchParams(location.hash.slice(1)),
      };
    };

    const first = await follow();
    expect(first.to).toBe("http://localhost:3000/reset");
    expect(first.fragment.get("type")).toBe("recovery");
    const { data } = await stack.client().auth.getUser(first.fragment.get("access_token") ?? "");
    expect(data.user?.email).toBe(email);
    const second = await follow();
    expect(second.fragment.get("error_code")).toBe("otp_expired");
    expect(second.fragment.get("access_token")).toBeNull();
  });

  it("answers {} for an unknown address and sends nothing", async () => {
    const email = newEmail("stranger");
    expect(await stack.client().auth.resetPasswordForEmail(email)).toEqual({
      data: {},
      error: null,
    });
    expect(await latestMail(email)).toBeUndefined();
  });
});

describe("admin users", () => {
  it("creates and deletes users with the service-role key", async () => {
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    const email = newEmail("created");
    const created = await admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { team: "ops" },
    });
    expect(created.error).toBeNull();
    expect(created.data.user).toMatchObject({ email, user_metadata: { team: "ops" } });
    const { session } = await signIn(email);
    expect(session).not.toBeNull();

    const taken = await admin.createUser({ email, password: PASSWORD });
    expectApiError(taken.error, 422, "email_exists");

    expect((await admin.deleteUser(created.data.user?.id ?? "")).error).toBeNull();
    expectApiError((await signIn(email)).error, 400, "invalid_credentials");
    const orphan = await stack.client().auth.getUser(session?.access_token);
    expectApiError(orphan.error, 403, "user_not_found");
  });

  it("keeps an unconfirmed user from signing in", async () => {
    const email = newEmail("unconfirmed");
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    expect((await admin.createUser({ email, password: PASSWORD })).error).toBeNull();
    expectApiError((await signIn(email)).error, 400, "email_not_confirmed");
  });

  it("refuses the anon key and user tokens with 403 not_admin", async () => {
    const email = newEmail("sneaky");
    const anon = stack.client().auth.admin;
    expectApiError((await anon.createUser({ email, password: PASSWORD })).error, 403, "not_admin");
    const user = await signUp(stack);
    const asUser = stack.client(user.access_token).auth.admin;
    expectApiError((await asUser.deleteUser(user.user.id)).error, 403, "not_admin");
    expect((await stack.client().auth.getUser(user.access_token)).error).toBeNull();
  });

  it("generates a recovery link without mailing it, and it signs in once", async () => {
    const user = await signUp(stack);
    const email = user.user.email ?? "";
    const admin = stack.client(stack.serviceRoleKey).auth.admin;
    const link = await admin.generateLink({
      type: "recovery",
      email,
      options: { redirectTo: "http://app.example.test/reset-password" },
    });
    expect(link.error).toBeNull();
    expect(link.data.user?.id).toBe(user.user.id);
    expect(link.data.properties?.verification_type).toBe("recovery");
    expect(link.data.properties?.redirect_to).toBe("http://app.example.test/reset-password");
    const { rows } = await stack.db.query(
      "select 1 from local_stack.mailbox where recipient = $1",
      [email],
    );
    expect(rows).toEqual([]);
    const hashed = link.data.properties?.hashed_token ?? "";
    const verified = await stack.client().auth.verifyOtp({ token_hash: hashed, type: "recovery" });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.id).toBe(user.user.id);
    const again = await stack.client().auth.verifyOtp({ token_hash: hashed, type: "recovery" });
    expect(again.error).not.toBeNull();
    const unknown = await admin.generateLink({ type: "recovery", email: newEmail("nobody") });
    expectApiError(unknown.error, 404, "user_not_found");
    const asUser = stack.client(user.access_token).auth.admin;
    expectApiError(
      (await asUser.generateLink({ type: "recovery", email })).error,
      403,
      "not_admin",
    );
  });
});

describe("access tokens", () => {
  it("verify against the published JWKS with GoTrue's claims", async () => {
    const email = newEmail("claims");
    const session = await signUp(stack, email);
    const jwksUrl = `${stack.url}/auth/v1/.well-known/jwks.json`;
    const { payload, protectedHeader } = await jwtVerify(
      session.access_token,
      createRemoteJWKSet(new URL(jwksUrl)),
      { issuer: `${stack.url}/auth/v1`, audience: "authenticated", algorithms: ["ES256"] },
    );
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: stack.keys.kid, typ: "JWT" });
    expect(payload).toMatchObject({
      sub: session.user.id,
      role: "authenticated",
      email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      aal: "aal1",
      amr: [{ method: "password", timestamp: expect.any(Number) }],
      is_anonymous: false,
    });
    expect(payload.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    expect(session.expires_at).toBe(payload.exp);

    const jwks = await fetch(jwksUrl);
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=600");
    expect(await jwks.json()).toEqual({ keys: [stack.keys.publicJwk] });
  });

  it("record a verified one-time token as amr otp, and pass supabase-js getClaims", async () => {
    const email = newEmail("otp");
    await signUp(stack, email);
    await stack.client().auth.resetPasswordForEmail(email);
    const client = stack.client();
    const { data } = await client.auth.verifyOtp({
      token_hash: linkToken(await latestMail(email)),
      type: "recovery",
    });
    const claims = await client.auth.getClaims(data.session?.access_token);
    expect(claims.error).toBeNull();
    expect(claims.data?.claims.amr).toEqual([{ method: "otp", timestamp: expect.any(Number) }]);
    expect(decodeProtectedHeader(data.session?.access_token ?? "").kid).toBe(stack.keys.kid);
  });

  it("are refused by /user when forged, with 403 bad_jwt", async () => {
    const session = await signUp(stack);
    const [header, payload] = session.access_token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(86)}`;
    const { error } = await stack.client().auth.getUser(forged);
    expectApiError(error, 403, "bad_jwt");
  });
});

describe("GoTrue's wire format", () => {
  const post = (path: string, body: unknown, apiVersion: string | null = "2024-01-01") =>
    fetch(`${stack.url}/auth/v1/${path}`, {
      method: "POST",
      headers: {
        apikey: stack.anonKey,
        origin: "http://spa.example.test",
        "content-type": "application/json",
        ...(apiVersion && { "X-Supabase-Api-Version": apiVersion }),
      },
      body: JSON.stringify(body),
    });

  it("sends {code, message} and x-sb-error-code to versioned clients, legacy bodies to others", async () => {
    const credentials = { email: newEmail("wire"), password: "wrong password" };
    const versioned = await post("token?grant_type=password", credentials);
    expect(versioned.status).toBe(400);
    expect(versioned.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    expect(versioned.headers.get("x-sb-error-code")).toBe("invalid_credentials");
    // auth-js in a browser on another origin must read the version header to trust the code.
    expect(versioned.headers.get("access-control-expose-headers")).toContain(
      "x-supabase-api-version",
    );
    expect(await versioned.json()).toEqual({
      code: "invalid_credentials",
      message: "Invalid login credentials",
    });
    const legacy = await post("token?grant_type=password", credentials, null);
    expect(legacy.headers.get("x-supabase-api-version")).toBeNull();
    expect(await legacy.json()).toEqual({
      code: 400,
      error_code: "invalid_credentials",
      msg: "Invalid login credentials",
    });
  });

  it("answers GoTrue features it leaves out with 501 not_implemented", async () => {
    const otp = await post("otp", { email: newEmail("magic") });
    expect(otp.status).toBe(501);
    expect(await otp.json()).toMatchObject({ code: "not_implemented" });
    const phone = await stack.client().auth.signUp({ phone: "+15555550100", password: PASSWORD });
    expect(phone.error?.status).toBe(501);
    const idToken = await post("token?grant_type=id_token", {});
    expect(idToken.status).toBe(501);
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    expect((await post("nowhere", {})).status).toBe(404);
    expect((await post("user", {})).status).toBe(405);
  });
});
