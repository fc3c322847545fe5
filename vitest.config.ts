import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file starts its own local stack (PGlite in memory, throwaway Redis); two cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Request logs and the like show only for a failing test, where they help.
    silent: "passed-only",
  },
});
