// GET /api/cron/settle-payments with the local sandbox provider: the sweep finishes what the
// request paths left unfinished — a refund a cancelled paid booking is owed, a stored webhook event
// whose processing failed — once each, however often it runs. The database's own call after a
// cancellation is off here (databaseWebhooks: false), as when pg_net's request never arrived, so
// the sweep is the safety net under test (tests/api/database-webhooks.test.ts has the call).
// Each hold is with a practitioner of its own (tests/helpers/booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { apiClient, bearer, expectJson } from "../helpers/requests.js";
import { sandboxOrder, verifySandboxPayment } from "../helpers/sandbox-payment.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
});
afterAll(async () => {
  await api?.close();
});

const sweep = (secret = TEST_CRON_SECRET) =>
  fetch(`${api.url}/api/cron/settle-payments`, {
    headers: { authorization: `Bearer ${secret}` },
  });

/** A hold and its sandbox order. */
async function orderedHold(token: string) {
  const bookingId = await holdBooking(api, token);
  const { order, providerPaymentId: paymentId } = await sandboxOrder(api, token, bookingId);
  return { bookingId, order, paymentId };
}

async function refundsOf(paymentId: string) {
  const { rows } = await api.supabase.db.query<{ amount_minor: string; status: string }>(
    "select amount_minor, status from public.refunds where payment_id = $1",
    [paymentId],
  );
  return rows.map((row) => ({ amount: Number(row.amount_minor), status: row.status }));
}

describe("the payments sweep", () => {
  it("answers 401 without the cron secret", async () => {
    const response = await sweep("not-the-secret-at-all");
    expect(response.status).toBe(401);
  });

  it("refunds a cancelled paid booking what the policy owes, once", async () => {
    const user = await api.signUp();
    const { bookingId, order, paymentId } = await orderedHold(user.accessToken);
    await verifySandboxPayment(api, user.accessToken, order, paymentId);
    const cancelled = await expectJson(
      await apiClient(api).POST("/api/bookings/{id}/cancel", {
        params: { path: { id: bookingId } },
        body: { reason: "Travelling" },
        headers: bearer(user.accessToken),
      }),
      200,
    );
    expect(cancelled).toMatchObject({ status: "cancelled", refundDueMinor: 250000 });
    expect(await refundsOf(order.paymentId)).toEqual([]);

    const first = await sweep();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ refundsRequested: expect.any(Number) });
    expect(await refundsOf(order.paymentId)).toEqual([{ amount: 250000, status: "succeeded" }]);
    await sweep();
    expect(await refundsOf(order.paymentId)).toEqual([{ amount: 250000, status: "succeeded" }]);
    const { rows } = await api.supabase.db.query<{ status: string }>(
      "select status from public.payments where id = $1",
      [order.paymentId],
    );
    expect(rows).toEqual([{ status: "refunded" }]);
  });

  it("processes a stored webhook event whose first processing failed", async () => {
    const user = await api.signUp();
    const { bookingId, order, paymentId } = await orderedHold(user.accessToken);
    const eventId = `evt_sbx_retry_${crypto.randomUUID().replaceAll("-", "")}`;
    await api.supabase.db.query(
      `insert into public.webhook_events
         (provider, event_id, event_type, payload, received_at, attempts, last_error)
       values ('sandbox', $1, 'payment.captured', $2, now() - interval '5 minutes', 1, 'Error: timeout')`,
      [eventId, JSON.stringify({ paymentId, orderId: order.orderId })],
    );
    expect((await sweep()).status).toBe(200);
    const { rows } = await api.supabase.db.query<Record<string, unknown>>(
      `select e.processed_at is not null as processed, e.outcome, b.status as booking
       from public.webhook_events as e, public.bookings as b
       where e.event_id = $1 and b.id = $2`,
      [eventId, bookingId],
    );
    expect(rows).toEqual([{ processed: true, outcome: "captured", booking: "confirmed" }]);
  });
});
