// GET /api/cron/reminders: only the scheduler may run it, and runs that overlap queue each
// reminder once. Which reminders are due, and daylight-saving days, are tested on the database
// function itself (tests/db/reminders.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const HOUR = 3_600_000;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const run = (headers: Record<string, string> = {}) =>
  fetch(`${api.url}/api/cron/reminders`, { headers });

describe("GET /api/cron/reminders", () => {
  it("answers 401 without the cron secret or with a wrong one", async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: "Bearer not-the-cron-secret-at-all" },
    ];
    for (const headers of refused) {
      const response = await run(headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: "unauthorized" });
    }
  });

  it("queues a due reminder once when two runs overlap", async () => {
    const bookingId = await insertBooking(api.supabase.db, {
      practitionerId: await newPractitioner(api.supabase.db),
      start: new Date(Date.now() + 23 * HOUR),
      createdAt: new Date(Date.now() - 2 * 24 * HOUR),
      phone: "+91 98765 43210",
      smsOptIn: true,
    });
    const authorized = { authorization: `Bearer ${TEST_CRON_SECRET}` };
    const responses = await Promise.all([run(authorized), run(authorized)]);
    const sweeps = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        return (await response.json()) as { enqueued: number };
      }),
    );
    // At least this booking's two; other tests' bookings may be due too (a shared database).
    expect(sweeps.reduce((sum, sweep) => sum + sweep.enqueued, 0)).toBeGreaterThanOrEqual(2);

    const { rows } = await api.supabase.db.query<{ idempotency_key: string }>(
      `select idempotency_key from public.notifications
       where booking_id = $1 and template = 'booking_reminder' order by idempotency_key`,
      [bookingId],
    );
    expect(rows.map((row) => row.idempotency_key)).toEqual([
      `booking_reminder:24h:${bookingId}:email`,
      `booking_reminder:24h:${bookingId}:sms`,
    ]);
  });
});
