// Admins publish and retire the consent versions a practice uses (issue 17, item 3): a published
// version is listed and accepted by POST /api/consent at once, its items never change (a second
// publish of the name is 409), a retired one is refused, only admins (app_metadata) may do
// either, and both are in the staff audit log. Versions made here have names of their own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const version = () => `v-${crypto.randomUUID().slice(0, 12)}`;
const consentTo = (name: string, acknowledgments: unknown) =>
  post(api, "/api/consent", {
    sessionType: "individual",
    email: `c-${crypto.randomUUID().slice(0, 8)}@example.test`,
    consentVersion: name,
    acknowledgments,
  });

describe("consent versions, published through the API", () => {
  it("publishes a version clients may consent to at once, and retires it", async () => {
    const admin = await api.signUp({ role: "admin" });
    const name = version();
    const published = await expectJson(
      await post(
        api,
        "/api/consent/versions",
        { version: name, title: "Informed consent", requiredItems: ["item1", "item2", "item3"] },
        { token: admin.accessToken },
      ),
      201,
    );
    expect(published).toMatchObject({
      version: name,
      requiredItems: ["item1", "item2", "item3"],
      retentionDays: 2555,
      active: true,
    });
    await expectJson(await consentTo(name, { item1: true, item2: true, item3: true }), 201);
    await expectJson(await consentTo(name, ["item3", "item1", "item2"]), 201);
    await expectProblem(await consentTo(name, ["item1"]), 400, "validation_failed");

    await expectProblem(
      await post(
        api,
        "/api/consent/versions",
        { version: name, title: "Changed", requiredItems: ["item1"] },
        { token: admin.accessToken },
      ),
      409,
      "conflict",
    );

    const retired = await expectJson(
      await send(api, "POST", `/api/consent/versions/${name}/retire`, {
        token: admin.accessToken,
      }),
      200,
    );
    expect(retired).toMatchObject({ version: name, active: false });
    await expectProblem(
      await consentTo(name, ["item1", "item2", "item3"]),
      400,
      "validation_failed",
    );
    // Retiring again changes nothing and records nothing more.
    await expectJson(
      await send(api, "POST", `/api/consent/versions/${name}/retire`, {
        token: admin.accessToken,
      }),
      200,
    );
    const { rows } = await api.supabase.db.query<{ action: string; actor: string }>(
      "select action, actor::text from public.staff_actions where subject_table = 'consent_versions' and detail->>'version' = $1 order by id",
      [name],
    );
    expect(rows).toEqual([
      { action: "consent_version.publish", actor: admin.id },
      { action: "consent_version.retire", actor: admin.id },
    ]);
    await expectProblem(
      await send(api, "POST", `/api/consent/versions/${version()}/retire`, {
        token: admin.accessToken,
      }),
      404,
      "not_found",
    );
  });

  it("is for admins only", async () => {
    const staff = await api.signUp({ role: "staff" });
    const customer = await api.signUp();
    const body = { version: version(), title: "Consent", requiredItems: ["item1"] };
    for (const token of [staff.accessToken, customer.accessToken]) {
      await expectProblem(
        await post(api, "/api/consent/versions", body, { token }),
        403,
        "forbidden",
      );
      await expectProblem(
        await send(api, "POST", "/api/consent/versions/2026-11/retire", { token }),
        403,
        "forbidden",
      );
    }
    await expectProblem(await post(api, "/api/consent/versions", body), 401, "unauthorized");
  });
});
