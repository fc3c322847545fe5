// Availability for a practitioner with 1,000 bookings (issue #5): availability-worker.ts in a
// fresh process (worker.ts), with its own local Supabase stack.
import type { AvailabilityWorkerResult } from "./availability-worker.js";
import { runWorker } from "./worker.js";

export type AvailabilityResult = AvailabilityWorkerResult;

export function measureAvailability(runs: number, warmup: number): Promise<AvailabilityResult> {
  return runWorker<AvailabilityResult>("availability-worker.ts", [String(runs), String(warmup)]);
}
