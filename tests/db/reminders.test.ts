// public.enqueue_due_reminders (supabase/migrations/20261121000700_notifications.sql),
// called as the cron job calls it, with the service-role key: which reminders are due at an
// instant, that overlapping runs enqueue each once, and that a session on a daylight-saving day
// is reminded exactly 24 hours and 1 hour before its real start.
//
// With DATABASE_URL the database is shared, so every test uses its own practitioner and its own
// instant in a random far-future year (nothing else is due then), and looks only at its rows.
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { PROJECT_SEED, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

const HOUR = 3_600_000;

let stack: TestSupabase;
let service: SupabaseClient;

beforeAll(async () => {
  stack = await startTestSupabase({ seedFile: PROJECT_SEED });
  service = stack.client(stack.serviceRoleKey);
});
afterAll(async () => {
  await stack?.close();
});

/** A whole hour in a random year between 2040 and 2089, so no other run shares it. */
function farInstant(): Date {
  const year = 2040 + Math.floor(Math.random() * 50);
  const hours = Math.floor(Math.random() * 360 * 24);
  return new Date(Date.UTC(year, 0, 1) + hours * HOUR);
}

async function enqueue(now: Date): Promise<number> {
  const { data, error } = await service.rpc("enqueue_due_reminders", { p_now: now.toISOString() });
  expect(error).toBeNull();
  return data as number;
}

async function reminders(bookingId: string): Promise<string[]> {
  const { rows } = await stack.db.query<{ idempotency_key: string; data: { kind: string } }>(
    `select idempotency_key, data from public.notifications
     where booking_id = $1 and template = 'booking_reminder' order by idempotency_key`,
    [bookingId],
  );
  for (const row of rows) expect(row.idempotency_key).toContain(`:${row.data.kind}:`);
  return rows.map((row) => row.idempotency_key);
}

describe("enqueue_due_reminders", () => {
  it("enqueues the 24 h and 1 h reminders by email, and by SMS when the customer agreed", async () => {
    const start = farInstant();
    const practitionerId = await newPractitioner(stack.db);
    const texted = await insertBooking(stack.db, {
      practitionerId,
      start,
      phone: "+91 98765 43210",
      smsOptIn: true,
    });
    const emailed = await insertBooking(stack.db, {
      practitionerId,
      start: new Date(start.getTime() + HOUR),
      phone: "+91 98765 43211",
    });

    expect(await enqueue(new Date(start.getTime() - 24 * HOUR))).toBe(2);
    expect(await reminders(texted)).toEqual([
      `booking_reminder:24h:${texted}:email`,
      `booking_reminder:24h:${texted}:sms`,
    ]);
    expect(await enqueue(new Date(start.getTime() - 23 * HOUR))).toBe(1);
    expect(await enqueue(new Date(start.getTime() - HOUR))).toBe(2);
    expect(await reminders(texted)).toEqual([
      `booking_reminder:1h:${texted}:email`,
      `booking_reminder:1h:${texted}:sms`,
      `booking_reminder:24h:${texted}:email`,
      `booking_reminder:24h:${texted}:sms`,
    ]);
    expect(await reminders(emailed)).toEqual([`booking_reminder:24h:${emailed}:email`]);
  });

  it("enqueues each reminder once when runs overlap", async () => {
    const start = farInstant();
    const bookingId = await insertBooking(stack.db, {
      practitionerId: await newPractitioner(stack.db),
      start,
      phone: "+44 7700 900123",
      smsOptIn: true,
    });
    const now = new Date(start.getTime() - 23 * HOUR);
    const counts = await Promise.all([enqueue(now), enqueue(now), enqueue(now), enqueue(now)]);

    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(await reminders(bookingId)).toEqual([
      `booking_reminder:24h:${bookingId}:email`,
      `booking_reminder:24h:${bookingId}:sms`,
    ]);
    expect(await enqueue(new Date(now.getTime() + HOUR))).toBe(0);
  });

  it("still sends up to 6 hours late, never after the start, never for a booking made later", async () => {
    const start = farInstant();
    const practitionerId = await newPractitioner(stack.db);
    const late = await insertBooking(stack.db, { practitionerId, start });
    const tooLate = await insertBooking(stack.db, {
      practitionerId,
      start: new Date(start.getTime() - 2 * HOUR),
    });
    const bookedLate = await insertBooking(stack.db, {
      practitionerId,
      start: new Date(start.getTime() + 4 * HOUR),
      createdAt: new Date(start.getTime() - 19 * HOUR),
    });

    // 5 h 59 min after the first session's 24 h reminder was due; 8 h after the second's, past
    // the 6 h grace; the third session was booked after its 24 h reminder was due.
    await enqueue(new Date(start.getTime() - 18 * HOUR - 60_000));
    expect(await reminders(late)).toEqual([`booking_reminder:24h:${late}:email`]);
    expect(await reminders(tooLate)).toEqual([]);
    expect(await reminders(bookedLate)).toEqual([]);

    // Once it has started, the second session gets no 1 h reminder, though within its grace.
    await enqueue(new Date(start.getTime() - 2 * HOUR + 60_000));
    expect(await reminders(tooLate)).toEqual([]);
  });

  it("reminds only confirmed sessions", async () => {
    const start = farInstant();
    const bookingId = await insertBooking(stack.db, {
      practitionerId: await newPractitioner(stack.db),
      start,
      status: "cancelled",
    });
    expect(await enqueue(new Date(start.getTime() - HOUR))).toBe(0);
    expect(await reminders(bookingId)).toEqual([]);
  });

  it.each([
    ["spring forward", 2, 8],
    ["fall back", 10, 1],
  ])(
    "reminds a session on the %s day in New York 24 h and 1 h before it, to the second",
    async (_, month, firstDay) => {
      // The second Sunday of March, or the first of November, of a random future year: 10:00 local.
      const year = 2040 + Math.floor(Math.random() * 50);
      let day = firstDay;
      while (new Date(Date.UTC(year, month, day)).getUTCDay() !== 0) day += 1;
      const offsetHours = month === 2 ? 4 : 5; // EDT after the spring change, EST after the fall one
      const start = new Date(Date.UTC(year, month, day, 10 + offsetHours));
      const bookingId = await insertBooking(stack.db, {
        practitionerId: await newPractitioner(stack.db, { timeZone: "America/New_York" }),
        start,
      });
      const ahead = (ms: number) => new Date(start.getTime() - ms);

      await enqueue(ahead(24 * HOUR + 1000));
      expect(await reminders(bookingId)).toEqual([]);
      // Exactly 24 hours before: 09:00 or 11:00 on the local clock the day before, not 10:00.
      await enqueue(ahead(24 * HOUR));
      expect(await reminders(bookingId)).toEqual([`booking_reminder:24h:${bookingId}:email`]);
      await enqueue(ahead(HOUR + 1000));
      expect(await reminders(bookingId)).toHaveLength(1);
      await enqueue(ahead(HOUR));
      expect(await reminders(bookingId)).toEqual([
        `booking_reminder:1h:${bookingId}:email`,
        `booking_reminder:24h:${bookingId}:email`,
      ]);
    },
  );

  it("is for the server only", async () => {
    const { error } = await stack
      .client()
      .rpc("enqueue_due_reminders", { p_now: new Date().toISOString() });
    expect(error?.code).toBe("42501");
  });
});
