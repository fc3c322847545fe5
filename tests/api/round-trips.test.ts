// Round trips per request (issue 16, item 4): one representative call per main endpoint
// (tests/helpers/round-trip-calls.ts) against the local stack with Upstash over a real Redis,
// each outgoing request counted by destination (tests/helpers/round-trips.ts), and held to the
// `roundTrips` its endpoint's spec declares (lib/http/endpoint.ts): a count above the
// declaration fails (the endpoint got chattier), and so does one below it (lower the declaration,
// so the figures stay honest). The table is printed, and `npm run bench` keeps it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundTrips } from "../../lib/http/endpoint.js";
import type { HttpMethod } from "../../lib/http/route.js";
import { routes } from "../../lib/openapi/routes.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import { playRoundTripCalls, type RoundTripCall } from "../helpers/round-trip-calls.js";
import {
  type Counts,
  DESTINATIONS,
  type RoundTripCounter,
  startRoundTripCounter,
} from "../helpers/round-trips.js";
import { announceSkipped } from "../helpers/skipped.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const binary = redisServerBinary();

/** A declaration as counts, omitted fields 0. */
function declared(roundTrips: RoundTrips | undefined) {
  if (!roundTrips) return undefined;
  const after = roundTrips.afterResponse ?? {};
  return {
    requests: {
      database: roundTrips.database,
      redis: roundTrips.redis,
      providers: roundTrips.providers ?? 0,
    },
    afterResponse: {
      database: after.database ?? 0,
      redis: after.redis ?? 0,
      providers: after.providers ?? 0,
    },
  };
}

const show = (counts: Counts) => DESTINATIONS.map((d) => `${d} ${counts[d]}`).join(", ");

export function roundTripTable(calls: RoundTripCall[]): string {
  const rows = calls.map((call) => [
    `${call.method} ${call.route}`,
    call.name,
    String(call.counted.requests.database),
    String(call.counted.sequential.database),
    String(call.counted.requests.redis),
    String(call.counted.sequential.redis),
    String(call.counted.requests.providers),
    DESTINATIONS.map((d) => call.counted.afterResponse[d]).join("/"),
  ]);
  const headers = [
    "endpoint",
    "call",
    "db",
    "db seq",
    "redis",
    "redis seq",
    "prov",
    "after db/r/p",
  ];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(headers), ...rows.map(line)].join("\n");
}

if (!binary) {
  announceSkipped(
    "redis-server not found — the round trips per request were not counted (apt-get install redis-server)",
  );
} else {
  describe("round trips per request", () => {
    let upstash: LocalUpstash;
    let api: TestApi;
    let counter: RoundTripCounter;
    let calls: RoundTripCall[];

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      // Its own database even where DATABASE_URL names a shared one (CI's PostgreSQL step): the
      // delivery after a booking claims every due row of the outbox, and other files' rows there
      // would count as this request's. Round trips do not depend on the Postgres behind the API.
      delete process.env.DATABASE_URL;
      api = await startTestApi({
        seedFile: PROJECT_SEED,
        // Only the calls' own requests: the database does not call the API after commits.
        databaseWebhooks: false,
        env: { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token },
      });
      counter = startRoundTripCounter();
      calls = await playRoundTripCalls(api, counter);
      console.info(`Round trips per request:\n${roundTripTable(calls)}`);
      if (process.env.ROUND_TRIPS_LOG)
        for (const c of calls)
          console.info(`${c.method} ${c.route}\n  ${c.counted.log.join("\n  ")}`);
    });
    afterAll(async () => {
      counter?.stop();
      await api?.close();
      await upstash?.stop();
    });

    it("every call matches the round trips its endpoint declares", () => {
      const problems: string[] = [];
      for (const call of calls) {
        const spec = routes()[call.route]?.endpoints[call.method as HttpMethod]?.spec;
        const expected = declared(spec?.roundTrips);
        const what = `${call.method} ${call.route} (${call.name})`;
        const measured = `{ ${show(call.counted.requests)}; after the response: ${show(call.counted.afterResponse)} }`;
        if (!expected) {
          problems.push(`${what} declares no roundTrips; it made ${measured}`);
          continue;
        }
        for (const phase of ["requests", "afterResponse"] as const) {
          for (const destination of DESTINATIONS) {
            const actual = call.counted[phase][destination];
            const limit = expected[phase][destination];
            const field = phase === "requests" ? destination : `afterResponse.${destination}`;
            if (actual > limit) {
              problems.push(
                `${what} made ${actual} ${field} round trips, more than the ${limit} it declares:\n    ${call.counted.log.join("\n    ")}`,
              );
            } else if (actual < limit) {
              problems.push(
                `${what} made ${actual} ${field} round trips, fewer than the ${limit} it declares: lower roundTrips.${field} to ${actual}`,
              );
            }
          }
        }
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });

    it("plays every main endpoint", () => {
      expect(calls.map((call) => `${call.method} ${call.route}`)).toEqual(
        expect.arrayContaining([
          "GET /api/health",
          "GET /api/services",
          "GET /api/availability",
          "GET /api/availability/calendar",
          "POST /api/consent",
          "POST /api/bookings",
          "GET /api/bookings/[id]",
          "PUT /api/bookings/[id]",
          "POST /api/bookings/[id]/cancel",
          "POST /api/payments/create-order",
          "POST /api/payments/verify",
          "POST /api/auth/login",
          "GET /api/auth/me",
          "GET /api/users/me",
          "PUT /api/sync/settings",
        ]),
      );
    });
  });
}
