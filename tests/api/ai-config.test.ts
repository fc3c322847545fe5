// The AI endpoints' configuration and their budget store: without an OpenAI key (and no local
// responder) they answer 503 provider_not_configured and call nobody; with Upstash over a real
// Redis the daily budget lives there under keyed hashes (no user id, no address) that expire;
// with Redis gone they fail closed (503) and forward nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { announceSkipped } from "../helpers/skipped.js";

const CALLS = [
  ["/api/ai/chat", { messages: [{ role: "user", content: "Hello" }] }],
  ["/api/ai/generate", { template: "reply_draft", variables: { customerMessage: "Hello" } }],
  ["/api/ai/analyze", { text: "Hello" }],
] as const;

describe("without OPENAI_API_KEY", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      env: { OPENAI_API_KEY: undefined, OPENAI_API_URL: undefined },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers 503 provider_not_configured on every AI endpoint", async () => {
    const user = await api.signUp();
    for (const [path, body] of CALLS) {
      const problem = await expectProblem(
        await post(api, path, body, { token: user.accessToken }),
        503,
        "provider_not_configured",
      );
      expect(problem.detail).toBe("AI is not configured on this server.");
    }
  });
});

const binary = redisServerBinary();
if (!binary) {
  announceSkipped(
    "redis-server not found — the AI budget was not checked in Redis (apt-get install redis-server)",
  );
} else {
  describe("the daily budget in Upstash", () => {
    let upstash: LocalUpstash;
    let openai: FakeOpenAi;
    let api: TestApi;
    let redisStopped = false;
    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      openai = await startFakeOpenAi();
      api = await startTestApi({
        env: {
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
          OPENAI_API_KEY: openai.apiKey,
          OPENAI_API_URL: openai.url,
        },
      });
    });
    afterAll(async () => {
      await api?.close();
      await openai?.close();
      if (!redisStopped) await upstash?.stop();
    });

    it("keeps the day's tokens and requests under keyed hashes that expire, settled to what was used", async () => {
      const user = await api.signUp();
      openai.reply(() => "Fine, thanks.");
      const answer = await expectJson<{ usage: { inputTokens: number; outputTokens: number } }>(
        await post(api, "/api/ai/chat", CALLS[0][1], {
          token: user.accessToken,
          headers: { accept: "application/json" },
        }),
        200,
      );
      const keys = await upstash.direct.keys("ai:budget:*");
      expect(keys.length).toBe(2);
      for (const key of keys) {
        expect(key).not.toContain(user.id);
        expect(key).toMatch(/^ai:budget:(tokens|requests):\d{4}-\d{2}-\d{2}:[\w-]{22}$/);
        const ttl = await upstash.direct.ttl(key);
        expect(ttl).toBeGreaterThan(86_400);
        expect(ttl).toBeLessThanOrEqual(2 * 86_400);
      }
      const tokens = keys.find((key) => key.includes(":tokens:")) as string;
      const requests = keys.find((key) => key.includes(":requests:")) as string;
      expect(Number(await upstash.direct.get(tokens))).toBe(
        answer.usage.inputTokens + answer.usage.outputTokens,
      );
      expect(Number(await upstash.direct.get(requests))).toBe(1);
    });

    it("holds all visitors together to one daily ceiling; signed-in users keep their own", async () => {
      const day = new Date().toISOString().slice(0, 10);
      await upstash.direct.set(`ai:budget:requests:${day}:visitors`, "2000");
      try {
        openai.reply(() => "Hello.");
        const before = openai.requests.length;
        const refused = await post(
          api,
          "/api/ai/chat",
          { messages: [{ role: "user", content: "What do you offer?" }] },
          { headers: { accept: "application/json" } },
        );
        const problem = await expectProblem(refused, 429, "rate_limited");
        expect(problem.detail).toMatch(/visitors/);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(openai.requests.length).toBe(before);
        // Nothing was kept of the refused request.
        expect(await upstash.direct.get(`ai:budget:requests:${day}:visitors`)).toBe("2000");
        const user = await api.signUp();
        await expectJson(
          await post(api, "/api/ai/chat", CALLS[0][1], {
            token: user.accessToken,
            headers: { accept: "application/json" },
          }),
          200,
        );
      } finally {
        await upstash.direct.del(`ai:budget:requests:${day}:visitors`);
      }
    });

    it("fails closed when Redis is unreachable: 503, nothing forwarded", async () => {
      const user = await api.signUp();
      const before = openai.requests.length;
      await upstash.stop();
      redisStopped = true;
      for (const [path, body] of CALLS) {
        await expectProblem(
          await post(api, path, body, { token: user.accessToken }),
          503,
          "service_unavailable",
        );
      }
      expect(openai.requests.length).toBe(before);
    });
  });
}
