// Idempotency-Key handling on a real Redis behind the local Upstash endpoint: side effects run
// once, replays are exact, conflicts answer 409/422, and what Redis holds is checked directly.
// The store reaches the endpoint through a proxy that can lose a reply on demand.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { parseIdempotencyKey } from "../../../lib/idempotency/idempotency-key.js";
import type { StoredResponse } from "../../../lib/idempotency/store.js";
import { type LocalUpstash, startLocalUpstash } from "../../helpers/local-upstash.js";
import { captureLogs } from "../../helpers/log-capture.js";
import { stubPersonalDataKeys } from "../../helpers/personal-data-keys.js";
import { redisServerBinary } from "../../helpers/redis.js";
import {
  type ReplyDroppingProxy,
  startReplyDroppingProxy,
} from "../../helpers/reply-dropping-proxy.js";
import { announceSkipped } from "../../helpers/skipped.js";

type StoreModule = typeof import("../../../lib/idempotency/store.js");

const created: StoredResponse = {
  status: 201,
  headers: { "content-type": "application/json", location: "/api/orders/ord_1" },
  body: '{"id":"ord_1"}',
};

/** A run() that counts its calls and answers `response`. */
function sideEffect(response: StoredResponse = created) {
  return vi.fn(async () => response);
}

/** A promise the test settles by hand, to hold a request "running" without sleeping. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/**
 * A run() that stays running until finish() is called. `started` resolves once it is called,
 * which is after the key was claimed in Redis.
 */
function heldRun() {
  const started = deferred<void>();
  const gate = deferred<StoredResponse>();
  const run = vi.fn(() => {
    started.resolve();
    return gate.promise;
  });
  return { run, started: started.promise, finish: gate.resolve };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
}

describe("parseIdempotencyKey", () => {
  it("takes a bare key as it is", () => {
    expect(parseIdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")).toBe(
      "8e03978e-40d5-43e8-bc93-6894a57f9324",
    );
    expect(parseIdempotencyKey("order 7")).toBe("order 7");
  });

  it("unquotes the structured-field string form, escapes included", () => {
    expect(parseIdempotencyKey('"8e03978e-40d5"')).toBe("8e03978e-40d5");
    expect(parseIdempotencyKey('"say \\"hi\\" \\\\ bye"')).toBe('say "hi" \\ bye');
  });

  it("refuses what is not 1 to 255 printable ASCII characters, or a broken quoted string", () => {
    for (const header of [
      "",
      '""',
      "x".repeat(256),
      "clé",
      "tab\there",
      '"open',
      '"a"b"',
      '"\\x"',
    ]) {
      expect(() => parseIdempotencyKey(header), JSON.stringify(header)).toThrow(
        expect.objectContaining({ code: "bad_request", status: 400 }),
      );
    }
    expect(parseIdempotencyKey("x".repeat(255))).toHaveLength(255);
  });
});

const binary = redisServerBinary();

if (!binary) {
  // Loud rather than silently green: these tests need the real server.
  announceSkipped(
    "redis-server not found — idempotency tests against Redis did not run (apt-get install redis-server)",
  );
} else {
  describe("runIdempotently with Upstash Redis", () => {
    let upstash: LocalUpstash;
    let proxy: ReplyDroppingProxy;
    let runIdempotently: StoreModule["runIdempotently"];
    let keyCount = 0;
    /** A key no other test uses, so tests share one Redis without seeing each other. */
    const freshKey = () => `order-${++keyCount}-8e03978e-40d5-43e8-bc93-6894a57f9324`;

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      proxy = await startReplyDroppingProxy(upstash.url);
      // lib/env reads the environment once per process, so it is set before the first import.
      vi.stubEnv("UPSTASH_REDIS_REST_URL", proxy.url);
      vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", upstash.token);
      vi.stubEnv("VERCEL_ENV", "production");
      stubPersonalDataKeys();
      ({ runIdempotently } = await import("../../../lib/idempotency/store.js"));
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await proxy?.close();
      await upstash?.stop();
    });

    beforeEach(() => {
      captureLogs();
    });

    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("runs the side effect once and replays the stored response to a retry", async () => {
      const run = sideEffect();
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: false });
      expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: true });
      expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: true });
      expect(run).toHaveBeenCalledTimes(1);
    });

    it("treats the quoted structured-field form of a key as the same key", async () => {
      const run = sideEffect();
      const key = freshKey();
      await runIdempotently({ scope: "user-1", key, fingerprint: "fp-a" }, run);
      const quoted = await runIdempotently(
        { scope: "user-1", key: `"${key}"`, fingerprint: "fp-a" },
        run,
      );
      expect(quoted.replayed).toBe(true);
      expect(run).toHaveBeenCalledTimes(1);
    });

    it("answers 422 when the key comes back with a different request", async () => {
      const run = sideEffect();
      const key = freshKey();
      await runIdempotently({ scope: "user-1", key, fingerprint: "fp-a" }, run);
      const error = await rejection(
        runIdempotently({ scope: "user-1", key, fingerprint: "fp-other-body" }, run),
      );
      expect(error).toMatchObject({ code: "idempotency_key_reused", status: 422 });
      expect(run).toHaveBeenCalledTimes(1);
    });

    it("answers 409 to a duplicate while the first request still runs, then replays", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const held = heldRun();
      const first = runIdempotently(request, held.run);
      await held.started;

      const duplicate = sideEffect();
      const conflict = await rejection(runIdempotently(request, duplicate));
      expect(conflict).toMatchObject({ code: "idempotency_in_progress", status: 409 });
      const reused = await rejection(
        runIdempotently({ ...request, fingerprint: "fp-b" }, duplicate),
      );
      expect(reused).toMatchObject({ code: "idempotency_key_reused", status: 422 });

      held.finish(created);
      expect(await first).toEqual({ response: created, replayed: false });
      expect(await runIdempotently(request, duplicate)).toEqual({
        response: created,
        replayed: true,
      });
      expect(duplicate).not.toHaveBeenCalled();
    });

    it("lets exactly one of two simultaneous first requests run", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const held = heldRun();
      const outcomes = Promise.allSettled([
        runIdempotently(request, held.run),
        runIdempotently(request, held.run),
      ]);
      await held.started;
      held.finish(created);
      const [a, b] = await outcomes;
      expect(held.run).toHaveBeenCalledTimes(1);
      expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
      const rejected = a.status === "rejected" ? a : b;
      expect(rejected).toMatchObject({ reason: { code: "idempotency_in_progress" } });
    });

    it("recognises its own claim when the claim's reply was lost and the client retried", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const run = sideEffect();
      // The SET NX runs in Redis, its reply is lost, the client sends it again: "not set".
      proxy.dropNextReply(/"set".*"nx"/i);
      expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: false });
      expect(proxy.dropped()).toBe(1);
      expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: true });
      expect(run).toHaveBeenCalledTimes(1);
    });

    it("releases the key when the run throws, so a retry runs again", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const failure = new Error("provider timed out");
      await expect(
        runIdempotently(request, async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);

      const retry = sideEffect();
      expect(await runIdempotently(request, retry)).toEqual({ response: created, replayed: false });
      expect(retry).toHaveBeenCalledTimes(1);
    });

    it("releases the key on a 5xx response, so a retry runs again", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const unavailable = { status: 503, headers: {}, body: "{}" };
      expect(await runIdempotently(request, sideEffect(unavailable))).toEqual({
        response: unavailable,
        replayed: false,
      });

      const retry = sideEffect();
      expect(await runIdempotently(request, retry)).toEqual({ response: created, replayed: false });
      expect(retry).toHaveBeenCalledTimes(1);
    });

    it("stores and replays a 4xx response: the same request gets the same answer", async () => {
      const request = { scope: "user-1", key: freshKey(), fingerprint: "fp-a" };
      const declined = { status: 402, headers: {}, body: '{"code":"card_declined"}' };
      const run = sideEffect(declined);
      await runIdempotently(request, run);
      expect(await runIdempotently(request, run)).toEqual({ response: declined, replayed: true });
      expect(run).toHaveBeenCalledTimes(1);
    });

    it("scopes keys per caller: the same key from two users runs twice", async () => {
      const key = freshKey();
      const forAda = sideEffect({ ...created, body: '{"id":"ord_ada"}' });
      const forAlan = sideEffect({ ...created, body: '{"id":"ord_alan"}' });
      await runIdempotently({ scope: "user-ada", key, fingerprint: "fp-a" }, forAda);
      const alan = await runIdempotently({ scope: "user-alan", key, fingerprint: "fp-a" }, forAlan);
      expect(alan).toEqual({
        response: { ...created, body: '{"id":"ord_alan"}' },
        replayed: false,
      });
      expect(forAda).toHaveBeenCalledTimes(1);
      expect(forAlan).toHaveBeenCalledTimes(1);
    });

    it("keeps both the claim and the response for 24 hours, under a hashed key", async () => {
      const key = freshKey();
      const request = { scope: "user-grace", key, fingerprint: "fp-a" };
      const before = new Set(await upstash.direct.keys("idempotency:*"));
      const held = heldRun();
      const first = runIdempotently(request, held.run);
      await held.started;
      const added = (await upstash.direct.keys("idempotency:*")).filter(
        (name) => !before.has(name),
      );
      expect(added).toHaveLength(1);
      const recordKey = added[0] ?? "";

      const claimTtl = await upstash.direct.ttl(recordKey);
      expect(claimTtl).toBeGreaterThan(86_390);
      expect(claimTtl).toBeLessThanOrEqual(86_400);
      held.finish(created);
      await first;
      const responseTtl = await upstash.direct.ttl(recordKey);
      expect(responseTtl).toBeGreaterThan(86_390);
      expect(responseTtl).toBeLessThanOrEqual(86_400);

      expect(recordKey).not.toContain(key);
      expect(recordKey).not.toContain("user-grace");
      expect(JSON.parse((await upstash.direct.get(recordKey)) ?? "")).toEqual({
        state: "completed",
        fingerprint: "fp-a",
        sealedResponse: expect.stringMatching(/^v1\.t1\./),
      });
    });

    it("keeps the response sealed: Redis holds none of it, and an altered record is refused", async () => {
      const request = { scope: "user-ada", key: freshKey(), fingerprint: "fp-a" };
      const personal = {
        status: 201,
        headers: { "content-type": "application/json", location: "/api/people/ada" },
        body: '{"name":"Ada Lovelace","email":"ada@example.com"}',
      };
      const before = new Set(await upstash.direct.keys("idempotency:*"));
      await runIdempotently(request, sideEffect(personal));
      const [recordKey = ""] = (await upstash.direct.keys("idempotency:*")).filter(
        (name) => !before.has(name),
      );
      const raw = (await upstash.direct.get(recordKey)) ?? "";
      for (const text of ["Ada", "Lovelace", "ada@example.com", "/api/people", "201"]) {
        expect(raw).not.toContain(text);
      }
      expect(await runIdempotently(request, sideEffect())).toEqual({
        response: personal,
        replayed: true,
      });

      // Another record's sealed response copied here does not open (sealed for its own key).
      const other = { scope: "user-ada", key: freshKey(), fingerprint: "fp-a" };
      await runIdempotently(other, sideEffect());
      const [otherKey = ""] = (await upstash.direct.keys("idempotency:*")).filter(
        (name) => !before.has(name) && name !== recordKey,
      );
      await upstash.direct.set(recordKey, (await upstash.direct.get(otherKey)) ?? "", "KEEPTTL");
      const logs = captureLogs();
      await expect(runIdempotently(request, sideEffect())).rejects.toMatchObject({
        code: "service_unavailable",
      });
      expect(logs).toMatchObject([{ level: "error", event: "idempotency_record_invalid" }]);
    });

    it("keeps what forReplay leaves of the response, and answers the first request in full", async () => {
      const request = {
        scope: "ip:203.0.113.9",
        key: freshKey(),
        fingerprint: "fp-a",
        forReplay: (response: StoredResponse) => ({ ...response, body: '{"id":"b_1"}' }),
      };
      const full = { ...created, body: '{"id":"b_1","token":"shown-once"}' };
      expect(await runIdempotently(request, sideEffect(full))).toEqual({
        response: full,
        replayed: false,
      });
      expect(await runIdempotently(request, sideEffect())).toEqual({
        response: { ...created, body: '{"id":"b_1"}' },
        replayed: true,
      });
    });

    it("refuses keys that are empty, too long or not printable ASCII, before running", async () => {
      const run = sideEffect();
      const invalid = ["", '""', "x".repeat(256), "clé", "line\nbreak", '"unterminated'];
      for (const key of invalid) {
        const error = await rejection(
          runIdempotently({ scope: "user-1", key, fingerprint: "f" }, run),
        );
        expect(error, JSON.stringify(key)).toMatchObject({ code: "bad_request", status: 400 });
      }
      expect(run).not.toHaveBeenCalled();
      expect(
        (await runIdempotently({ scope: "u", key: "x".repeat(255), fingerprint: "f" }, run))
          .replayed,
      ).toBe(false);
    });
  });
}
