// Outside the local stack (no BASTION_LOCAL_STACK=1), on any host — not only a Vercel deployment:
// with no keys configured, everything that touches personal data answers 503
// provider_not_configured, every time; the public development keys are never used.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";
import { captureLogs, type LogLine } from "../../helpers/log-capture.js";

let pd: typeof import("../../../lib/crypto/personal-data.js");
let lines: LogLine[];
const CONTEXT = "bookings.customer_email";

beforeAll(async () => {
  // A plain server: no Vercel, no production flag, and no local stack asked for.
  delete process.env.BASTION_LOCAL_STACK;
  delete process.env.VERCEL_ENV;
  delete process.env.NODE_ENV;
  delete process.env.PERSONAL_DATA_KEYS;
  delete process.env.PERSONAL_DATA_HMAC_KEY;
  lines = captureLogs();
  pd = await import("../../../lib/crypto/personal-data.js");
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe("without PERSONAL_DATA_KEYS outside the local stack", () => {
  it("answers 503 provider_not_configured for every operation", () => {
    const sealedElsewhere = "v1.dev.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA";
    const operations = [
      () => pd.sealPersonalData("ada@example.com", CONTEXT),
      () => pd.openPersonalData(sealedElsewhere, CONTEXT),
      () => pd.lookupHash("ada@example.com", CONTEXT),
      () => pd.needsReencryption(sealedElsewhere),
      () => pd.reencrypt(sealedElsewhere, CONTEXT),
      () => pd.currentPersonalDataKeyId(),
    ];
    for (const operation of operations) {
      expect(operation).toThrow(ApiError);
      expect(operation).toThrow(
        expect.objectContaining({
          code: "provider_not_configured",
          status: 503,
          message: "Personal data encryption is not configured on this server.",
        }),
      );
    }
  });

  it("logs provider_not_configured naming the variables, never the development keys in use", () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({
        level: "warn",
        event: "provider_not_configured",
        feature: "Personal data encryption",
        missing: ["PERSONAL_DATA_KEYS", "PERSONAL_DATA_HMAC_KEY"],
      });
    }
    expect(lines.some((line) => line.event === "personal_data_development_keys")).toBe(false);
  });
});
