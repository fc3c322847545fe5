// The MindfulQALB SPA's admin refunds (src/services/apiService.ts requestRefund), played as
// written: POST /api/payments/refund with `{booking_id}` or `{razorpay_payment_id}`, the admin's
// token, no Idempotency-Key and no reason; it reads `ok` and `error`, and on an `error` holding
// "No paid payment" it goes on to cancel (a free or unpaid booking).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { sandboxOrder, verifySandboxPayment } from "../helpers/sandbox-payment.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

function requestRefund(accessToken: string, params: Record<string, string>) {
  return fetch(`${api.url}/api/payments/refund`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(params),
  });
}

describe("POST /api/payments/refund as the SPA's admin page sends it", () => {
  it("refunds what was paid for a booking, then has no paid payment left", async () => {
    const admin = await api.signUp({ role: "admin" });
    const customer = await api.signUp();
    const bookingId = await holdBooking(api, customer.accessToken);
    const { order, providerPaymentId } = await sandboxOrder(api, customer.accessToken, bookingId);
    await verifySandboxPayment(api, customer.accessToken, order, providerPaymentId);

    const refund = await expectJson(
      await requestRefund(admin.accessToken, { booking_id: bookingId }),
      201,
    );
    expect(refund).toMatchObject({ paymentId: order.paymentId, amountMinor: order.amount });

    const again = await expectProblem(
      await requestRefund(admin.accessToken, { booking_id: bookingId }),
      404,
      "not_found",
    );
    expect(again.error).toContain("No paid payment");
  });

  it("refunds by the provider's payment id, and answers 'No paid payment' for an unpaid booking", async () => {
    const admin = await api.signUp({ role: "admin" });
    const customer = await api.signUp();
    const paid = await holdBooking(api, customer.accessToken);
    const { order, providerPaymentId } = await sandboxOrder(api, customer.accessToken, paid);
    await verifySandboxPayment(api, customer.accessToken, order, providerPaymentId);
    expect(
      await expectJson(
        await requestRefund(admin.accessToken, { razorpay_payment_id: providerPaymentId }),
        201,
      ),
    ).toMatchObject({ paymentId: order.paymentId });

    const unpaid = await holdBooking(api, customer.accessToken);
    const answer = await expectProblem(
      await requestRefund(admin.accessToken, { booking_id: unpaid }),
      404,
      "not_found",
    );
    expect(answer.error).toContain("No paid payment");

    // Customers are refused; Bastion's own shape still needs its Idempotency-Key.
    await expectProblem(
      await requestRefund(customer.accessToken, { booking_id: paid }),
      403,
      "forbidden",
    );
    await expectProblem(
      await post(
        api,
        "/api/payments/refund",
        { paymentId: order.paymentId, reason: "test" },
        { token: admin.accessToken },
      ),
      400,
      "idempotency_key_missing",
    );
  });
});
