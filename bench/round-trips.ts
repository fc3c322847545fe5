// Round trips per request (issue 16, item 4): round-trips-worker.ts in a fresh process
// (worker.ts) counts what one representative call of each main endpoint sends to the database
// API, Redis and providers — the figures tests/api/round-trips.test.ts holds to each endpoint's
// declared `roundTrips` — for the table and bench/results.json.
import type { Budget } from "./report.js";
import type { RoundTripsWorkerResult } from "./round-trips-worker.js";
import { runWorker } from "./worker.js";

export type RoundTripsResult = RoundTripsWorkerResult;

export function measureRoundTrips(): Promise<RoundTripsResult> {
  return runWorker<RoundTripsResult>("round-trips-worker.ts", [], "local stack");
}

type PrintTable = (headers: string[], rows: string[][]) => void;

export function printRoundTrips(result: RoundTripsResult, printTable: PrintTable): void {
  if ("skipped" in result) {
    console.log(`\nRound trips per request: SKIPPED, ${result.skipped}`);
    return;
  }
  console.log(
    "\nRound trips per request: one representative call each, local stack with Upstash over Redis" +
      "\n(db = Supabase API requests, seq = of them one after another; after = waitUntil work)",
  );
  printTable(
    ["endpoint", "call", "db", "db seq", "redis", "redis seq", "providers", "after db/redis/prov"],
    result.calls.map((row) => [
      row.endpoint,
      row.call,
      String(row.requests.database),
      String(row.sequential.database),
      String(row.requests.redis),
      String(row.sequential.redis),
      String(row.requests.providers),
      [row.afterResponse.database, row.afterResponse.redis, row.afterResponse.providers].join("/"),
    ]),
  );
}

/** Every call within what its endpoint declares (the test also fails a count below it). */
export function roundTripBudgets(result: RoundTripsResult): Budget[] {
  if ("skipped" in result) {
    return [
      {
        name: "round trips within each endpoint's declaration",
        limit: "spec roundTrips",
        actual: `not measured: ${result.skipped}`,
        pass: false,
      },
    ];
  }
  const over = result.calls.flatMap((row) => {
    if (!row.declared) return [`${row.endpoint} declares none`];
    const { declared } = row;
    return (["requests", "afterResponse"] as const).flatMap((phase) =>
      (["database", "redis", "providers"] as const)
        .filter((destination) => row[phase][destination] > declared[phase][destination])
        .map(
          (destination) =>
            `${row.endpoint} ${phase === "requests" ? "" : "after "}${destination} ${row[phase][destination]} > ${declared[phase][destination]}`,
        ),
    );
  });
  return [
    {
      name: "round trips within each endpoint's declaration",
      limit: "spec roundTrips",
      actual: over.length === 0 ? `all ${result.calls.length} calls within` : over.join("; "),
      pass: over.length === 0,
    },
  ];
}
