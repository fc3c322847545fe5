// Runs in its own process (see availability.ts). Starts the local Supabase stack here, as the
// tests do (PGlite in memory, the project's migrations and supabase/seed.sql), books the seeded
// practitioner solid (fixtures/busy-practitioner.ts), then points lib/ at the stack before any
// lib/ module reads the configuration. Availability has no cache: every request reads its inputs
// in one call to public.availability_inputs.
//
// What is timed, with one `now` for every call so all of them answer the same:
// - one day: availabilityFor — the one read through the Supabase API, then computeSlots (twice
//   in a row: `warmMs` is the second, which costs the same now that nothing is cached);
// - the month: calendarFor for 30 days from the busy date — the one read, then the slots of every
//   date (the requests to the Supabase API it makes are counted: the budget is one);
// - computeSlots alone, on the day's inputs as availabilityFor reads them (checked against its
//   answer, so the figure is for exactly that day), and the month's computation alone
//   (calendarFrom on the inputs it reads, checked against calendarFor's answer).
// The day and the month take turns, so drift and GC pauses fall on both alike.
import diagnostics from "node:diagnostics_channel";
import { fileURLToPath } from "node:url";
import { startSupabase } from "../dev/supabase/server.js";
import { bookPractitionerSolid } from "./fixtures/busy-practitioner.js";
import { rounded, summarize } from "./stats.js";

export interface AvailabilityWorkerResult {
  bookings: number;
  date: string;
  sessionType: string;
  /** Busy ranges in the window availability reads for the date (the day and its neighbours). */
  busyRanges: number;
  slots: number;
  availableSlots: number;
  runs: number;
  warmup: number;
  /** availabilityFor, one day: the read and the computation. */
  coldMs: ReturnType<typeof summarize>;
  /**
   * The same request again at once. There is no cache any more, so it costs what coldMs does;
   * report.ts still prints it as the former cache hit.
   */
  warmMs: ReturnType<typeof summarize>;
  computeSlotsMs: ReturnType<typeof summarize>;
  month: {
    days: number;
    /** Busy ranges availability_inputs answered for the run. */
    busyRanges: number;
    slots: number;
    availableSlots: number;
    /** Requests to the Supabase API one calendarFor made. */
    databaseRoundTrips: number;
    /** calendarFor: the read and the computation. */
    requestMs: ReturnType<typeof summarize>;
    /** calendarFrom alone, on the inputs read. */
    computeMs: ReturnType<typeof summarize>;
  };
}

const BOOKINGS = 1_000;
const SESSION_TYPE = "individual";
const [runs = 100, warmup = 10] = process.argv.slice(2).map(Number);
const COMPUTE_SLOTS_RUNS = 2_000;
const MONTH_DAYS = 30;
const MONTH_COMPUTE_RUNS = 300;

const stack = await startSupabase({
  port: 0,
  migrationDirs: [fileURLToPath(new URL("../supabase/migrations", import.meta.url))],
  seedFile: fileURLToPath(new URL("../supabase/seed.sql", import.meta.url)),
});
try {
  const busy = await bookPractitionerSolid(stack.db, BOOKINGS);
  process.env.SUPABASE_URL = stack.url;
  process.env.SUPABASE_ANON_KEY = stack.anonKey;
  const { anonClient } = await import("../lib/db/anon-client.js");
  const { availabilityFor, calendarFor, calendarFrom, readAvailabilityInputs } = await import(
    "../lib/scheduling/availability.js"
  );
  const { computeSlots } = await import("../lib/scheduling/slots.js");

  const db = anonClient();
  const request = { date: busy.busyDate, sessionType: SESSION_TYPE };
  const monthRequest = { from: busy.busyDate, days: MONTH_DAYS, sessionType: SESSION_TYPE };
  const now = new Date();
  const elapsedMs = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e6;
  const timed = async (run: () => Promise<unknown>): Promise<number> => {
    const startedAt = process.hrtime.bigint();
    await run();
    return elapsedMs(startedAt);
  };

  const coldMs: number[] = [];
  const warmMs: number[] = [];
  const monthMs: number[] = [];
  for (let i = 1; i <= warmup + runs; i++) {
    const day = await timed(() => availabilityFor(db, request, now));
    const again = await timed(() => availabilityFor(db, request, now));
    const month = await timed(() => calendarFor(db, monthRequest, now));
    if (i <= warmup) continue;
    coldMs.push(day);
    warmMs.push(again);
    monthMs.push(month);
  }

  // Requests to the Supabase API during one month view.
  const supabaseOrigin = new URL(stack.url).origin;
  let databaseRoundTrips = 0;
  const countRequest = (message: unknown) => {
    const { request } = message as { request: { origin: string | URL } };
    if (new URL(String(request.origin)).origin === supabaseOrigin) databaseRoundTrips += 1;
  };
  diagnostics.subscribe("undici:request:create", countRequest);
  const calendar = await calendarFor(db, monthRequest, now);
  diagnostics.unsubscribe("undici:request:create", countRequest);

  const answer = await availabilityFor(db, request, now);
  const dayInputs = await readAvailabilityInputs(db, { ...request, from: busy.busyDate, days: 1 });
  const buffer = dayInputs.sessionType.bufferMinutes * 60_000;
  const input = {
    date: busy.busyDate,
    timeZone: dayInputs.practitioner.timeZone,
    workingHours: dayInputs.workingHours,
    exceptions: dayInputs.exceptions.map(([start, end]) => ({
      start: new Date(start),
      end: new Date(end),
    })),
    busy: dayInputs.busy.map(([start, end]) => ({
      start: new Date(start),
      end: new Date(Math.max(end - buffer, start + 1)),
    })),
    durationMinutes: dayInputs.sessionType.durationMinutes,
    bufferMinutes: dayInputs.sessionType.bufferMinutes,
    now,
    ...dayInputs.rules,
  };
  if (JSON.stringify(computeSlots(input)) !== JSON.stringify(answer.slots)) {
    throw new Error("computeSlots on the bench's inputs differs from availabilityFor's answer");
  }
  const computeSlotsMs: number[] = [];
  for (let i = 0; i < COMPUTE_SLOTS_RUNS; i++) {
    const startedAt = process.hrtime.bigint();
    computeSlots(input);
    computeSlotsMs.push(elapsedMs(startedAt));
  }

  const monthInputs = await readAvailabilityInputs(db, monthRequest);
  if (JSON.stringify(calendarFrom(monthInputs, monthRequest, now)) !== JSON.stringify(calendar)) {
    throw new Error("calendarFrom on the bench's inputs differs from calendarFor's answer");
  }
  const monthComputeMs: number[] = [];
  for (let i = 0; i < MONTH_COMPUTE_RUNS; i++) {
    const startedAt = process.hrtime.bigint();
    calendarFrom(monthInputs, monthRequest, now);
    monthComputeMs.push(elapsedMs(startedAt));
  }
  const monthSlots = calendar.dates.flatMap((date) => date.slots);

  const result: AvailabilityWorkerResult = {
    bookings: busy.bookings,
    date: busy.busyDate,
    sessionType: SESSION_TYPE,
    busyRanges: input.busy.length,
    slots: answer.slots.length,
    availableSlots: answer.slots.filter((slot) => slot.available).length,
    runs,
    warmup,
    coldMs: rounded(summarize(coldMs), 2),
    warmMs: rounded(summarize(warmMs), 2),
    // The first tenth warms the JIT up.
    computeSlotsMs: rounded(summarize(computeSlotsMs.slice(COMPUTE_SLOTS_RUNS / 10)), 4),
    month: {
      days: MONTH_DAYS,
      busyRanges: monthInputs.busy.length,
      slots: monthSlots.length,
      availableSlots: monthSlots.filter((slot) => slot.available).length,
      databaseRoundTrips,
      requestMs: rounded(summarize(monthMs), 2),
      computeMs: rounded(summarize(monthComputeMs.slice(MONTH_COMPUTE_RUNS / 10)), 3),
    },
  };
  process.send?.(result);
} finally {
  await stack.close();
}
