// Notification delivery with no provider configured, as in `npm run dev`: a free booking's
// confirmation is enqueued with the booking, delivered right after the response into the local
// outbox with its .ics, and shown at /__dev/outbox; the delivery cron refuses callers without
// the secret; a payment webhook delivered five times announces one receipt. Each booking is with
// a practitioner of its own (tests/helpers/practitioner.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxPaymentId, sandboxWebhookSignature } from "../../lib/payments/providers/sandbox.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { futureWeekday, holdBooking } from "../helpers/booking-hold.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

interface NotificationRow {
  id: string;
  template: string;
  channel: string;
  status: string;
  provider: string | null;
  provider_message_id: string | null;
  attempts: number;
}

async function notificationsOf(column: "booking_id" | "payment_id", id: string) {
  const { rows } = await api.supabase.db.query<NotificationRow>(
    `select id, template, channel, status, provider, provider_message_id, attempts
       from public.notifications where ${column} = $1 order by created_at`,
    [id],
  );
  return rows;
}

/** Delivery runs after the response (the booking's kick); this waits for its outcome. */
async function settled(column: "booking_id" | "payment_id", id: string, template: string) {
  await expect
    .poll(
      async () => (await notificationsOf(column, id)).find((n) => n.template === template)?.status,
    )
    .toBe("sent");
  const row = (await notificationsOf(column, id)).find((n) => n.template === template);
  if (!row) throw new Error("no notification");
  return row;
}

describe("a free booking's confirmation in the local outbox", () => {
  it("is enqueued with the booking, delivered after the response, and shown at /__dev/outbox", async () => {
    const email = `free-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const response = await fetch(`${api.url}/api/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        sessionType: "free",
        format: "video",
        date: futureWeekday(),
        time: "4:30 PM",
        practitionerId: await newPractitioner(api.supabase),
        customer: { name: "Meera Iyer", email },
        consentAccepted: true,
      }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(201);
    expect(text).not.toContain(TEST_CRON_SECRET);
    const { bookingId } = JSON.parse(text) as { bookingId: string };

    const row = await settled("booking_id", bookingId, "booking_confirmation");
    expect(row).toMatchObject({ channel: "email", provider: "outbox", attempts: 1 });

    const list = await (await fetch(`${api.url}/__dev/outbox`)).text();
    expect(list).toContain(email);
    expect(list).toContain(`/__dev/outbox/${row.provider_message_id}`);
    const page = await fetch(`${api.url}/__dev/outbox/${row.provider_message_id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Meera Iyer");
    expect(html).toContain("<iframe sandbox");
    expect(html).toContain(`/bookings/${bookingId}`);
    const ics = await fetch(`${api.url}/__dev/outbox/${row.provider_message_id}/attachments/0`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    expect(ics.headers.get("content-disposition")).toContain("booking.ics");
    const calendar = await ics.text();
    expect(calendar).toContain("BEGIN:VCALENDAR");
    expect(calendar).toContain(`UID:${bookingId}`);
  });

  it("keeps a sealed message: no name or address in the table", async () => {
    const { rows } = await api.supabase.db.query<{ message_sealed: string }>(
      "select message_sealed from public.local_outbox_messages",
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { message_sealed } of rows) expect(message_sealed).not.toContain("Meera");
  });
});

describe("the delivery cron", () => {
  it.each([
    ["without a secret", {}],
    ["with a wrong secret", { authorization: "Bearer not-the-cron-secret-at-all" }],
  ])("answers 401 %s and delivers nothing", async (_, headers) => {
    const response = await fetch(`${api.url}/api/cron/deliver-notifications`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("delivers with the scheduler's secret", async () => {
    const response = await fetch(`${api.url}/api/cron/deliver-notifications`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sent: expect.any(Number),
      retrying: expect.any(Number),
      failed: expect.any(Number),
    });
  });
});

describe("a payment webhook delivered five times", () => {
  it("announces one receipt", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const created = await fetch(`${api.url}/api/payments/create-order`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${user.accessToken}`,
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ sessionType: "individual", format: "video", bookingId }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { orderId: string; amount: number; currency: string };
    const paymentId = sandboxPaymentId({
      orderId: order.orderId,
      amountMinor: order.amount,
      currency: order.currency,
      status: "captured",
    });
    const body = JSON.stringify({
      entity: "event",
      event: "payment.captured",
      contains: ["payment"],
      payload: {
        payment: {
          entity: {
            id: paymentId,
            entity: "payment",
            order_id: order.orderId,
            amount: order.amount,
            currency: order.currency,
            status: "captured",
          },
        },
      },
      created_at: Math.floor(Date.now() / 1000),
    });
    const eventId = `evt_sbx_${crypto.randomUUID().replaceAll("-", "")}`;
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${api.url}/api/webhooks/sandbox`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-razorpay-signature": sandboxWebhookSignature(body),
            "x-razorpay-event-id": eventId,
          },
          body,
        }),
      ),
    );
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    const { rows } = await api.supabase.db.query<{ id: string }>(
      "select id from public.payments where provider_order_id = $1",
      [order.orderId],
    );
    const payment = rows[0];
    if (!payment) throw new Error("no payment");
    const receipt = await settled("payment_id", payment.id, "payment_receipt");
    expect(receipt).toMatchObject({ channel: "email", provider: "outbox" });
    expect((await notificationsOf("payment_id", payment.id)).map((n) => n.template)).toEqual([
      "payment_receipt",
    ]);
    const confirmation = await settled("booking_id", bookingId, "booking_confirmation");
    expect(confirmation.provider).toBe("outbox");
  });
});
