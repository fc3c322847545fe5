// How often the verifier fetches the project's JWKS. A relay between it and the local stack counts
// the fetches and can add keys (a rotation) or fail (an outage). jose's timings are driven by
// moving the clock (Date only), never by waiting.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestSupabase, type TestSupabase } from "../../helpers/supabase.js";
import { foreignKey, userClaims } from "./tokens.js";

const JWKS_PATH = "/auth/v1/.well-known/jwks.json";
/** jose's defaults, which lib/auth/access-token.ts relies on. */
const COOLDOWN_MS = 30_000;
const CACHE_MAX_AGE_MS = 600_000;

interface JwksRelay {
  url: string;
  fetches: number;
  addedKeys: JWK[];
  failing: boolean;
  close(): Promise<void>;
}

/** Serves the stack's JWKS plus addedKeys at the same path, counting each fetch. */
async function startJwksRelay(stack: TestSupabase): Promise<JwksRelay> {
  const relay = { fetches: 0, addedKeys: [] as JWK[], failing: false };
  const server: Server = createServer((req, res) => {
    if (req.url !== JWKS_PATH) return void res.writeHead(404).end();
    relay.fetches += 1;
    if (relay.failing) return void res.writeHead(502).end();
    void fetch(`${stack.url}${JWKS_PATH}`)
      .then((upstream) => upstream.json() as Promise<{ keys: JWK[] }>)
      .then(({ keys }) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ keys: [...keys, ...relay.addedKeys] }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(relay, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

let stack: TestSupabase;
let relay: JwksRelay;
let verifyAccessToken: typeof import("../../../lib/auth/access-token.js").verifyAccessToken;
let ApiError: typeof import("../../../lib/http/errors.js").ApiError;

beforeAll(async () => {
  stack = await startTestSupabase();
  relay = await startJwksRelay(stack);
  // Tokens name the relay as their issuer, so the verifier's only way to the keys is the relay.
  process.env.SUPABASE_URL = relay.url;
  delete process.env.SUPABASE_JWT_SECRET;
});

afterAll(async () => {
  await relay?.close();
  await stack?.close();
});

beforeEach(async () => {
  relay.fetches = 0;
  relay.addedKeys = [];
  relay.failing = false;
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  // A fresh module is a freshly started function instance: an empty key cache.
  vi.resetModules();
  ({ verifyAccessToken } = await import("../../../lib/auth/access-token.js"));
  ({ ApiError } = await import("../../../lib/http/errors.js"));
});

afterEach(() => {
  vi.useRealTimers();
});

const projectToken = () => stack.keys.sign(userClaims(relay.url), 3600);
const advanceClock = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function expectRefused(token: string, code = "unauthorized"): Promise<void> {
  const error = await verifyAccessToken(token).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ code });
}

describe("the project's JWKS cache", () => {
  it("is fetched once, then serves every token of a warm instance", async () => {
    for (let i = 0; i < 5; i++) await verifyAccessToken(await projectToken());
    expect(relay.fetches).toBe(1);
  });

  it("is fetched once by concurrent first requests", async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, projectToken));
    await Promise.all(tokens.map(verifyAccessToken));
    expect(relay.fetches).toBe(1);
  });

  it("refetches an unknown kid at most once per cooldown, and still refuses it", async () => {
    await verifyAccessToken(await projectToken());
    const stranger = await foreignKey("ES256");
    const strangerToken = await stranger.sign(userClaims(relay.url));
    await expectRefused(strangerToken);
    expect(relay.fetches).toBe(1);

    advanceClock(COOLDOWN_MS + 1_000);
    await Promise.all(Array.from({ length: 10 }, () => expectRefused(strangerToken)));
    expect(relay.fetches).toBe(2);
    await expectRefused(strangerToken);
    expect(relay.fetches).toBe(2);
  });

  it("picks up a rotated-in key (RS256 here) after the cooldown, without a restart", async () => {
    await verifyAccessToken(await projectToken());
    const rotated = await foreignKey("RS256");
    relay.addedKeys = [rotated.publicJwk];
    const rotatedToken = await rotated.sign(userClaims(relay.url));
    await expectRefused(rotatedToken);

    advanceClock(COOLDOWN_MS + 1_000);
    await expect(verifyAccessToken(rotatedToken)).resolves.toMatchObject({ role: "authenticated" });
    await verifyAccessToken(rotatedToken);
    await verifyAccessToken(await projectToken());
    expect(relay.fetches).toBe(2);
  });

  it("is refreshed when older than ten minutes", async () => {
    await verifyAccessToken(await projectToken());
    advanceClock(CACHE_MAX_AGE_MS + 1_000);
    await verifyAccessToken(await projectToken());
    expect(relay.fetches).toBe(2);
  });

  it("answers 503, not 401, when the keys cannot be fetched", async () => {
    relay.failing = true;
    await expectRefused(await projectToken(), "service_unavailable");
  });
});
