// GET /api/config on a deployment whose SUPABASE_ANON_KEY holds a secret key by mistake: 503
// provider_not_configured, and the key appears nowhere in the answer.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectProblem } from "../helpers/requests.js";

const SECRET_KEY = "sb_secret_do-not-publish-0123456789";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { SUPABASE_ANON_KEY: SECRET_KEY } });
});
afterAll(async () => {
  await api?.close();
});

it("refuses to publish a key that is not a publishable one", async () => {
  const response = await fetch(`${api.url}/api/config`);
  const text = await response.clone().text();
  await expectProblem(response, 503, "provider_not_configured");
  expect(text).not.toContain(SECRET_KEY);
  expect(text).not.toContain(api.supabase.url);
});
