// A Redis that accepts connections but never answers: @upstash/ratelimit then resolves
// `success: true, reason: "timeout"` on its own, and that must count as "unreachable" (fail
// closed where the policy says so), not as an allowed request.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../helpers/log-capture.js";

type LimiterModule = typeof import("../../../lib/limits/limiter.js");

describe("enforceRateLimit when Redis never answers", () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let enforceRateLimit: LimiterModule["enforceRateLimit"];

  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    vi.stubEnv("UPSTASH_REDIS_REST_URL", `http://127.0.0.1:${port}`);
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "token-for-a-silent-redis");
    // The production budget, not the test suite's generous one: this test is about running out.
    vi.stubEnv("REDIS_TIMEOUT_MS", "1000");
    ({ enforceRateLimit } = await import("../../../lib/limits/limiter.js"));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("treats the library's timeout as unreachable: open policies pass, closed ones answer 503", async () => {
    const logs = captureLogs();
    const [read, auth] = await Promise.allSettled([
      enforceRateLimit("read", "198.51.100.20"),
      enforceRateLimit("auth", "198.51.100.20"),
    ]);
    expect(read).toEqual({ status: "fulfilled", value: {} });
    expect(auth).toMatchObject({
      status: "rejected",
      reason: { code: "service_unavailable", status: 503 },
    });
    expect(logs.filter((line) => line.event === "rate_limiter_unavailable")).toMatchObject([
      { policy: "read", error: { message: "rate limit check timed out" } },
      { policy: "auth", error: { message: "rate limit check timed out" } },
    ]);
  });
});
