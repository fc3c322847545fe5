// Flight search on a cache miss and a hit against the local sandbox provider (issue 23):
// flights-search-worker.ts in a fresh process on the local stack (its cache in process memory,
// so the figures are the function's own work: sandbox generation, sealing each offer token).
import type { Summary } from "./stats.js";
import { runWorker } from "./worker.js";

export interface FlightSearchResult {
  provider: "sandbox";
  runs: number;
  missMs: Summary;
  hitMs: Summary;
}

export function measureFlightSearch(runs: number): Promise<FlightSearchResult> {
  return runWorker<FlightSearchResult>("flights-search-worker.ts", [String(runs)], "local stack");
}

type PrintTable = (headers: string[], rows: string[][]) => void;

export function printFlightSearch(result: FlightSearchResult, printTable: PrintTable): void {
  console.log(`\nFlight search (${result.provider} provider, ${result.runs} queries), ms`);
  const row = (name: string, s: Summary) => [
    name,
    String(s.p50),
    String(s.p95),
    String(s.p99),
    String(s.max),
  ];
  printTable(
    ["", "p50", "p95", "p99", "max"],
    [row("cache miss", result.missMs), row("cache hit", result.hitMs)],
  );
}
