// GET/POST /api/flights/search and GET /api/flights/{offerToken} against a network-level fake of
// Kiwi's Tequila API (tests/helpers/fake-kiwi.ts), with the cache in Redis through the local
// Upstash endpoint (in-process where redis-server is missing): validation, normalized cache keys,
// single flight, Cache-Status, the sealed offer token and the price check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeKiwi, startFakeKiwi } from "../helpers/fake-kiwi.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";

const API_KEY = "kiwi-test-key-0123456789";
let kiwi: FakeKiwi;
let upstash: LocalUpstash | undefined;
let api: TestApi;

beforeAll(async () => {
  kiwi = await startFakeKiwi(API_KEY);
  const binary = redisServerBinary();
  upstash = binary ? await startLocalUpstash(binary) : undefined;
  api = await startTestApi({
    env: {
      FLIGHT_PROVIDER: "kiwi",
      KIWI_API_KEY: API_KEY,
      KIWI_API_URL: kiwi.url,
      ...(upstash && {
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
      }),
    },
  });
});
afterAll(async () => {
  await api?.close();
  await upstash?.stop();
  await kiwi?.close();
});

/** A date `days` from today (UTC), as YYYY-MM-DD. */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
let nextDay = 20;
/** A departure date no other test in this file searches, so its cache key is fresh. */
const freshDay = () => inDays(nextDay++);

interface Offer {
  offerToken: string;
  priceMinor: number;
  price: number;
  currency: string;
  origin: string;
  destination: string;
  segments: unknown[];
  deepLink: string | null;
}
interface SearchResult {
  cache: "hit" | "miss";
  offers: Offer[];
  query: Record<string, unknown>;
}

const search = (query: Record<string, string>) =>
  send(api, "GET", `/api/flights/search?${new URLSearchParams(query)}`);

describe("flight search validation", () => {
  it.each([
    ["origin", { origin: "LONDON", destination: "BCN", departureDate: inDays(10) }],
    ["destination", { origin: "LHR", destination: "LHR", departureDate: inDays(10) }],
    ["departureDate", { origin: "LHR", destination: "BCN", departureDate: inDays(-3) }],
    [
      "returnDate",
      { origin: "LHR", destination: "BCN", departureDate: inDays(10), returnDate: inDays(8) },
    ],
    [
      "infants",
      { origin: "LHR", destination: "BCN", departureDate: inDays(10), adults: "1", infants: "2" },
    ],
    ["adults", { origin: "LHR", destination: "BCN", departureDate: inDays(10), adults: "0" }],
    ["departureDate", { origin: "LHR", destination: "BCN", departureDate: "2026-13-40" }],
  ])("refuses a bad %s without asking the provider", async (field, query) => {
    const before = kiwi.searches().length;
    const problem = await expectProblem(await search(query), 400, "validation_failed");
    expect(Object.keys(problem.errors ?? {})).toContain(`query.${field}`);
    expect(kiwi.searches().length).toBe(before);
  });

  it("refuses unknown fields in the JSON body", async () => {
    await expectProblem(
      await post(api, "/api/flights/search", {
        origin: "LHR",
        destination: "BCN",
        departureDate: inDays(10),
        price: 1,
      }),
      400,
      "validation_failed",
    );
  });
});

describe("the search cache", () => {
  it("asks Tequila as its API expects: apikey header, gzip, dd/mm/yyyy, curr and cabin", async () => {
    const day = freshDay();
    const result = await expectJson<SearchResult>(
      await search({ origin: "lhr", destination: "bcn", departureDate: day, cabin: "business" }),
      200,
    );
    const request = kiwi.searches().at(-1);
    expect(request).toMatchObject({ authorized: true });
    expect(request?.acceptEncoding).toContain("gzip");
    expect(request?.query).toMatchObject({
      fly_from: "LHR",
      fly_to: "BCN",
      date_from: `${day.slice(8)}/${day.slice(5, 7)}/${day.slice(0, 4)}`,
      flight_type: "oneway",
      selected_cabins: "C",
      curr: "EUR",
      adults: "1",
    });
    expect(result.offers).toHaveLength(3);
    expect(result.offers[0]).toMatchObject({
      origin: "LHR",
      destination: "BCN",
      price: 89.5,
      priceMinor: 8950,
      currency: "EUR",
    });
  });

  it("keys by the normalized query: case, field order and defaults make no new key", async () => {
    const day = freshDay();
    const before = kiwi.searches().length;
    const first = await search({ origin: "lhr", destination: "BCN", departureDate: day });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-status")).toBe("Bastion; fwd=uri-miss; stored");
    const again = await post(api, "/api/flights/search", {
      destination: "bcn",
      departureDate: day,
      origin: "LHR",
      adults: 1,
      children: 0,
      currency: "eur",
      cabin: "economy",
      sort: "price",
      limit: 20,
    });
    expect(again.headers.get("cache-status")).toMatch(/^Bastion; hit; ttl=\d+$/);
    expect((await expectJson<SearchResult>(again, 200)).cache).toBe("hit");
    expect(kiwi.searches().length).toBe(before + 1);

    // Another passenger mix or currency is another question.
    const other = await search({
      origin: "LHR",
      destination: "BCN",
      departureDate: day,
      adults: "2",
    });
    expect(other.headers.get("cache-status")).toBe("Bastion; fwd=uri-miss; stored");
    const usd = await search({
      origin: "LHR",
      destination: "BCN",
      departureDate: day,
      currency: "USD",
    });
    expect(usd.headers.get("cache-status")).toBe("Bastion; fwd=uri-miss; stored");
    expect(kiwi.searches().length).toBe(before + 3);
  });

  it("sends 20 identical concurrent searches to Tequila once", async () => {
    const day = freshDay();
    const before = kiwi.searches().length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        search({ origin: "MAN", destination: "AGP", departureDate: day }),
      ),
    );
    const statuses = answers.map((answer) => answer.headers.get("cache-status") ?? "");
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(kiwi.searches().length).toBe(before + 1);
    expect(statuses.filter((status) => status.endsWith("stored"))).toHaveLength(1);
    const tokens = new Set(
      (await Promise.all(answers.map((a) => a.json() as Promise<SearchResult>))).map(
        (result) => result.offers[0]?.priceMinor,
      ),
    );
    expect(tokens).toEqual(new Set([8950]));
  });
});

describe("offer tokens and the price check", () => {
  async function firstOffer(): Promise<Offer> {
    const result = await expectJson<SearchResult>(
      await search({ origin: "LGW", destination: "FCO", departureDate: freshDay() }),
      200,
    );
    return result.offers[0] as Offer;
  }

  it("seals the offer: the provider's booking token is not in it, and a changed one is 404", async () => {
    const offer = await firstOffer();
    const bookingToken = kiwi.tokens().at(-3) as string;
    expect(offer.offerToken).not.toContain(bookingToken.slice(5, 25));
    const tampered = `${offer.offerToken.slice(0, -4)}AAAA`;
    await expectProblem(await send(api, "GET", `/api/flights/${tampered}`), 404, "not_found");
  });

  it("re-validates with check_flights and reports a price change with a new token", async () => {
    const offer = await firstOffer();
    const same = await expectJson<{ priceChanged: boolean; offer: Offer }>(
      await send(api, "GET", `/api/flights/${offer.offerToken}`),
      200,
    );
    expect(same).toMatchObject({ priceChanged: false, offer: { priceMinor: 8950 } });
    const check = kiwi.requests.at(-1);
    expect(check).toMatchObject({ path: "/v2/booking/check_flights", authorized: true });
    expect(check?.query).toMatchObject({ adults: "1", currency: "EUR", bnum: "0" });

    kiwi.setPrice(check?.query.booking_token as string, 102.25);
    const moved = await expectJson<{
      priceChanged: boolean;
      previousPriceMinor: number;
      offer: Offer;
    }>(await send(api, "GET", `/api/flights/${offer.offerToken}`), 200);
    expect(moved).toMatchObject({
      priceChanged: true,
      previousPriceMinor: 8950,
      offer: { priceMinor: 10225, price: 102.25 },
    });
    // The new token carries the confirmed price.
    const again = await expectJson<{ priceChanged: boolean }>(
      await send(api, "GET", `/api/flights/${moved.offer.offerToken}`),
      200,
    );
    expect(again.priceChanged).toBe(false);
  });

  it("answers 409 when the offer can no longer be bought", async () => {
    const offer = await firstOffer();
    await send(api, "GET", `/api/flights/${offer.offerToken}`);
    kiwi.invalidate(kiwi.requests.at(-1)?.query.booking_token as string);
    const problem = await expectProblem(
      await send(api, "GET", `/api/flights/${offer.offerToken}`),
      409,
      "conflict",
    );
    expect(problem).toMatchObject({ reason: "offer_unavailable" });
  });
});
