// Runs in its own process (see availability.ts). Starts the local Supabase stack here, as the
// tests do (PGlite in memory, the project's migrations and supabase/seed.sql), books the seeded
// practitioner solid (fixtures/busy-practitioner.ts), then points lib/ at the stack before any
// lib/ module reads the configuration. No Upstash in this environment: the schedule cache is the
// in-process one, so a warm request's cache hit costs no network round trip.
//
// What is timed, with one `now` for every call so all of them answer the same:
// - cold: availabilityFor after invalidateAvailability — two catalogue reads, then working hours,
//   exceptions and busy ranges through the Supabase API, the cache write, computeSlots;
// - warm: availabilityFor straight after a cold one — the two catalogue reads, the cache hit and
//   computeSlots;
// - computeSlots alone, on the inputs availabilityFor computes from (read here the same way and
//   checked against its answer, so the figure is for exactly that day).
// Cold and warm take turns, so drift and GC pauses fall on both alike.
import { fileURLToPath } from "node:url";
import type { SupabaseClient } from "@supabase/supabase-js";
import { startSupabase } from "../dev/supabase/server.js";
import type { SlotInput } from "../lib/scheduling/slots.js";
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
  coldMs: ReturnType<typeof summarize>;
  warmMs: ReturnType<typeof summarize>;
  computeSlotsMs: ReturnType<typeof summarize>;
}

const BOOKINGS = 1_000;
const SESSION_TYPE = "individual";
const [runs = 100, warmup = 10] = process.argv.slice(2).map(Number);
const COMPUTE_SLOTS_RUNS = 2_000;

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
  const { availabilityFor, invalidateAvailability, HORIZON_DAYS, MINIMUM_NOTICE_MINUTES } =
    await import("../lib/scheduling/availability.js");
  const { computeSlots } = await import("../lib/scheduling/slots.js");

  const db = anonClient();
  const request = { date: busy.busyDate, sessionType: SESSION_TYPE };
  const now = new Date();
  const elapsedMs = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e6;
  const timeAvailability = async (): Promise<number> => {
    const startedAt = process.hrtime.bigint();
    await availabilityFor(db, request, now);
    return elapsedMs(startedAt);
  };

  const coldMs: number[] = [];
  const warmMs: number[] = [];
  for (let i = 1; i <= warmup + runs; i++) {
    await invalidateAvailability(busy.practitionerId, busy.busyDate);
    const cold = await timeAvailability();
    const warm = await timeAvailability();
    if (i <= warmup) continue;
    coldMs.push(cold);
    warmMs.push(warm);
  }

  const answer = await availabilityFor(db, request, now);
  const input = await slotInputOf(db, busy.practitionerId, busy.busyDate, {
    now,
    minimumNoticeMinutes: MINIMUM_NOTICE_MINUTES,
    horizonDays: HORIZON_DAYS,
  });
  if (JSON.stringify(computeSlots(input)) !== JSON.stringify(answer.slots)) {
    throw new Error("computeSlots on the bench's inputs differs from availabilityFor's answer");
  }
  const computeSlotsMs: number[] = [];
  for (let i = 0; i < COMPUTE_SLOTS_RUNS; i++) {
    const startedAt = process.hrtime.bigint();
    computeSlots(input);
    computeSlotsMs.push(elapsedMs(startedAt));
  }

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
  };
  process.send?.(result);
} finally {
  await stack.close();
}

/**
 * The day's computeSlots input as availabilityFor builds it (lib/scheduling/availability.ts):
 * the same reads and window, and each busy range's end pulled back by the session type's
 * buffer. The answer check above fails if the two ever drift apart.
 */
async function slotInputOf(
  db: SupabaseClient,
  practitionerId: string,
  date: string,
  rules: Pick<SlotInput, "now" | "minimumNoticeMinutes" | "horizonDays">,
): Promise<SlotInput> {
  const day = Date.parse(`${date}T00:00:00Z`);
  const window = {
    p_practitioner_id: practitionerId,
    p_from: new Date(day - 86_400_000).toISOString(),
    p_to: new Date(day + 2 * 86_400_000).toISOString(),
  };
  const [sessionType, practitioner, hours, exceptions, busy] = await Promise.all([
    db
      .from("session_types")
      .select("duration_minutes, buffer_minutes")
      .eq("slug", SESSION_TYPE)
      .single(),
    db.from("practitioners").select("time_zone").eq("id", practitionerId).single(),
    db
      .from("working_hours")
      .select("weekday, start_time, end_time")
      .eq("practitioner_id", practitionerId),
    db.rpc("exception_ranges", window),
    db.rpc("busy_ranges", window),
  ]);
  for (const { error } of [sessionType, practitioner, hours, exceptions, busy]) {
    if (error) throw new Error(`reading the day's inputs failed: ${error.message}`);
  }
  const { duration_minutes: durationMinutes, buffer_minutes: bufferMinutes } = sessionType.data as {
    duration_minutes: number;
    buffer_minutes: number;
  };
  type Range = { starts_at: string; ends_at: string };
  const toRange = (row: Range) => ({ start: new Date(row.starts_at), end: new Date(row.ends_at) });
  const buffer = bufferMinutes * 60_000;
  return {
    date,
    timeZone: (practitioner.data as { time_zone: string }).time_zone,
    workingHours: (
      (hours.data ?? []) as { weekday: number; start_time: string; end_time: string }[]
    ).map((row) => ({ weekday: row.weekday, start: row.start_time, end: row.end_time })),
    exceptions: ((exceptions.data ?? []) as Range[]).map(toRange),
    busy: ((busy.data ?? []) as Range[]).map(toRange).map(({ start, end }) => ({
      start,
      end: new Date(Math.max(end.getTime() - buffer, start.getTime() + 1)),
    })),
    durationMinutes,
    bufferMinutes,
    ...rules,
  };
}
