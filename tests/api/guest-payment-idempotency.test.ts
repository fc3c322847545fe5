// Idempotency-Key on the payment endpoints guests call (issue 17, item 1): optional, and honoured
// when sent — a guest's retry with the same key and body answers the same order
// (Idempotent-Replayed: true) and opens no second payment; the same key with another body is
// 422; without a key each call is an order of its own. Local sandbox provider, no account.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

interface Order {
  orderId: string;
  paymentId: string;
}

describe("a guest's create-order and Idempotency-Key", () => {
  it("replays the order for the same key and body, and makes a new one without a key", async () => {
    const body = { sessionType: "couples", format: "video" };
    const key = crypto.randomUUID();
    const first = await expectJson<Order>(
      await post(api, "/api/payments/create-order", body, { key }),
      201,
    );
    const retry = await post(api, "/api/payments/create-order", body, { key });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectJson<Order>(retry, 201)).toEqual(first);
    await expectProblem(
      await post(api, "/api/payments/create-order", { ...body, format: "in_person" }, { key }),
      422,
      "idempotency_key_reused",
    );
    const unkeyed = await expectJson<Order>(
      await post(api, "/api/payments/create-order", body),
      201,
    );
    expect(unkeyed.paymentId).not.toBe(first.paymentId);
    const { rows } = await api.supabase.db.query(
      "select id from public.payments where id = any($1::uuid[])",
      [`{${first.paymentId},${unkeyed.paymentId}}`],
    );
    expect(rows).toHaveLength(2);
  });
});
