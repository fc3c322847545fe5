// The MindfulQALB SPA's session formats: its session ids are `${therapy}-${format}` and it sends
// the format as written — `chat`, `audio` or `video` for paid sessions, `call` for the free
// consultation — to create-order and POST /api/bookings. A practice offers a format by giving it
// a price (PUT /api/admin/session-types/{slug}); the calls are played as the SPA writes them,
// for session types of this file's own (the seeded ones keep their prices for other files).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentBody, futureWeekday } from "../helpers/booking-hold.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const run = crypto.randomUUID().slice(0, 8);
const PAID = `spa-individual-${run}`;
const FREE = `spa-free-${run}`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  const admin = await api.signUp({ role: "admin" });
  const paid = await send(api, "PUT", `/api/admin/session-types/${PAID}`, {
    token: admin.accessToken,
    body: {
      name: "Individual therapy (SPA formats)",
      durationMinutes: 30,
      prices: [
        { currency: "INR", format: "chat", amountMinor: 49900 },
        { currency: "INR", format: "audio", amountMinor: 89900 },
        { currency: "INR", format: "video", amountMinor: 129900 },
        { currency: "USD", format: "audio", amountMinor: 1100 },
      ],
    },
  });
  expect(paid.status).toBe(200);
  const free = await send(api, "PUT", `/api/admin/session-types/${FREE}`, {
    token: admin.accessToken,
    body: {
      name: "Free consultation (SPA formats)",
      durationMinutes: 15,
      requiresConsent: false,
      prices: [{ currency: "INR", format: "call", amountMinor: 0 }],
    },
  });
  expect(free.status).toBe(200);
});
afterAll(async () => {
  await api?.close();
});

function spaPost(path: string, body: unknown, accessToken?: string) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  return fetch(`${api.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** A free slot of the default practitioner, asked as the SPA asks (`sessionType: 'individual'`). */
async function freeSlot(): Promise<{ date: string; time: string }> {
  const date = futureWeekday(Math.floor(Math.random() * 30));
  const { slots } = (await expectJson(
    await spaPost("/api/availability", { date, sessionType: "individual" }),
    200,
  )) as { slots: { time: string; available: boolean }[] };
  const free = slots.filter((slot) => slot.available);
  const slot = free[Math.floor(Math.random() * free.length)];
  if (!slot) throw new Error(`no free slot on ${date}`);
  return { date, time: slot.time };
}

async function formatOf(bookingId: string) {
  const { rows } = await api.supabase.db.query<{ format: string }>(
    "select format from public.bookings where id = $1",
    [bookingId],
  );
  return rows[0]?.format;
}

describe("the SPA's formats", () => {
  it("lists chat, audio and video where the practice priced them", async () => {
    const services = (await expectJson(await fetch(`${api.url}/api/services`), 200)) as {
      slug: string;
      prices: { format: string; amount: number }[];
    }[];
    const paid = services.find((service) => service.slug === PAID);
    expect(paid?.prices.map((price) => price.format).sort()).toEqual([
      "audio",
      "audio",
      "chat",
      "video",
    ]);
  });

  it("pays for an audio session, books it in audio and confirms it with the link", async () => {
    const customer = await api.signUp();
    const email = `spa-audio-${run}@example.test`;
    const order = (await expectJson(
      await spaPost("/api/payments/create-order", {
        sessionType: PAID,
        format: "audio",
        currency: "INR",
        customerName: "Asha Rao",
        customerEmail: email,
        customerPhone: "+91 98765 43210",
      }),
      201,
    )) as { orderId: string; amount: number; currency: string; keyId: string };
    expect(order).toMatchObject({ amount: 89900, currency: "INR" });
    const razorpayPaymentId = sandboxPaymentId({
      orderId: order.orderId,
      amountMinor: order.amount,
      currency: order.currency,
      status: "captured",
    });
    expect(
      await expectJson(
        await spaPost("/api/payments/verify", {
          razorpay_order_id: order.orderId,
          razorpay_payment_id: razorpayPaymentId,
          razorpay_signature: sandboxCheckoutSignature(order.orderId, razorpayPaymentId),
        }),
        200,
      ),
    ).toMatchObject({ verified: true });

    expect((await spaPost("/api/consent", consentBody(email, PAID), customer.accessToken)).ok).toBe(
      true,
    );
    const { date, time } = await freeSlot();
    const booking = (await expectJson(
      await spaPost(
        "/api/bookings",
        {
          sessionType: PAID,
          format: "audio",
          date,
          time,
          customer: { name: "Asha Rao", email, phone: "+91 98765 43210", notes: "" },
          user_id: customer.id,
        },
        customer.accessToken,
      ),
      201,
    )) as { success: boolean; bookingId: string };
    expect(booking).toMatchObject({ success: true, status: "held" });
    expect(await formatOf(booking.bookingId)).toBe("audio");

    expect(
      await expectJson(
        await spaPost(
          "/api/payments/link",
          { razorpay_order_id: order.orderId, booking_id: booking.bookingId },
          customer.accessToken,
        ),
        200,
      ),
    ).toMatchObject({ success: true, status: "confirmed" });
  });

  it("books the free consultation's `call` at once, with no payment", async () => {
    const customer = await api.signUp();
    const { date, time } = await freeSlot();
    const booking = (await expectJson(
      await spaPost(
        "/api/bookings",
        {
          sessionType: FREE,
          format: "call",
          date,
          time,
          customer: {
            name: "Asha Rao",
            email: `spa-call-${run}@example.test`,
            phone: "+91 98765 43210",
            notes: "",
          },
          user_id: customer.id,
        },
        customer.accessToken,
      ),
      201,
    )) as { success: boolean; bookingId: string; status: string };
    expect(booking).toMatchObject({ success: true, status: "confirmed" });
    expect(await formatOf(booking.bookingId)).toBe("call");
  });

  it("refuses a format the session type has no price for, and one that is no format", async () => {
    await expectProblem(
      await spaPost("/api/payments/create-order", {
        sessionType: FREE,
        format: "chat",
        currency: "INR",
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await spaPost("/api/payments/create-order", {
        sessionType: PAID,
        format: "fax",
        currency: "INR",
      }),
      400,
      "validation_failed",
    );
  });
});
