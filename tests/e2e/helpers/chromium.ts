// Where the browser tests find Chromium, and what happens when they cannot. Kept free of
// playwright-core so vitest.config.ts can ask it cheaply before any test file loads.
import { existsSync } from "node:fs";
import { announceSkipped } from "../../helpers/skipped.js";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Chromium's path (CHROMIUM_PATH, else Debian's package), or undefined when it is not there. */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  return existsSync(path) ? path : undefined;
}

/**
 * True when the browser tests can run. Otherwise says so loudly and answers false, so the
 * tests/e2e files are left out of the run; with E2E_REQUIRED=1 (as .ci/run sets) it throws
 * instead, so CI fails rather than passing without them.
 */
export function browserTestsRunnable(): boolean {
  if (chromiumPath()) return true;
  const where = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  const reason = `Chromium not found at ${where} — the browser tests in tests/e2e did not run (apt-get install chromium)`;
  if (process.env.E2E_REQUIRED === "1") throw new Error(`E2E_REQUIRED=1, but ${reason}`);
  announceSkipped(reason);
  return false;
}
