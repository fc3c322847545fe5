// Round trips of the flight endpoints (issue 23 with issue 16's harness, tests/helpers/
// round-trips.ts): each call played alone against Upstash over a real Redis and Duffel's and
// Stripe's network-level fakes (so a provider call counts as one), held to the `roundTrips` its
// spec declares — exactly, as tests/api/round-trips.test.ts holds the main endpoints. Search
// declares its miss (the provider asked once); a hit is held below that: no provider request and
// no more Redis or database requests than the miss.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundTrips } from "../../lib/http/endpoint.js";
import type { HttpMethod } from "../../lib/http/route.js";
import { routes } from "../../lib/openapi/routes.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeDuffel, startFakeDuffel } from "../helpers/fake-duffel.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import {
  type CountedRequest,
  type Counts,
  DESTINATIONS,
  type RoundTripCounter,
  startRoundTripCounter,
} from "../helpers/round-trips.js";
import { announceSkipped } from "../helpers/skipped.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const binary = redisServerBinary();
const DUFFEL_TOKEN = "duffel_test_fake_round_trips_0123456789";

interface Played {
  name: string;
  method: HttpMethod;
  route: string;
  counted: CountedRequest;
}

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

if (!binary) {
  announceSkipped(
    "redis-server not found — the flight endpoints' round trips were not counted (apt-get install redis-server)",
  );
} else {
  describe("flight endpoints' round trips", () => {
    let upstash: LocalUpstash;
    let duffel: FakeDuffel;
    let stripe: FakeStripe;
    let api: TestApi;
    let counter: RoundTripCounter;
    const played: Played[] = [];

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      duffel = await startFakeDuffel(DUFFEL_TOKEN);
      stripe = await startFakeStripe();
      api = await startTestApi({
        databaseWebhooks: false,
        env: {
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
          FLIGHT_PROVIDER: "duffel",
          DUFFEL_ACCESS_TOKEN: DUFFEL_TOKEN,
          DUFFEL_API_URL: duffel.url,
          STRIPE_SECRET_KEY: stripe.secretKey,
          STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
          STRIPE_API_URL: stripe.url,
        },
      });
      counter = startRoundTripCounter();

      const send = async (
        method: HttpMethod,
        path: string,
        options: { token?: string; body?: unknown } = {},
      ) => {
        const response = await fetch(`${api.url}${path}`, {
          method,
          headers: {
            ...(options.body !== undefined && { "content-type": "application/json" }),
            ...(options.token && { authorization: `Bearer ${options.token}` }),
          },
          ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        });
        const text = await response.text();
        return { status: response.status, text, json: () => JSON.parse(text) as never };
      };
      const count = async (
        name: string,
        route: string,
        method: HttpMethod,
        path: string,
        options: { token?: string; body?: unknown; status: number },
      ) => {
        await api.settle();
        counter.take();
        const answer = await send(method, path, options);
        await api.settle();
        const seen = counter.take();
        if (answer.status !== options.status) {
          throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
        }
        const [counted, ...others] = seen;
        if (!counted || others.length > 0) throw new Error(`${path}: ${seen.length} requests`);
        played.push({ name, method, route, counted });
        return answer;
      };

      const user = await api.signUp();
      const token = user.accessToken;
      // The warm-up: the limiter's script, the Auth server's keys.
      await send("GET", "/api/auth/me", { token });
      const day = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
      const search = `/api/flights/search?origin=LHR&destination=JFK&departureDate=${day}&currency=GBP`;
      const miss = await count("search (miss)", "/api/flights/search", "GET", search, {
        token,
        status: 200,
      });
      await count("search (hit)", "/api/flights/search", "GET", search, { token, status: 200 });
      const { offers } = miss.json() as { offers: { offerToken: string }[] };
      const offerToken = offers[0]?.offerToken as string;
      await count(
        "details (price check)",
        "/api/flights/[offerToken]",
        "GET",
        `/api/flights/${offerToken}`,
        { token, status: 200 },
      );
      const created = await count(
        "booking create",
        "/api/flights/bookings",
        "POST",
        "/api/flights/bookings",
        {
          token,
          status: 201,
          body: {
            offerToken,
            travelers: [
              {
                type: "adult",
                givenName: "Amelia",
                familyName: "Earhart",
                gender: "f",
                dateOfBirth: "1990-07-24",
                nationality: "GB",
                document: { number: "P1234567", expiresOn: "2031-01-01" },
              },
            ],
            contact: { email: "amelia.rt@example.com", phone: "+447700900123" },
          },
        },
      );
      const { id } = created.json() as { id: string };
      await count("bookings list", "/api/flights/bookings", "GET", "/api/flights/bookings", {
        token,
        status: 200,
      });
      await count(
        "booking read",
        "/api/flights/bookings/[id]",
        "GET",
        `/api/flights/bookings/${id}`,
        {
          token,
          status: 200,
        },
      );
      await count(
        "booking pay (Stripe intent)",
        "/api/flights/bookings/[id]/pay",
        "POST",
        `/api/flights/bookings/${id}/pay`,
        { token, status: 201 },
      );
      await count(
        "booking cancel (unpaid)",
        "/api/flights/bookings/[id]/cancel",
        "POST",
        `/api/flights/bookings/${id}/cancel`,
        { token, status: 200 },
      );
      console.info(
        played
          .map(
            (p) =>
              `${p.method} ${p.route} (${p.name}): ${show(p.counted.requests)}; after ${show(p.counted.afterResponse)}\n  ${p.counted.log.join("\n  ")}`,
          )
          .join("\n"),
      );
    });
    afterAll(async () => {
      counter?.stop();
      await api?.close();
      await stripe?.close();
      await duffel?.close();
      await upstash?.stop();
    });

    it("each call matches its endpoint's declaration (a search hit: at most the miss's)", () => {
      const problems: string[] = [];
      for (const call of played) {
        const spec = routes()[call.route]?.endpoints[call.method]?.spec;
        const expected = declared(spec?.roundTrips);
        const what = `${call.method} ${call.route} (${call.name})`;
        if (!expected) {
          problems.push(`${what} declares no roundTrips; it made ${show(call.counted.requests)}`);
          continue;
        }
        const hit = call.name === "search (hit)";
        for (const phase of ["requests", "afterResponse"] as const) {
          for (const destination of DESTINATIONS) {
            const actual = call.counted[phase][destination];
            const limit = expected[phase][destination];
            if (hit ? actual > limit : actual !== limit) {
              problems.push(`${what} made ${actual} ${phase}.${destination}, declared ${limit}`);
            }
          }
        }
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });

    it("answers a search hit from the cache alone: no provider request", () => {
      const hit = played.find((p) => p.name === "search (hit)");
      const miss = played.find((p) => p.name === "search (miss)");
      expect(miss?.counted.requests.providers).toBe(1);
      expect(hit?.counted.requests.providers).toBe(0);
      expect(hit?.counted.requests.database).toBe(0);
    });
  });
}
