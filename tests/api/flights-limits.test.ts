// The provider ceiling fails closed: with Upstash unreachable, a flight search that would reach
// the provider (a cache miss) is 503 and Tequila (tests/helpers/fake-kiwi.ts) is never asked,
// while the search rate limits (which protect capacity only) let the request through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeKiwi, startFakeKiwi } from "../helpers/fake-kiwi.js";
import { closedPortUrl } from "../helpers/local-upstash.js";
import { expectProblem, send } from "../helpers/requests.js";

const API_KEY = "kiwi-test-key-limits-0123";
let kiwi: FakeKiwi;
let api: TestApi;

beforeAll(async () => {
  kiwi = await startFakeKiwi(API_KEY);
  api = await startTestApi({
    env: {
      FLIGHT_PROVIDER: "kiwi",
      KIWI_API_KEY: API_KEY,
      KIWI_API_URL: kiwi.url,
      UPSTASH_REDIS_REST_URL: await closedPortUrl(),
      UPSTASH_REDIS_REST_TOKEN: "unreachable",
    },
  });
});
afterAll(async () => {
  await api?.close();
  await kiwi?.close();
});

describe("the provider ceiling with Redis unreachable", () => {
  it("answers 503 for a miss and asks the provider nothing", async () => {
    const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const query = new URLSearchParams({ origin: "LHR", destination: "BCN", departureDate: day });
    await expectProblem(
      await send(api, "GET", `/api/flights/search?${query}`),
      503,
      "service_unavailable",
    );
    expect(kiwi.requests).toHaveLength(0);
  });
});
