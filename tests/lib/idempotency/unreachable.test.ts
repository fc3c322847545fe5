// Idempotency fails closed: with Redis unreachable (the configured URL points at a local port
// where nothing listens) the request is refused before its side effect can run undeduplicated.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closedPortUrl } from "../../helpers/local-upstash.js";
import { captureLogs } from "../../helpers/log-capture.js";
import { stubPersonalDataKeys } from "../../helpers/personal-data-keys.js";

type StoreModule = typeof import("../../../lib/idempotency/store.js");

describe("runIdempotently when Redis is unreachable", () => {
  let runIdempotently: StoreModule["runIdempotently"];

  beforeAll(async () => {
    vi.stubEnv("UPSTASH_REDIS_REST_URL", await closedPortUrl());
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "token-for-a-redis-that-is-down");
    stubPersonalDataKeys();
    ({ runIdempotently } = await import("../../../lib/idempotency/store.js"));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("answers 503 without running the side effect, and logs why", async () => {
    const logs = captureLogs();
    const run = vi.fn(async () => ({ status: 201, headers: {}, body: "{}" }));
    await expect(
      runIdempotently({ scope: "user-1", key: "order-1", fingerprint: "fp" }, run),
    ).rejects.toMatchObject({ code: "service_unavailable", status: 503 });
    expect(run).not.toHaveBeenCalled();
    expect(logs).toMatchObject([
      { level: "error", event: "idempotency_store_unavailable", operation: "claim" },
    ]);
  });
});
