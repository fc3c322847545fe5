// The budgets, the printed table and bench/results.json.
import { writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { type AvailabilityResult, availabilityBudgets, printMonthView } from "./availability.js";
import type { ColdStartResult } from "./cold-start.js";
import { type FlightSearchResult, printFlightSearch } from "./flights-search.js";
import type { PipelineOverheadResult } from "./pipeline-overhead.js";
import { printRoundTrips, type RoundTripsResult, roundTripBudgets } from "./round-trips.js";
import type { SdkLoadResult } from "./sdk-loads.js";
import { evaluateShapeBudgets, printShapes, type ShapesResults } from "./shapes-report.js";

export const RESULTS_FILE = join(import.meta.dirname, "results.json");

export const BUDGETS = {
  pipelineOverheadP50Us: 150,
  healthColdStartFactor: 1.5,
  healthColdStartExtraMs: 30,
  /**
   * Generous on purpose: about 25 ms on two cores against the local stack. It is there to catch a
   * query that starts reading the practitioner's whole calendar, not to track milliseconds.
   */
  availabilityColdP95Ms: 200,
};

export interface BenchResults {
  /** os.loadavg() when the bench started: a busy machine makes every figure worse. */
  loadAverage: number[];
  build: { ran: boolean; projectSeconds?: number; bareSeconds?: number; vercelRuntime: string };
  coldStart: ColdStartResult[];
  sdkLoads: SdkLoadResult[];
  pipelineOverhead: PipelineOverheadResult;
  availability: AvailabilityResult;
  /** Flight search on a cache miss and a hit, sandbox provider (flights-search.ts). */
  flightSearch: FlightSearchResult;
  /** Requests per call to the database API, Redis and providers (round-trips.ts). */
  roundTrips: RoundTripsResult;
  /** Zero-config, per-route, grouped and the all-SDK monolith side by side (shapes-report.ts). */
  shapes: ShapesResults;
}

export interface Budget {
  name: string;
  limit: string;
  actual: string;
  pass: boolean;
}

export function evaluateBudgets(results: BenchResults): Budget[] {
  const { pipelineOverhead, sdkLoads, availability } = results;
  const budgets: Budget[] = [
    {
      name: "pipeline overhead p50 (in-process limiter)",
      limit: `≤ ${BUDGETS.pipelineOverheadP50Us} µs`,
      actual: `${pipelineOverhead.overheadUs.p50} µs`,
      pass: pipelineOverhead.overheadUs.p50 <= BUDGETS.pipelineOverheadP50Us,
    },
  ];
  const violations = sdkLoads.flatMap((result) =>
    result.violations.map((sdk) => `${result.function} loads ${sdk}`),
  );
  budgets.push({
    name: "no function loads an SDK it does not use",
    limit: "no provider SDK outside PROVIDER_SDKS_USED",
    actual: violations.length === 0 ? "none" : violations.join("; "),
    pass: violations.length === 0,
  });
  // api/health's cold start budget (BUDGETS.healthColdStart*) is held by the shapes
  // `npm run build` deploys (shapes-report.ts); `vercel build`'s zero-config figures are context.
  budgets.push(...evaluateShapeBudgets(results.shapes));
  budgets.push({
    name: `availability cold p95 (${availability.bookings} bookings)`,
    limit: `≤ ${BUDGETS.availabilityColdP95Ms} ms`,
    actual: `${availability.coldMs.p95} ms`,
    pass: availability.coldMs.p95 <= BUDGETS.availabilityColdP95Ms,
  });
  budgets.push(...availabilityBudgets(availability), ...roundTripBudgets(results.roundTrips));
  return budgets;
}

export function printReport(results: BenchResults, budgets: Budget[]): void {
  const { coldStart, sdkLoads, pipelineOverhead: pipe, availability: slots } = results;
  const runs = coldStart[0]?.runs ?? 0;
  console.log(
    `\nBastion bench — Node ${process.version} ${process.platform}/${process.arch}, ${cpus().length} CPUs` +
      ` (functions declare ${results.build.vercelRuntime}; measured on this Node)`,
  );
  console.log(
    `\nCold start of \`vercel build\`'s functions (zero-config): fresh node process → response received, ${runs} runs each, ms` +
      "\n(launcher: @vercel/node's Web-handler detection; import = the handler's import() alone)",
  );
  printTable(
    ["function", "status", "total p50", "total p90", "import p50", "import p90"],
    coldStart.map((result) => [
      result.function === "api/bare" ? "api/bare (baseline)" : result.function,
      String(result.status),
      String(result.totalMs.p50),
      String(result.totalMs.p90),
      String(result.importMs.p50),
      String(result.importMs.p90),
    ]),
  );
  printShapes(results.shapes, printTable);
  console.log(
    `\nEvery built function answered through @vercel/node's Node⇄Web adapter too (${sdkLoads.length}/${sdkLoads.length}).` +
      "\nSDKs loaded while importing and answering one request:",
  );
  printTable(
    ["function", "provider SDKs", "platform SDKs", "packages"],
    sdkLoads.map((result) => [
      result.function,
      result.providerSdksLoaded.join(", ") || "none",
      result.platformSdksLoaded.join(", ") || "none",
      String(result.allPackagesLoaded.length),
    ]),
  );
  console.log(
    `\nWarm pipeline overhead, µs per request (${pipe.iterations} iterations each after ${pipe.warmup}` +
      ` warm-up; auth ES256 + "write" limit + strict body + response schema;\n` +
      `console.info silenced during the loop: ${pipe.silencedLogLines} log lines built but not written;` +
      ` ${pipe.users} users, JWKS fetched ${pipe.jwksFetches}×)`,
  );
  const row = (name: string, s: { p50: number; p90: number; p99: number; mean: number }) => [
    name,
    String(s.p50),
    String(s.p90),
    String(s.p99),
    String(s.mean),
  ];
  printTable(
    ["", "p50", "p90", "p99", "mean"],
    [
      row("pipeline", pipe.pipelineUs),
      row("bare", pipe.bareUs),
      row("overhead", pipe.overheadUs),
      row("(ES256 verify alone)", pipe.es256VerifyUs),
    ],
  );
  console.log(
    `\nAvailability, ms: ${slots.sessionType} slots on ${slots.date} of a practitioner booked solid` +
      ` with ${slots.bookings} bookings,\nthrough the local stack over PGlite (${slots.runs} runs each` +
      ` after ${slots.warmup} warm-up; ${slots.busyRanges} busy ranges read, ${slots.slots} slots,` +
      ` ${slots.availableSlots} available)`,
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
    [
      timing("one request (one read)", slots.coldMs),
      timing("the same again", slots.warmMs),
      timing("computeSlots alone", slots.computeSlotsMs),
    ],
  );
  printMonthView(slots, printTable);
  printFlightSearch(results.flightSearch, printTable);
  printRoundTrips(results.roundTrips, printTable);
  console.log("\nBudgets");
  printTable(
    ["", "budget", "limit", "actual"],
    budgets.map((budget) => [
      budget.pass ? "PASS" : "FAIL",
      budget.name,
      budget.limit,
      budget.actual,
    ]),
  );
}

export async function writeResults(results: BenchResults, budgets: Budget[]): Promise<void> {
  const { loadAverage, ...figures } = results;
  const document = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadAverage,
    },
    ...figures,
    budgets,
    pass: budgets.every((budget) => budget.pass),
  };
  await writeFile(RESULTS_FILE, `${JSON.stringify(document, null, 2)}\n`);
}

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of rows) console.log(line(row));
}
