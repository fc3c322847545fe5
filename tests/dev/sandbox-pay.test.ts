// The whole local payment flow with no accounts, as `npm run dev` runs it: a hold, a sandbox
// order, the dev server's /__dev/pay page completing the payment and delivering the signed
// webhook, then the browser's verify — the hold confirmed once. Each hold is with a practitioner
// of its own (tests/helpers/booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

async function bookingStatus(id: string) {
  const { rows } = await api.supabase.db.query<{ status: string }>(
    "select status from public.bookings where id = $1",
    [id],
  );
  return rows[0]?.status;
}

describe("the sandbox checkout page", () => {
  it("takes a hold from order to confirmed booking: pay page, signed webhook, verify", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const orderResponse = await fetch(`${api.url}/api/payments/create-order`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ sessionType: "individual", format: "video", bookingId }),
    });
    const order = (await orderResponse.json()) as { orderId: string; checkoutUrl: string };

    const page = await fetch(`${api.url}${order.checkoutUrl}?return=/booked`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("₹2,500.00");
    expect(html).toContain('name="return" value="/booked"');

    const paid = await fetch(`${api.url}${order.checkoutUrl}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ outcome: "captured", return: "/booked" }),
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get("location") ?? "", api.url);
    expect(back.pathname).toBe("/booked");
    expect(back.searchParams.get("webhook_status")).toBe("200");
    // The webhook alone has confirmed it, before the browser is back.
    expect(await bookingStatus(bookingId)).toBe("confirmed");

    const verify = await fetch(`${api.url}/api/payments/verify`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        razorpay_order_id: back.searchParams.get("razorpay_order_id"),
        razorpay_payment_id: back.searchParams.get("razorpay_payment_id"),
        razorpay_signature: back.searchParams.get("razorpay_signature"),
      }),
    });
    expect(await verify.json()).toMatchObject({ status: "captured", bookingStatus: "confirmed" });
    const { rows } = await api.supabase.db.query(
      "select to_status from public.booking_events where booking_id = $1 order by id",
      [bookingId],
    );
    expect(rows).toEqual([{ to_status: "held" }, { to_status: "confirmed" }]);
  });

  it("sends the browser back only to a path on this site, and knows only ledger orders", async () => {
    const unknown = await fetch(`${api.url}/__dev/pay/order_sbx_00000000000000000000`);
    expect(unknown.status).toBe(404);
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const order = (await (
      await fetch(`${api.url}/api/payments/create-order`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${user.accessToken}`,
          "content-type": "application/json",
          "idempotency-key": crypto.randomUUID(),
        },
        body: JSON.stringify({ sessionType: "individual", format: "video", bookingId }),
      })
    ).json()) as { checkoutUrl: string };
    for (const hostile of ["//evil.example/steal", "https://evil.example/", "/\\evil.example"]) {
      const response = await fetch(`${api.url}${order.checkoutUrl}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ outcome: "failed", return: hostile }),
        redirect: "manual",
      });
      const location = new URL(response.headers.get("location") ?? "");
      expect([location.origin, location.pathname]).toEqual([api.url, "/"]);
    }
    expect(await bookingStatus(bookingId)).toBe("held");
  });
});
