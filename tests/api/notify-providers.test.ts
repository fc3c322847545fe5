// Notification delivery through Resend and Twilio, both faked at the network level (the real
// SDKs, pointed at local servers with RESEND_API_URL and TWILIO_API_URL): escaped HTML, the
// outbox row's key as Resend's Idempotency-Key, retries that send exactly once, and the status
// webhooks, signed with the providers' own helpers (standardwebhooks, which the resend SDK
// verifies with, and twilio's getExpectedTwilioSignature). Each booking is with a practitioner
// of its own (tests/helpers/practitioner.ts).
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { futureWeekday } from "../helpers/booking-hold.js";
import { type FakeResend, startFakeResend } from "../helpers/fake-resend.js";
import { type FakeTwilio, startFakeTwilio } from "../helpers/fake-twilio.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const RESEND_API_KEY = "re_test_notifications";
const RESEND_WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const TWILIO_ACCOUNT_SID = `AC${randomBytes(16).toString("hex")}`;
const TWILIO_AUTH_TOKEN = randomBytes(16).toString("hex");
const APP_URL = "https://app.example.test";
const TWILIO_CALLBACK = `${APP_URL}/api/webhooks/twilio`;

let api: TestApi;
let resend: FakeResend;
let sms: FakeTwilio;
beforeAll(async () => {
  resend = await startFakeResend(RESEND_API_KEY);
  sms = await startFakeTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: {
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      RESEND_WEBHOOK_SECRET,
      EMAIL_FROM: "Bastion Practice <care@example.test>",
      TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN,
      TWILIO_FROM: "+15005550006",
      TWILIO_API_URL: sms.url,
      APP_URL,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await resend?.close();
  await sms?.close();
});

interface NotificationRow {
  id: string;
  channel: string;
  status: string;
  provider: string | null;
  provider_message_id: string | null;
  idempotency_key: string;
  attempts: number;
}

async function notification(bookingId: string, channel = "email"): Promise<NotificationRow> {
  const { rows } = await api.supabase.db.query<NotificationRow>(
    `select id, channel, status, provider, provider_message_id, idempotency_key, attempts
       from public.notifications
      where booking_id = $1 and template = 'booking_confirmation' and channel = $2`,
    [bookingId, channel],
  );
  const row = rows[0];
  if (!row) throw new Error("no notification");
  return row;
}

/** A guest's free introductory call (15 minutes) with a practitioner of its own. */
async function bookFree(name: string, email: string) {
  const response = await fetch(`${api.url}/api/bookings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      sessionType: "free",
      format: "video",
      date: futureWeekday(),
      time: "4:30 PM",
      practitionerId: await newPractitioner(api.supabase),
      customer: { name, email, phone: "+919876543210" },
      consentAccepted: true,
    }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return (JSON.parse(text) as { bookingId: string }).bookingId;
}

const newEmail = () => `customer-${crypto.randomUUID().slice(0, 8)}@example.test`;

async function runCron() {
  const response = await fetch(`${api.url}/api/cron/deliver-notifications`, {
    headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
  });
  expect(response.status).toBe(200);
}

async function makeDue(id: string) {
  await api.supabase.db.query(
    "update public.notifications set next_attempt_at = now() - interval '1 second' where id = $1",
    [id],
  );
}

function resendWebhook(body: string, secret = RESEND_WEBHOOK_SECRET) {
  const id = `msg_${randomBytes(8).toString("hex")}`;
  const at = new Date();
  return fetch(`${api.url}/api/webhooks/resend`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign(id, at, body),
    },
    body,
  });
}

const resendEvent = (type: string, emailId: string) =>
  JSON.stringify({ type, created_at: new Date().toISOString(), data: { email_id: emailId } });

describe("email through Resend", () => {
  let bookingId = "";
  let email = "";

  it("escapes a customer's name in the HTML and sends the row's key as Idempotency-Key", async () => {
    email = newEmail();
    bookingId = await bookFree("<script>alert(1)</script>", email);
    await expect.poll(async () => (await notification(bookingId)).status).toBe("sent");
    const row = await notification(bookingId);
    const received = resend.sent.filter((message) => message.to.includes(email));
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message?.html).not.toContain("<script>alert(1)</script>");
    expect(message?.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(message?.idempotencyKey).toBe(row.idempotency_key);
    expect(message?.from).toBe("Bastion Practice <care@example.test>");
    expect(message?.attachments.map((a) => a.filename)).toEqual(["booking.ics"]);
    expect(message?.html).toContain(`${APP_URL}/bookings/${bookingId}`);
    expect(row).toMatchObject({ provider: "resend", provider_message_id: message?.id });
  });

  it("moves the status forward from signed webhooks, and refuses a bad signature", async () => {
    const { provider_message_id: emailId } = await notification(bookingId);
    if (!emailId) throw new Error("not sent");

    const forged = await resendWebhook(
      resendEvent("email.delivered", emailId),
      `whsec_${randomBytes(24).toString("base64")}`,
    );
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: "webhook_signature_invalid" });
    expect((await notification(bookingId)).status).toBe("sent");

    const delivered = await resendWebhook(resendEvent("email.delivered", emailId));
    expect(await delivered.json()).toEqual({ received: true, updated: true });
    expect((await notification(bookingId)).status).toBe("delivered");

    const again = await resendWebhook(resendEvent("email.delivered", emailId));
    expect(await again.json()).toEqual({ received: true, updated: false });

    const bounced = await resendWebhook(resendEvent("email.bounced", emailId));
    expect(await bounced.json()).toEqual({ received: true, updated: true });
    expect((await notification(bookingId)).status).toBe("bounced");

    const late = await resendWebhook(resendEvent("email.delivered", emailId));
    expect(await late.json()).toEqual({ received: true, updated: false });
    expect((await notification(bookingId)).status).toBe("bounced");
  });

  it("retries a failing provider with backoff and sends exactly once", async () => {
    const address = newEmail();
    resend.failFor(address, 2);
    const id = await bookFree("Kiran Rao", address);
    await expect
      .poll(async () => {
        const row = await notification(id);
        return [row.status, row.attempts];
      })
      .toEqual(["queued", 1]);
    const first = await notification(id);
    await makeDue(first.id);
    await runCron();
    expect(await notification(id)).toMatchObject({ status: "queued", attempts: 2 });
    await makeDue(first.id);
    await runCron();

    expect(await notification(id)).toMatchObject({ status: "sent", attempts: 3 });
    const attempts = resend.requests.filter((request) => request.to.includes(address));
    expect(attempts.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((request) => request.idempotencyKey))).toEqual(
      new Set([first.idempotency_key]),
    );
    expect(resend.sent.filter((message) => message.to.includes(address))).toHaveLength(1);
  });
});

describe("SMS through Twilio", () => {
  it("sends the SMS with a status callback, and takes signed status callbacks only", async () => {
    const bookingId = await bookFree("Asha Rao", newEmail());
    await api.supabase.db.query(
      `select public.enqueue_notification('sms', 'booking_confirmation',
         'booking_confirmation:' || $1 || ':sms', $1::uuid)`,
      [bookingId],
    );
    await runCron();
    await expect.poll(async () => (await notification(bookingId, "sms")).status).toBe("sent");
    const row = await notification(bookingId, "sms");
    const message = sms.sent.find((sent) => sent.sid === row.provider_message_id);
    expect(message).toMatchObject({
      to: "+919876543210",
      from: "+15005550006",
      statusCallback: TWILIO_CALLBACK,
    });
    expect(message?.body).toContain(`${APP_URL}/bookings/${bookingId}`);

    const callback = (status: string, signature?: string) => {
      const params = {
        AccountSid: TWILIO_ACCOUNT_SID,
        MessageSid: row.provider_message_id ?? "",
        MessageStatus: status,
      };
      return fetch(`${api.url}/api/webhooks/twilio`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature":
            signature ??
            twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, TWILIO_CALLBACK, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    };

    const forged = await callback(
      "delivered",
      twilio.getExpectedTwilioSignature("not-the-auth-token-0000", TWILIO_CALLBACK, {}),
    );
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: "webhook_signature_invalid" });
    expect((await notification(bookingId, "sms")).status).toBe("sent");

    const sent = await callback("sent");
    expect(await sent.json()).toEqual({ received: true, updated: false });
    const delivered = await callback("delivered");
    expect(await delivered.json()).toEqual({ received: true, updated: true });
    expect((await notification(bookingId, "sms")).status).toBe("delivered");
  });
});
