// Without VAPID keys, Web Push is a provider that is not configured: the subscribe endpoints
// answer 503 provider_not_configured and pushToUsers sends nothing (and says so).
import { afterAll, beforeAll, expect, it } from "vitest";
import { pushToUsers } from "../../lib/push/send.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectProblem, send } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    env: { VAPID_PUBLIC_KEY: undefined, VAPID_PRIVATE_KEY: undefined, VAPID_SUBJECT: undefined },
  });
});
afterAll(async () => {
  await api?.close();
});

it("answers 503 and pushes nothing without VAPID keys", async () => {
  const user = await api.signUp();
  await expectProblem(
    await send(api, "GET", "/api/notifications/subscribe", { token: user.accessToken }),
    503,
    "provider_not_configured",
  );
  const subscription = {
    endpoint: "https://fcm.googleapis.com/fcm/send/abc",
    expirationTime: null,
    keys: { p256dh: "B".repeat(87), auth: "A".repeat(22) },
  };
  await expectProblem(
    await send(api, "POST", "/api/notifications/subscribe", {
      token: user.accessToken,
      body: subscription,
    }),
    503,
    "provider_not_configured",
  );
  const outcome = await pushToUsers(api.supabase.client(api.supabase.serviceRoleKey), [user.id], {
    title: "t",
    message: "m",
    type: "notification",
  });
  expect(outcome).toEqual({ configured: false, sent: 0, removed: 0, failed: 0, skipped: 0 });
});
