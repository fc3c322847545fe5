// With no keys configured on the local stack (BASTION_LOCAL_STACK=1, as `npm run dev` and the tests
// set), personal data is sealed under the built-in development keys, and the server says so once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogs, type LogLine } from "../../helpers/log-capture.js";

let pd: typeof import("../../../lib/crypto/personal-data.js");
let lines: LogLine[];
const CONTEXT = "bookings.customer_name";

beforeAll(async () => {
  process.env.BASTION_LOCAL_STACK = "1";
  delete process.env.VERCEL_ENV;
  delete process.env.PERSONAL_DATA_KEYS;
  delete process.env.PERSONAL_DATA_HMAC_KEY;
  lines = captureLogs();
  pd = await import("../../../lib/crypto/personal-data.js");
});

afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("without PERSONAL_DATA_KEYS on the local stack", () => {
  it("seals under the development key id and opens again", () => {
    const sealed = pd.sealPersonalData("Ada Lovelace", CONTEXT);
    expect(sealed).toMatch(/^v1\.dev\./);
    expect(pd.openPersonalData(sealed, CONTEXT)).toBe("Ada Lovelace");
    expect(pd.needsReencryption(sealed)).toBe(false);
    expect(pd.lookupHash("ada@example.com", CONTEXT)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("logs once that the development keys are in use", () => {
    pd.sealPersonalData("again", CONTEXT);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", event: "personal_data_development_keys" });
  });

  it("uses fixed keys: what one process sealed, the next opens", async () => {
    const sealed = pd.sealPersonalData("Ada Lovelace", CONTEXT);
    const hash = pd.lookupHash("ada@example.com", CONTEXT);
    vi.resetModules();
    const next = await import("../../../lib/crypto/personal-data.js");
    expect(next.openPersonalData(sealed, CONTEXT)).toBe("Ada Lovelace");
    expect(next.lookupHash("ada@example.com", CONTEXT)).toBe(hash);
  });

  it("data sealed under them does not open once real keys are configured", async () => {
    const sealed = pd.sealPersonalData("Ada Lovelace", CONTEXT);
    vi.resetModules();
    vi.stubEnv("PERSONAL_DATA_KEYS", `k1:${randomBytes(32).toString("base64")}`);
    vi.stubEnv("PERSONAL_DATA_HMAC_KEY", randomBytes(32).toString("base64"));
    const configured = await import("../../../lib/crypto/personal-data.js");
    expect(() => configured.openPersonalData(sealed, CONTEXT)).toThrow(
      expect.objectContaining({ name: "PersonalDataError", reason: "unknown_key" }),
    );
  });
});
