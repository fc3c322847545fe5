// A deleted account's access token stays valid until it expires (tokens are verified locally,
// as Supabase's are everywhere): every endpoint that writes on the account's behalf must then
// answer 401 "sign in again" instead of failing with a 500, and write nothing. The account is
// deleted the way an admin or DELETE /api/users/me deletes it: through the Auth admin API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentBody } from "../helpers/booking-hold.js";
import { expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const settings = { baseVersion: 0, schemaVersion: 1, data: { theme: "dark" } };

/** Each write a signed-in user makes about themselves, as the browser sends it. */
const WRITES: [string, string, unknown][] = [
  ["PUT", "/api/sync/settings", { ...settings, device: "laptop" }],
  ["POST", "/api/sync/push", { ...settings, device: "laptop" }],
  ["PUT", "/api/users/me/settings", settings],
  ["POST", "/api/consent", consentBody("gone@example.test")],
  ["PUT", "/api/users/me", { fullName: "Gone", phone: null, locale: null, timeZone: null }],
];

/** A signed-in user whose account is then deleted; answers the token they still hold. */
async function deletedUser(): Promise<{ id: string; accessToken: string }> {
  const user = await api.signUp();
  const { error } = await api.supabase
    .client(api.supabase.serviceRoleKey)
    .auth.admin.deleteUser(user.id);
  expect(error).toBeNull();
  return user;
}

async function rowsOf(userId: string): Promise<number> {
  const { rows } = await api.supabase.db.query<{ n: number }>(
    `select (select count(*) from public.user_settings where user_id = $1)
          + (select count(*) from public.consent_records where user_id = $1)
          + (select count(*) from public.profiles where id = $1) as n`,
    [userId],
  );
  return Number(rows[0]?.n);
}

describe("a deleted account's still-valid access token", () => {
  it.each(WRITES)("%s %s answers 401 and writes nothing", async (method, path, body) => {
    const gone = await deletedUser();
    const response = await send(api, method, path, { token: gone.accessToken, body });
    await expectProblem(response, 401, "unauthorized");
    expect(await rowsOf(gone.id)).toBe(0);
  });

  it("reads its profile as 401 too, not as an empty or missing profile", async () => {
    const gone = await deletedUser();
    const response = await send(api, "GET", "/api/users/me", { token: gone.accessToken });
    await expectProblem(response, 401, "unauthorized");
  });
});

describe("a live account's token", () => {
  it.each(WRITES)("%s %s succeeds (the same request)", async (method, path, body) => {
    const user = await api.signUp();
    const response = await send(api, method, path, { token: user.accessToken, body });
    expect(response.status, await response.text()).toBeLessThan(300);
  });
});
