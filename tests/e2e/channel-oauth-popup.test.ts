// The social channels' connect popup (issue 22) end to end in Chromium, against the local fakes of
// Facebook Login and TikTok's Login Kit (dev/tools/fake-social-oauth.ts): a page of the app (at
// APP_URL) asks the API for the authorization URL and opens it in a popup, as the dashboard does;
// the owner presses Allow on the provider's consent page; the provider sends the popup to
// /oauth/<platform>/callback, whose page runs its one hashed script under its own CSP, posts the
// result to the opener at APP_URL's origin and closes. The opener receives {platform, status,
// account}, and nothing in the browser reports a CSP violation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeSocialOAuth, fakeSocialEnv } from "../../dev/tools/fake-social-oauth.js";
import { type RunningServer, serve } from "../../dev/web-server.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { newShop } from "../helpers/social-channels.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";

let api: TestApi;
let browser: TestBrowser;
let fakeServer: RunningServer;
const fake = createFakeSocialOAuth();

beforeAll(async () => {
  fakeServer = await serve((request) => fake.handle(request, new URL(request.url).pathname), {
    port: 0,
  });
  api = await startTestApi({
    env: {
      OPENAI_API_KEY: undefined,
      OPENAI_API_URL: undefined,
      CHANNEL_OAUTH_STATE_SECRET: "e2e-channel-oauth-state-secret-0123456789",
      ...fakeSocialEnv(fakeServer.url),
    },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([api?.close(), fakeServer?.close()]);
});

describe("connecting a channel in a popup", { timeout: 120_000 }, () => {
  it.each(["tiktok", "facebook"])(
    "%s: the opener receives the result from the callback page",
    async (platform) => {
      const shop = await newShop(api);
      const { page, context } = browser;
      await page.goto(`${api.url}/`);
      // What the dashboard's button does: ask for the URL, open the popup, listen for its answer.
      await page.evaluate(
        ({ shopId, token, platform }) => {
          const results: unknown[] = [];
          (window as unknown as { __oauthResults: unknown[] }).__oauthResults = results;
          window.addEventListener("message", (event) => {
            if (event.origin === window.location.origin) results.push(event.data);
          });
          const button = document.createElement("button");
          button.id = "connect-channel";
          button.textContent = `Connect ${platform}`;
          button.addEventListener("click", async () => {
            const popup = window.open("about:blank", "channel-oauth", "width=600,height=700");
            const answer = await fetch(`/api/shops/${shopId}/integrations/${platform}/connect`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: "{}",
            });
            const { authorizationUrl } = (await answer.json()) as { authorizationUrl: string };
            if (popup) popup.location.href = authorizationUrl;
          });
          document.body.append(button);
        },
        { shopId: shop.id, token: shop.owner.accessToken, platform },
      );
      const [popup] = await Promise.all([
        context.waitForEvent("page"),
        page.click("#connect-channel"),
      ]);
      await popup.waitForURL(/\/(dialog\/oauth|auth\/authorize\/)/);
      // Listen before pressing Allow: the callback page may post and close before click() returns.
      const closed = popup.waitForEvent("close", { timeout: 60_000 });
      await popup.click("#allow", { noWaitAfter: true });
      await closed;
      const results = await page.waitForFunction(() => {
        const found = (window as unknown as { __oauthResults: unknown[] }).__oauthResults;
        return found.length > 0 ? found : undefined;
      });
      const [message] = (await results.jsonValue()) as Record<string, unknown>[];
      expect(message).toMatchObject({ platform, status: "connected" });
      expect(JSON.stringify(message)).not.toMatch(/act\.|rft\.|EAA/);
      const csp = browser.problems.filter(
        (problem) =>
          problem.kind === "CSP violation" ||
          /Content Security Policy|Refused to/i.test(problem.text),
      );
      expect(csp).toEqual([]);
    },
  );
});
