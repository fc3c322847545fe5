// Without Upstash, idempotency records live in this process's memory only in the local stack
// (BASTION_LOCAL_STACK=1); on any deployment that is refused, since a retry reaching another
// instance would run again.
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../helpers/log-capture.js";
import { stubPersonalDataKeys } from "../../helpers/personal-data-keys.js";

type StoreModule = typeof import("../../../lib/idempotency/store.js");

const created = { status: 201, headers: { location: "/api/orders/ord_1" }, body: '{"id":"ord_1"}' };

/** A fresh lib/env and store, reading the environment as stubbed now. */
async function loadStore(where: "local stack" | "deployment"): Promise<StoreModule> {
  vi.resetModules();
  vi.stubEnv("UPSTASH_REDIS_REST_URL", "");
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "");
  vi.stubEnv("BASTION_LOCAL_STACK", where === "local stack" ? "1" : "");
  stubPersonalDataKeys();
  return import("../../../lib/idempotency/store.js");
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("idempotency in memory in the local stack", () => {
  it("runs once and replays, keeps scopes apart and checks the fingerprint", async () => {
    const { runIdempotently } = await loadStore("local stack");
    const run = vi.fn(async () => created);
    const request = { scope: "user-1", key: "order-1", fingerprint: "fp-a" };
    expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: false });
    expect(await runIdempotently(request, run)).toEqual({ response: created, replayed: true });
    await expect(runIdempotently({ ...request, fingerprint: "fp-b" }, run)).rejects.toMatchObject({
      code: "idempotency_key_reused",
    });
    await runIdempotently({ ...request, scope: "user-2" }, run);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("forgets a record after 24 hours", async () => {
    const { runIdempotently } = await loadStore("local stack");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00.000Z"));
    const run = vi.fn(async () => created);
    const request = { scope: "user-1", key: "order-1", fingerprint: "fp-a" };
    await runIdempotently(request, run);
    vi.setSystemTime(new Date("2030-01-01T23:59:59.999Z"));
    expect((await runIdempotently(request, run)).replayed).toBe(true);
    vi.setSystemTime(new Date("2030-01-02T00:00:00.000Z"));
    expect((await runIdempotently(request, run)).replayed).toBe(false);
    expect(run).toHaveBeenCalledTimes(2);
  });
});

describe("idempotency on a deployment without Upstash", () => {
  it("answers 503 without running, and logs the cause once", async () => {
    const { runIdempotently } = await loadStore("deployment");
    const logs = captureLogs();
    const run = vi.fn(async () => created);
    for (const key of ["order-1", "order-2"]) {
      await expect(
        runIdempotently({ scope: "user-1", key, fingerprint: "fp" }, run),
      ).rejects.toMatchObject({ code: "service_unavailable", status: 503 });
    }
    expect(run).not.toHaveBeenCalled();
    expect(logs).toMatchObject([{ level: "error", event: "idempotency_store_not_configured" }]);
    expect(logs).toHaveLength(1);
  });
});
