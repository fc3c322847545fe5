// The MindfulQALB SPA's profile read (src/contexts/AuthContext.tsx), played as written:
// `fetch(`${base}/health?action=profile`, { headers: { Authorization: `Bearer ${token}` } })`,
// then the bare profile row; `role === "admin"` opens its admin pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

function spaProfile(accessToken: string) {
  return fetch(`${api.url}/api/health?action=profile`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
}

describe("GET /api/health?action=profile as the MindfulQALB SPA calls it", () => {
  it("answers the caller's profile row in the SPA's field names, with its role", async () => {
    const customer = await api.signUp();
    const name = await fetch(`${api.url}/api/users/me`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${customer.accessToken}`,
      },
      body: JSON.stringify({ fullName: "Asha Rao", phone: "+919876543210" }),
    });
    expect(name.status).toBe(200);
    const profile = await expectJson(await spaProfile(customer.accessToken), 200);
    expect(profile).toEqual({
      id: customer.id,
      email: expect.any(String),
      full_name: "Asha Rao",
      phone: "+919876543210",
      avatar_url: null,
      role: "user",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });

    const admin = await api.signUp({ role: "admin" });
    expect(await expectJson(await spaProfile(admin.accessToken), 200)).toMatchObject({
      id: admin.id,
      role: "admin",
    });
    const staff = await api.signUp({ role: "staff" });
    expect(await expectJson(await spaProfile(staff.accessToken), 200)).toMatchObject({
      role: "therapist",
    });
  });

  it("is 401 without a valid token (the SPA then reads Supabase), and plain health is unchanged", async () => {
    await expectProblem(await fetch(`${api.url}/api/health?action=profile`), 401, "unauthorized");
    expect((await spaProfile("not-a-token")).status).toBe(401);
    const health = await expectJson(await fetch(`${api.url}/api/health`), 200);
    expect(health).toMatchObject({ status: expect.any(String), checks: expect.any(Object) });
    await expectProblem(
      await fetch(`${api.url}/api/health?action=other`),
      400,
      "validation_failed",
    );
  });
});
