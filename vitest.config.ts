import { configDefaults, defineConfig } from "vitest/config";
import { browserTestsRunnable } from "./tests/e2e/helpers/chromium.js";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Every test process is the local stack, so the stand-ins (sandbox payments, development
    // personal-data keys, the local outbox, provider URL overrides to the fakes) may run. Tests
    // of the refusals take the setting away (startTestApi's `env`, or vi.stubEnv).
    env: { BASTION_LOCAL_STACK: "1" },
    // The browser tests need Chromium; without it they are left out, loudly (and CI, which sets
    // E2E_REQUIRED=1, fails instead).
    exclude: [...configDefaults.exclude, ...(browserTestsRunnable() ? [] : ["tests/e2e/**"])],
    // Each file starts its own local stack (PGlite in memory, throwaway Redis); two cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Request logs and the like show only for a failing test, where they help.
    silent: "passed-only",
  },
});
