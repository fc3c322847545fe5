// Runs in its own process (see round-trips.ts): the local stack with Upstash over a throwaway
// redis-server, as tests/api/round-trips.test.ts starts it, plays the same representative calls
// (tests/helpers/round-trip-calls.ts) with the same counter (tests/helpers/round-trips.ts), and
// sends each call's counts with what its endpoint declares. Without redis-server it sends why.
import type { HttpMethod } from "../lib/http/route.js";
import { routes } from "../lib/openapi/routes.js";
import { startTestApi } from "../tests/helpers/api.js";
import { startLocalUpstash } from "../tests/helpers/local-upstash.js";
import { redisServerBinary } from "../tests/helpers/redis.js";
import { playRoundTripCalls } from "../tests/helpers/round-trip-calls.js";
import { type Counts, startRoundTripCounter } from "../tests/helpers/round-trips.js";
import { PROJECT_SEED } from "../tests/helpers/supabase.js";

export interface RoundTripRow {
  endpoint: string;
  call: string;
  requests: Counts;
  /** Sequential groups among `requests`: side-by-side requests are one. */
  sequential: Counts;
  afterResponse: Counts;
  declared: { requests: Counts; afterResponse: Counts } | null;
}

export type RoundTripsWorkerResult = { calls: RoundTripRow[] } | { skipped: string };

const binary = redisServerBinary();
if (!binary) {
  process.send?.({ skipped: "redis-server not found (apt-get install redis-server)" });
} else {
  const upstash = await startLocalUpstash(binary);
  try {
    const api = await startTestApi({
      seedFile: PROJECT_SEED,
      databaseWebhooks: false,
      env: { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token },
    });
    const counter = startRoundTripCounter();
    try {
      // Request logs would drown the bench's own output.
      console.info = () => {};
      const calls = await playRoundTripCalls(api, counter);
      const rows: RoundTripRow[] = calls.map((call) => {
        const declared =
          routes()[call.route]?.endpoints[call.method as HttpMethod]?.spec.roundTrips;
        const after = declared?.afterResponse ?? {};
        return {
          endpoint: `${call.method} ${call.route}`,
          call: call.name,
          requests: call.counted.requests,
          sequential: call.counted.sequential,
          afterResponse: call.counted.afterResponse,
          declared: declared
            ? {
                requests: {
                  database: declared.database,
                  redis: declared.redis,
                  providers: declared.providers ?? 0,
                },
                afterResponse: {
                  database: after.database ?? 0,
                  redis: after.redis ?? 0,
                  providers: after.providers ?? 0,
                },
              }
            : null,
        };
      });
      process.send?.({ calls: rows } satisfies RoundTripsWorkerResult);
    } finally {
      counter.stop();
      await api.close();
    }
  } finally {
    await upstash.stop();
  }
}
