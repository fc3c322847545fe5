import { configDefaults, defineConfig } from "vitest/config";
import { browserTestsRunnable } from "./tests/e2e/helpers/chromium.js";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Every test process is the local stack, so the stand-ins (sandbox payments, development
    // personal-data keys, the local outbox, provider URL overrides to the fakes) may run. Tests
    // of the refusals take the setting away (startTestApi's `env`, or vi.stubEnv).
    // A loaded CI machine answers a local Redis far slower than Upstash answers in its region:
    // the tests give each Redis call 15 s, so only a Redis that is really gone is "unreachable"
    // (the tests of the timeouts themselves set a short one).
    env: { BASTION_LOCAL_STACK: "1", REDIS_TIMEOUT_MS: "15000" },
    // The browser tests need Chromium; without it they are left out, loudly (and CI, which sets
    // E2E_REQUIRED=1, fails instead).
    exclude: [...configDefaults.exclude, ...(browserTestsRunnable() ? [] : ["tests/e2e/**"])],
    // Each file starts its own local stack (PGlite in memory, throwaway Redis); two cores.
    pool: "forks",
    maxWorkers: 2,
    // Limits for a hung test only, never a speed budget: on a loaded 2-core machine starting a
    // local stack and applying every migration can take a minute (`npm run bench` measures speed).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits on work after a response (delivery, AI replies, realtime fan-out). Its
    // default of 1 s is a speed budget in disguise: under CI load a delivery took longer. A test
    // that asserts a latency says so with a timeout of its own.
    expect: { poll: { timeout: 30_000 } },
    // Request logs and the like show only for a failing test, where they help.
    silent: "passed-only",
  },
});
