// POST /api/auth/change-password through the dev server against the local stack: the current
// password or a sign-in under 5 minutes old proves the caller, the new password follows the
// registration rules, the caller's session goes on and every other session is signed out.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectProblem, send } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and correct password";
const NEW_PASSWORD = "another long enough passphrase";

interface Session {
  accessToken: string;
  refreshToken: string;
}

async function newUser() {
  const email = `password-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const created = await api.supabase.client(api.supabase.serviceRoleKey).auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
  });
  if (created.error) throw created.error;
  return { id: created.data.user.id, email };
}

async function signIn(email: string, password = PASSWORD): Promise<Session> {
  const { data, error } = await api.supabase.client().auth.signInWithPassword({ email, password });
  if (error || !data.session) throw error ?? new Error("no session");
  return { accessToken: data.session.access_token, refreshToken: data.session.refresh_token };
}

/** Whether the session's refresh token still gives a new access token. */
async function alive(session: Session): Promise<boolean> {
  const { data } = await api.supabase
    .client()
    .auth.refreshSession({ refresh_token: session.refreshToken });
  if (data.session) session.refreshToken = data.session.refresh_token;
  return data.session !== null;
}

/** The session made to look signed in an hour ago, and an access token that says so. */
async function staled(userId: string, session: Session): Promise<Session> {
  await api.supabase.db.query(
    `update auth.mfa_amr_claims
        set created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'
      where session_id in (select id from auth.sessions where user_id = $1)`,
    [userId],
  );
  const { data, error } = await api.supabase
    .client()
    .auth.refreshSession({ refresh_token: session.refreshToken });
  if (error || !data.session) throw error ?? new Error("no session");
  const { amr } = decodeJwt(data.session.access_token) as { amr: { timestamp: number }[] };
  expect(Math.max(...amr.map((entry) => entry.timestamp))).toBeLessThan(Date.now() / 1000 - 3000);
  return { accessToken: data.session.access_token, refreshToken: data.session.refresh_token };
}

const change = (token: string, body: unknown) =>
  send(api, "POST", "/api/auth/change-password", { token, body });

async function passwordWorks(email: string, password: string): Promise<boolean> {
  const { error } = await api.supabase.client().auth.signInWithPassword({ email, password });
  return error === null;
}

describe("POST /api/auth/change-password", () => {
  it("changes it with the current password: this session goes on, the others are signed out", async () => {
    const user = await newUser();
    const other = await signIn(user.email);
    const mine = await staled(user.id, await signIn(user.email));
    const response = await change(mine.accessToken, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(204);
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
    expect(await passwordWorks(user.email, PASSWORD)).toBe(false);
    expect(await alive(mine)).toBe(true);
    expect(await alive(other)).toBe(false);
  });

  it("changes it without the current password within 5 minutes of signing in", async () => {
    const user = await newUser();
    const other = await signIn(user.email);
    const mine = await signIn(user.email);
    expect((await change(mine.accessToken, { newPassword: NEW_PASSWORD })).status).toBe(204);
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
    expect(await alive(mine)).toBe(true);
    expect(await alive(other)).toBe(false);
  });

  it("refuses a stale session without the password, and a wrong password, changing nothing", async () => {
    const user = await newUser();
    const mine = await staled(user.id, await signIn(user.email));
    const other = await signIn(user.email);
    await expectProblem(
      await change(mine.accessToken, { newPassword: NEW_PASSWORD }),
      403,
      "reauthentication_required",
    );
    const wrong = await expectProblem(
      await change(mine.accessToken, {
        currentPassword: "not it at all",
        newPassword: NEW_PASSWORD,
      }),
      403,
      "reauthentication_required",
    );
    expect(wrong.detail).toBe("The password is not correct.");
    expect(await passwordWorks(user.email, PASSWORD)).toBe(true);
    expect(await alive(other)).toBe(true);
  });

  it("refuses a weak or unchanged new password with 400 on the newPassword field", async () => {
    const user = await newUser();
    const mine = await signIn(user.email);
    for (const newPassword of ["short", user.email, "password123"]) {
      const problem = await expectProblem(
        await change(mine.accessToken, { newPassword }),
        400,
        "validation_failed",
      );
      expect(Object.keys(problem.errors as object)).toEqual(["newPassword"]);
    }
    const same = await expectProblem(
      await change(mine.accessToken, { currentPassword: PASSWORD, newPassword: PASSWORD }),
      400,
      "validation_failed",
    );
    expect(same.errors).toEqual({ newPassword: ["This is your current password."] });
    expect(await passwordWorks(user.email, PASSWORD)).toBe(true);
  });

  it("needs a signed-in caller and refuses unknown fields", async () => {
    await expectProblem(
      await send(api, "POST", "/api/auth/change-password", { body: { newPassword: NEW_PASSWORD } }),
      401,
      "unauthorized",
    );
    const user = await newUser();
    const mine = await signIn(user.email);
    await expectProblem(
      await change(mine.accessToken, { newPassword: NEW_PASSWORD, email: "x@example.test" }),
      400,
      "validation_failed",
    );
  });
});
