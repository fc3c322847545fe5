// Real-format personal-data keys for tests that load lib/ as a deployment would (VERCEL_ENV
// production or preview), where the public development keys are refused. Fixed, test-only.
import { vi } from "vitest";

const key = (label: string) => Buffer.alloc(32, label).toString("base64");

/** Stubs PERSONAL_DATA_KEYS and PERSONAL_DATA_HMAC_KEY; undo with vi.unstubAllEnvs(). */
export function stubPersonalDataKeys(): void {
  vi.stubEnv("PERSONAL_DATA_KEYS", `t1:${key("test encryption key")}`);
  vi.stubEnv("PERSONAL_DATA_HMAC_KEY", key("test lookup hash key"));
}
