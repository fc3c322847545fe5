// The local Upstash REST endpoint, driven through the real @upstash/redis and @upstash/ratelimit
// clients against a throwaway redis-server.

import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createScriptTranslator, rewriteShebang } from "../../dev/upstash/scripts.js";
import { startUpstash } from "../../dev/upstash/server.js";
import { redisServerBinary, startRedisServer, type ThrowawayRedis } from "../helpers/redis.js";
import { announceSkipped } from "../helpers/skipped.js";

const FLAGGED_SCRIPT = "#!lua flags=allow-key-locking\nreturn ARGV[1]";

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

describe("Lua script translation for a plain Redis", () => {
  it("rewrites the Upstash-only shebang flag to a bare #!lua on Redis 7", () => {
    expect(rewriteShebang(FLAGGED_SCRIPT, 7)).toBe("#!lua\nreturn ARGV[1]");
  });

  it("keeps the flags Redis 7 knows", () => {
    const script = "#!lua flags=no-writes,allow-key-locking\nreturn 1";
    expect(rewriteShebang(script, 7)).toBe("#!lua flags=no-writes\nreturn 1");
  });

  it("empties the shebang line on Redis 6, keeping the line count", () => {
    expect(rewriteShebang(FLAGGED_SCRIPT, 6)).toBe("\nreturn ARGV[1]");
  });

  it("leaves a script without Upstash-only flags byte for byte", () => {
    expect(rewriteShebang("return 1", 7)).toBe("return 1");
    expect(rewriteShebang("#!lua flags=no-writes\nreturn 1", 7)).toBe(
      "#!lua flags=no-writes\nreturn 1",
    );
  });

  it("translates EVALSHA of the original script to the rewritten script's SHA1", () => {
    const translator = createScriptTranslator(7);
    const [, sent] = translator.translate(["eval", FLAGGED_SCRIPT, "0", "x"]);
    expect(sent).toBe("#!lua\nreturn ARGV[1]");
    expect(translator.translate(["evalsha", sha1(FLAGGED_SCRIPT), "0", "x"])).toEqual([
      "evalsha",
      sha1("#!lua\nreturn ARGV[1]"),
      "0",
      "x",
    ]);
    const unknown = "f".repeat(40);
    expect(translator.translate(["evalsha", unknown, "0"])).toEqual(["evalsha", unknown, "0"]);
  });
});

const binary = redisServerBinary();

if (!binary) {
  // Loud rather than silently green: these tests need the real server.
  announceSkipped(
    "redis-server not found — Upstash endpoint tests did not run (apt-get install redis-server)",
  );
} else {
  describe("Upstash REST endpoint", () => {
    const token = "test-upstash-token";
    let redisServer: ThrowawayRedis;
    let endpoint: Awaited<ReturnType<typeof startUpstash>>;
    /** Talks RESP to the same Redis, to check what the endpoint really stored. */
    let direct: IORedis;
    let redis: Redis;
    let keyCount = 0;
    /** A key no other test uses, so tests share one Redis without seeing each other. */
    const freshKey = (name: string) => `test:${name}:${++keyCount}`;

    beforeAll(async () => {
      redisServer = await startRedisServer(binary);
      endpoint = await startUpstash({ port: 0, redisUrl: redisServer.url, token });
      direct = new IORedis(redisServer.url);
      redis = new Redis({ url: endpoint.url, token });
    });

    afterAll(async () => {
      await direct?.quit();
      await endpoint?.close();
      await redisServer?.stop();
    });

    afterEach(() => {
      vi.restoreAllMocks();
      vi.useRealTimers();
    });

    /** A raw REST call, for facts about the wire format that the clients smooth over. */
    async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${endpoint.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(body),
      });
      // Upstash's REST answer: a result, or an error message.
      const answer = (await response.json()) as { result?: unknown; error?: string };
      return { status: response.status, body: answer };
    }

    describe("through @upstash/redis with base64 responses (the default)", () => {
      it("sets, gets, increments and deletes, in the real Redis", async () => {
        const key = freshKey("counter");
        expect(await redis.set(key, 41)).toBe("OK");
        expect(await direct.get(key)).toBe("41");
        expect(await redis.incr(key)).toBe(42);
        expect(await redis.get(key)).toBe(42);
        expect(await redis.del(key)).toBe(1);
        expect(await redis.get(key)).toBeNull();
      });

      it("round-trips non-ASCII text and JSON values", async () => {
        const text = freshKey("text");
        const json = freshKey("json");
        await redis.set(text, "héllo ✓ 日本");
        await redis.set(json, { plan: "pro", seats: 3, tags: ["a", "b"] });
        expect(await redis.get(text)).toBe("héllo ✓ 日本");
        expect(await redis.get(json)).toEqual({ plan: "pro", seats: 3, tags: ["a", "b"] });
        expect(JSON.parse((await direct.get(json)) ?? "")).toEqual({
          plan: "pro",
          seats: 3,
          tags: ["a", "b"],
        });
      });

      it("reads and writes hashes", async () => {
        const key = freshKey("hash");
        expect(await redis.hset(key, { name: "Ada", visits: 2 })).toBe(2);
        expect(await redis.hincrby(key, "visits", 3)).toBe(5);
        expect(await redis.hget(key, "name")).toBe("Ada");
        expect(await redis.hgetall(key)).toEqual({ name: "Ada", visits: 5 });
        expect(await direct.hgetall(key)).toEqual({ name: "Ada", visits: "5" });
      });

      it("sends concurrent commands as one auto-pipelined /pipeline request", async () => {
        const fetchSpy = vi.spyOn(globalThis, "fetch");
        const key = freshKey("auto");
        const [set, incremented, value] = await Promise.all([
          redis.set(key, 1),
          redis.incr(key),
          redis.get(key),
        ]);
        expect([set, incremented, value]).toEqual(["OK", 2, 2]);
        const paths = fetchSpy.mock.calls.map(([url]) => new URL(String(url)).pathname);
        expect(paths).toContain("/pipeline");
      });

      it("runs an explicit pipeline, keeping each command's error to itself", async () => {
        const key = freshKey("pipeline");
        const word = freshKey("word");
        const results = await redis
          .pipeline()
          .set(key, 10)
          .incrby(key, 5)
          .set(word, "abc")
          .incr(word)
          .get(key)
          .exec({ keepErrors: true });
        expect(results.map((item) => item.result)).toEqual(["OK", 15, "OK", undefined, 15]);
        expect(results[3]?.error).toMatch(/not an integer/);
      });

      it("runs redis.multi() as a MULTI/EXEC transaction", async () => {
        const key = freshKey("multi");
        const list = freshKey("list");
        const results = await redis
          .multi()
          .set(key, 1)
          .incr(key)
          .rpush(list, "x", "y")
          .lrange(list, 0, -1)
          .exec();
        expect(results).toEqual(["OK", 2, 2, ["x", "y"]]);
        expect(await direct.get(key)).toBe("2");
      });

      it("reports a Redis error as a rejected command, and keeps serving", async () => {
        const key = freshKey("not-a-number");
        await redis.set(key, "abc");
        await expect(redis.incr(key)).rejects.toThrow(/ERR value is not an integer/);
        expect(await redis.get(key)).toBe("abc");
      });
    });

    describe("through @upstash/redis without base64 (responseEncoding: false)", () => {
      const plain = () => new Redis({ url: endpoint.url, token, responseEncoding: false });

      it("sets and gets text, numbers, JSON and hashes", async () => {
        const client = plain();
        const text = freshKey("plain-text");
        const json = freshKey("plain-json");
        const hash = freshKey("plain-hash");
        await client.set(text, "héllo ✓");
        await client.set(json, { ok: true });
        await client.hset(hash, { a: "1", b: "two" });
        expect(await client.get(text)).toBe("héllo ✓");
        expect(await client.get(json)).toEqual({ ok: true });
        expect(await client.incr(freshKey("plain-counter"))).toBe(1);
        expect(await client.hgetall(hash)).toEqual({ a: 1, b: "two" });
      });

      it("runs pipelines and transactions", async () => {
        const client = plain();
        const key = freshKey("plain-multi");
        expect(await client.multi().set(key, "v").get(key).exec()).toEqual(["OK", "v"]);
        expect(await client.pipeline().incr(key).exists(key).exec({ keepErrors: true })).toEqual([
          { error: expect.stringMatching(/not an integer/), result: undefined },
          { error: undefined, result: 1 },
        ]);
      });
    });

    describe("one command per request (auto-pipelining off)", () => {
      const single = () => new Redis({ url: endpoint.url, token, enableAutoPipelining: false });

      it("answers on / with the result", async () => {
        const fetchSpy = vi.spyOn(globalThis, "fetch");
        const key = freshKey("single");
        await single().set(key, "v");
        expect(await single().get(key)).toBe("v");
        const paths = fetchSpy.mock.calls.map(([url]) => new URL(String(url)).pathname);
        expect(paths).toEqual(["/", "/"]);
      });

      it("turns a Redis error into a rejected command", async () => {
        const key = freshKey("single-word");
        await single().set(key, "abc");
        await expect(single().incr(key)).rejects.toThrow(/ERR value is not an integer/);
      });
    });

    describe("on the wire", () => {
      it("base64-encodes string replies recursively but leaves integers and null", async () => {
        const key = freshKey("wire");
        const list = freshKey("wire-list");
        const missing = freshKey("missing");
        const { status, body } = await post(
          "/pipeline",
          [
            ["set", key, "hi ✓"],
            ["get", key],
            ["rpush", list, "a", 2, true],
            ["lrange", list, 0, -1],
            ["get", missing],
          ],
          { "Upstash-Encoding": "base64" },
        );
        const b64 = (text: string) => Buffer.from(text).toString("base64");
        expect(status).toBe(200);
        expect(body).toEqual([
          { result: b64("OK") },
          { result: b64("hi ✓") },
          { result: 3 },
          { result: [b64("a"), b64("2"), b64("true")] },
          { result: null },
        ]);
      });

      it("answers HGETALL as Redis's flat array", async () => {
        const key = freshKey("wire-hash");
        await direct.hset(key, "f", "v");
        expect(await post("/", ["hgetall", key])).toEqual({
          status: 200,
          body: { result: ["f", "v"] },
        });
      });

      it("answers a Redis error on / with 400 and the message, not encoded", async () => {
        const key = freshKey("wire-error");
        await direct.set(key, "abc");
        const { status, body } = await post("/", ["incr", key], { "Upstash-Encoding": "base64" });
        expect(status).toBe(400);
        expect(body).toEqual({ error: "ERR value is not an integer or out of range" });
      });

      it("discards a whole /multi-exec when a command cannot be queued", async () => {
        const key = freshKey("wire-abort");
        const { status, body } = await post("/multi-exec", [["set", key, "1"], ["nosuchcommand"]]);
        expect(status).toBe(400);
        expect(body.error).toMatch(/^EXECABORT/);
        expect(await direct.exists(key)).toBe(0);
      });

      it("refuses commands that would change the connection every request shares", async () => {
        const { status, body } = await post("/", ["select", 1]);
        expect(status).toBe(400);
        expect(body.error).toMatch(/not available/);
        const key = freshKey("after-select");
        await redis.set(key, "db0");
        expect(await direct.get(key)).toBe("db0");
      });

      it("rejects a body that is not a command", async () => {
        expect((await post("/", { cmd: "get" })).status).toBe(400);
        expect((await post("/pipeline", [])).status).toBe(400);
      });
    });

    describe("authorization", () => {
      it("makes the client fail with Unauthorized for a wrong token", async () => {
        const intruder = new Redis({ url: endpoint.url, token: "wrong-token" });
        await expect(intruder.get("anything")).rejects.toThrow(/Unauthorized/);
      });

      it("answers 401 with Upstash's body for a wrong or missing token", async () => {
        const wrong = await post("/", ["ping"], { authorization: `Bearer ${token}x` });
        expect(wrong).toEqual({ status: 401, body: { error: "Unauthorized" } });
        const response = await fetch(`${endpoint.url}/`, {
          method: "POST",
          body: JSON.stringify(["ping"]),
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({ error: "Unauthorized" });
      });

      it("accepts the right token", async () => {
        expect(await post("/", ["ping"])).toEqual({ status: 200, body: { result: "PONG" } });
      });
    });

    describe("Lua scripts", () => {
      it("answers EVALSHA of an unknown script with NOSCRIPT", async () => {
        await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(
          /NOSCRIPT No matching script\. Please use EVAL\./,
        );
      });

      it("runs a script with Upstash's shebang flag, then finds it by its original SHA1", async () => {
        expect(await redis.eval(FLAGGED_SCRIPT, [], ["first"])).toBe("first");
        expect(await redis.evalsha(sha1(FLAGGED_SCRIPT), [], ["second"])).toBe("second");
      });
    });

    describe("@upstash/ratelimit", () => {
      // Pinning the clock keeps every request in one window, with no sleeping and no chance of
      // a window boundary falling between two requests; only Date is faked, timers stay real.
      function pinClock() {
        vi.useFakeTimers({ toFake: ["Date"] });
        vi.setSystemTime(new Date("2030-01-01T00:00:05.000Z"));
      }

      async function successes(limiter: Ratelimit, identifier: string, attempts: number) {
        const outcomes: boolean[] = [];
        for (let i = 0; i < attempts; i++) {
          const { success, reason } = await limiter.limit(identifier);
          // "timeout" would mean the endpoint never answered and the limiter let it through.
          expect(reason).toBeUndefined();
          outcomes.push(success);
        }
        return outcomes;
      }

      const limiter = (algorithm: ReturnType<typeof Ratelimit.slidingWindow>) =>
        new Ratelimit({
          redis,
          limiter: algorithm,
          prefix: freshKey("ratelimit"),
          // Without the in-memory cache every call reaches the endpoint.
          ephemeralCache: false,
        });

      it("slidingWindow allows N requests and blocks the next", async () => {
        pinClock();
        const outcomes = await successes(limiter(Ratelimit.slidingWindow(3, "10 s")), "user", 4);
        expect(outcomes).toEqual([true, true, true, false]);
      });

      it("counts each identifier separately", async () => {
        pinClock();
        const shared = limiter(Ratelimit.slidingWindow(1, "10 s"));
        expect(await successes(shared, "alice", 2)).toEqual([true, false]);
        expect(await successes(shared, "bob", 1)).toEqual([true]);
      });

      it("fixedWindow allows N requests and blocks the next", async () => {
        pinClock();
        const outcomes = await successes(limiter(Ratelimit.fixedWindow(2, "10 s")), "user", 3);
        expect(outcomes).toEqual([true, true, false]);
      });

      it("tokenBucket spends its tokens and then blocks", async () => {
        pinClock();
        const outcomes = await successes(limiter(Ratelimit.tokenBucket(1, "10 s", 2)), "user", 3);
        expect(outcomes).toEqual([true, true, false]);
      });
    });
  });
}
