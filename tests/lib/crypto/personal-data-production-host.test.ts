// BASTION_LOCAL_STACK=1 on a production host (NODE_ENV=production, or a Vercel preview, which can
// point at a database with real customers, or production deployment) is refused: the public
// development keys stay off, as if the setting were not there.
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("BASTION_LOCAL_STACK=1 on a production host, without PERSONAL_DATA_KEYS", () => {
  it.each([
    ["NODE_ENV", "production"],
    ["VERCEL_ENV", "production"],
    ["VERCEL_ENV", "preview"],
  ])("with %s=%s answers 503 instead of sealing with the development keys", async (name, value) => {
    vi.resetModules();
    vi.stubEnv("BASTION_LOCAL_STACK", "1");
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("VERCEL_ENV", "");
    vi.stubEnv(name, value);
    vi.stubEnv("PERSONAL_DATA_KEYS", "");
    vi.stubEnv("PERSONAL_DATA_HMAC_KEY", "");
    const pd = await import("../../../lib/crypto/personal-data.js");
    const refusal = expect.objectContaining({ code: "provider_not_configured", status: 503 });
    expect(() => pd.sealPersonalData("ada@example.com", "bookings.customer_email")).toThrow(
      refusal,
    );
    expect(() => pd.lookupHash("ada@example.com", "bookings.customer_email")).toThrow(refusal);
  });
});
