// GET /api/health with Upstash configured: "ok" through the local Upstash-compatible endpoint in
// front of a real Redis; where redis-server is missing, the unreachable case runs instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { closedPortUrl, type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import { announceSkipped } from "../helpers/skipped.js";

const binary = redisServerBinary();
let upstash: LocalUpstash | undefined;
let api: TestApi;

beforeAll(async () => {
  upstash = binary ? await startLocalUpstash(binary) : undefined;
  api = await startTestApi({
    env: {
      UPSTASH_REDIS_REST_URL: upstash?.url ?? (await closedPortUrl()),
      UPSTASH_REDIS_REST_TOKEN: upstash?.token ?? "unreachable",
    },
  });
});
afterAll(async () => {
  await api?.close();
  await upstash?.stop();
});

const health = async () => (await fetch(`${api.url}/api/health`)).json();

if (binary) {
  describe("GET /api/health with Upstash", () => {
    it("reports the cache reachable", async () => {
      expect(await health()).toMatchObject({ status: "ok", checks: { cache: "ok" } });
    });
  });
} else {
  announceSkipped(
    "redis-server not found — health with a reachable cache did not run (apt-get install redis-server)",
  );
  describe("GET /api/health with Upstash unreachable", () => {
    it("reports the cache unavailable and the service degraded", async () => {
      expect(await health()).toMatchObject({
        status: "degraded",
        checks: { database: "ok", cache: "unavailable" },
      });
    });
  });
}
