// Flight search latency on a cache miss and a cache hit against the local sandbox provider
// (issue 23), in a fresh process (bench/flights-search.ts runs it for `npm run bench`). A miss is a departure date not searched before (sandbox
// generation, one sealed offer token per offer, the cache write); a hit is the same query again
// (the cache read and the tokens). Without UPSTASH_REDIS_REST_URL the cache is in-process, so
// the figures are the function's own work; with it set, each also includes Redis round trips.
import type { FlightSearchResult } from "./flights-search.js";
import { rounded, summarize } from "./stats.js";

process.env.FLIGHT_PROVIDER = "sandbox";
process.env.APP_URL ??= "http://127.0.0.1:3000";
process.env.LOG_LEVEL ??= "error";

const runs = Number(process.argv[2] ?? 200);
const { searchFlights } = await import("../lib/travel/search.js");

const now = new Date();
const day = (offset: number) =>
  new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
const query = (offset: number) =>
  ({
    origin: "LHR",
    destination: "DEL",
    departureDate: day(10 + (offset % 300)),
    adults: 2,
    children: 1,
    infants: 0,
    currency: "EUR",
    cabin: "economy",
    sort: "price",
    limit: 20,
  }) as const;

async function timed(run: () => Promise<{ cacheStatus: string }>, expect: string) {
  const started = performance.now();
  const answer = await run();
  const ms = performance.now() - started;
  if (!answer.cacheStatus.includes(expect)) {
    throw new Error(`expected ${expect}, got ${answer.cacheStatus}`);
  }
  return ms;
}

// Warm-up: load modules, the keyring and the sandbox once.
await searchFlights(query(0), now, "query");
const misses: number[] = [];
const hits: number[] = [];
for (let i = 1; i <= Math.min(runs, 299); i++) {
  misses.push(await timed(() => searchFlights(query(i), now, "query"), "stored"));
  hits.push(await timed(() => searchFlights(query(i), now, "query"), "hit"));
}
const result: FlightSearchResult = {
  provider: "sandbox",
  runs: misses.length,
  missMs: rounded(summarize(misses), 2),
  hitMs: rounded(summarize(hits), 2),
};
process.send?.(result);
