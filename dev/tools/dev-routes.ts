// The dev server's own pages under /__dev/, in front of Vercel's routing: stand-ins for outside
// services that only exist on a local machine (the sandbox checkout, the email and SMS outbox).
// Never deployed: dev/ is not part of the Vercel build.
import { createFakeSocialOAuth } from "./fake-social-oauth.js";
import { localOpenAi } from "./local-openai.js";
import { outboxPage } from "./outbox.js";
import { sandboxPay } from "./sandbox-pay.js";
import { fakeMetaSend, testChannelPage } from "./test-channel.js";

const SANDBOX_PAY = /^\/__dev\/pay\/([^/]+)$/;
const OUTBOX = /^\/__dev\/outbox(\/.*)?$/;
const LOCAL_OPENAI = /^\/__dev\/openai\/v1(\/.*)$/;
const SOCIAL_OAUTH = /^\/__dev\/social(\/.*)$/;
const META_SEND = /^\/__dev\/social\/meta-graph\/v\d+\.\d\/(\d{1,30})\/messages$/;
const TEST_CHANNEL = /^\/__dev\/channels(\/.*)?$/;
let socialOAuth: ReturnType<typeof createFakeSocialOAuth> | undefined;

/** The dev page's answer, or undefined when the path is not one of them. */
export async function devRoute(request: Request): Promise<Response | undefined> {
  const { pathname } = new URL(request.url);
  const pay = SANDBOX_PAY.exec(pathname);
  if (pay?.[1]) return sandboxPay(request, pay[1]);
  const openai = LOCAL_OPENAI.exec(pathname);
  if (openai?.[1]) return localOpenAi(request, openai[1]);
  // The test channel page, and the fakes of the platforms' send APIs it lists (issue 22).
  const metaSend = META_SEND.exec(pathname);
  if (metaSend?.[1] && request.method === "POST") return fakeMetaSend(request, metaSend[1]);
  const testChannel = TEST_CHANNEL.exec(pathname);
  if (testChannel) return testChannelPage(request, testChannel[1] ?? "");
  // Meta's and TikTok's OAuth, faked for the social channels' connect popup (issue 22).
  const social = SOCIAL_OAUTH.exec(pathname);
  if (social?.[1]) {
    socialOAuth ??= createFakeSocialOAuth();
    return socialOAuth.handle(request, social[1]);
  }
  const outbox = OUTBOX.exec(pathname);
  if (outbox) return outboxPage(request, outbox[1] ?? "");
  return undefined;
}
