// Availability for a practitioner with 1,000 bookings (issue #5, and issue 16 item 5's month
// view): availability-worker.ts in a fresh process (worker.ts), with its own local Supabase stack.
import type { AvailabilityWorkerResult } from "./availability-worker.js";
import type { Budget } from "./report.js";
import { runWorker } from "./worker.js";

export type AvailabilityResult = AvailabilityWorkerResult;

export const AVAILABILITY_BUDGETS = {
  /** computeSlots alone for the busy day (issue 16, item 5: stays under 1 ms). */
  computeSlotsP50Ms: 1,
  /** The 30-day month view's computation alone, once its inputs are read. */
  monthComputeP50Ms: 10,
  /** Requests to the Supabase API one month view makes. */
  monthDatabaseRoundTrips: 1,
};

export function measureAvailability(runs: number, warmup: number): Promise<AvailabilityResult> {
  return runWorker<AvailabilityResult>("availability-worker.ts", [String(runs), String(warmup)]);
}

export function availabilityBudgets(result: AvailabilityResult): Budget[] {
  const { computeSlotsMs, month } = result;
  return [
    {
      name: `availability compute, one day (${result.bookings} bookings) p50`,
      limit: `< ${AVAILABILITY_BUDGETS.computeSlotsP50Ms} ms`,
      actual: `${computeSlotsMs.p50} ms`,
      pass: computeSlotsMs.p50 < AVAILABILITY_BUDGETS.computeSlotsP50Ms,
    },
    {
      name: `availability compute, ${month.days}-day month view (${result.bookings} bookings) p50`,
      limit: `≤ ${AVAILABILITY_BUDGETS.monthComputeP50Ms} ms`,
      actual: `${month.computeMs.p50} ms`,
      pass: month.computeMs.p50 <= AVAILABILITY_BUDGETS.monthComputeP50Ms,
    },
    {
      name: `availability ${month.days}-day month view: database round trips`,
      limit: `${AVAILABILITY_BUDGETS.monthDatabaseRoundTrips}`,
      actual: String(month.databaseRoundTrips),
      pass: month.databaseRoundTrips <= AVAILABILITY_BUDGETS.monthDatabaseRoundTrips,
    },
  ];
}

type PrintTable = (headers: string[], rows: string[][]) => void;

/** The month view's figures, after the one-day table. */
export function printMonthView(result: AvailabilityResult, printTable: PrintTable): void {
  const { month } = result;
  console.log(
    `\nAvailability month view, ms: ${month.days} days from ${result.date}, ${month.busyRanges} busy ranges read` +
      ` in ${month.databaseRoundTrips} database round trip(s), ${month.slots} slots, ${month.availableSlots} available`,
  );
  const timing = (name: string, s: { p50: number; p95: number; p99: number; max: number }) => [
    name,
    String(s.p50),
    String(s.p95),
    String(s.p99),
    String(s.max),
  ];
  printTable(
    ["", "p50", "p95", "p99", "max"],
    [timing("request (read + compute)", month.requestMs), timing("compute alone", month.computeMs)],
  );
}
