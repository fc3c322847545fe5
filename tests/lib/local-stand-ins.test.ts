// The local stand-ins switch on only when the local stack asks for them (BASTION_LOCAL_STACK=1),
// not merely because this is not a Vercel deployment: on a plain server with no VERCEL_ENV (a
// container, a VM), each refuses or is ignored. Each case loads lib/ afresh with the environment
// stubbed, as a cold start would read it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../helpers/log-capture.js";

/** A host that never said it is the local stack, and is no Vercel deployment either. */
function plainServer(settings: Record<string, string> = {}): void {
  vi.resetModules();
  vi.stubEnv("BASTION_LOCAL_STACK", "");
  vi.stubEnv("VERCEL_ENV", "");
  vi.stubEnv("NODE_ENV", "");
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
}

const notConfigured = expect.objectContaining({ code: "provider_not_configured", status: 503 });

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("on a server that did not ask for the local stack", () => {
  it("texts no country while SMS_ALLOWED_COUNTRIES is unset", async () => {
    plainServer({ SMS_ALLOWED_COUNTRIES: "" });
    captureLogs();
    const { requireSmsDestination } = await import("../../lib/notify/sms-destination.js");
    expect(() => requireSmsDestination("+1 415 555 0100", "phone")).toThrow(notConfigured);
  });

  it("puts nothing in the local outbox: the message stays queued for a real provider", async () => {
    // A database it could write to, were it allowed: the refusal comes first.
    plainServer({ SUPABASE_URL: "http://127.0.0.1:9", SUPABASE_SERVICE_ROLE_KEY: "service-key" });
    const { localOutboxSender } = await import("../../lib/notify/outbox/local-outbox.js");
    const { serviceClient } = await import("../../lib/db/service-client.js");
    await expect(
      localOutboxSender(serviceClient()).send({
        notificationId: "00000000-0000-4000-8000-000000000001",
        idempotencyKey: "notification-1",
        channel: "email",
        template: "welcome",
        to: "someone@example.test",
        rendered: { subject: "Hello", text: "Hello", html: "<p>Hello</p>", sms: "Hello" },
      }),
    ).rejects.toThrow(notConfigured);
  });

  it("names no made-up practice address in calendar invitations", async () => {
    plainServer({ PRACTICE_EMAIL: "", EMAIL_FROM: "" });
    captureLogs();
    const { practiceEmail } = await import("../../lib/notify/practice.js");
    expect(() => practiceEmail()).toThrow(notConfigured);
  });

  it("offers no sandbox payments", async () => {
    plainServer({ RAZORPAY_KEY_ID: "", RAZORPAY_KEY_SECRET: "" });
    const { orderProvider } = await import("../../lib/payments/providers/registry.js");
    await expect(orderProvider()).rejects.toThrow(notConfigured);
  });

  it.each([
    [
      "Stripe",
      { STRIPE_SECRET_KEY: "sk_test_plain", STRIPE_API_URL: "http://127.0.0.1:9/" },
      "stripe_api_url_ignored",
      async () => (await import("../../lib/payments/providers/stripe-client.js")).stripeClient(),
    ],
    [
      "Razorpay",
      {
        RAZORPAY_KEY_ID: "rzp_test_plain",
        RAZORPAY_KEY_SECRET: "secret",
        RAZORPAY_API_URL: "http://127.0.0.1:9/",
      },
      "razorpay_api_url_ignored",
      async () =>
        (await import("../../lib/payments/providers/razorpay-client.js")).razorpayClient(),
    ],
    [
      "Resend",
      { RESEND_API_URL: "http://127.0.0.1:9/" },
      "resend_api_url_ignored",
      async () =>
        (await import("../../lib/notify/providers/resend-email.js")).resendClient("re_plain"),
    ],
    [
      "Cal.com",
      { CALCOM_API_KEY: "cal_live_plain", CALCOM_API_URL: "http://127.0.0.1:9/" },
      "calcom_api_url_ignored",
      async () => {
        const { calcomApiAddress } = await import("../../lib/scheduling/calcom/client.js");
        expect(calcomApiAddress()).toBe("https://api.cal.com");
      },
    ],
  ])("sends %s's key to no other address than the provider's", async (_, settings, event, make) => {
    plainServer(settings);
    const lines = captureLogs();
    await make();
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", event }));
  });
});
