// A preview deployment may point at a database with real customers: it refuses the public
// development keys just as production does.
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";

let pd: typeof import("../../../lib/crypto/personal-data.js");

beforeAll(async () => {
  process.env.VERCEL_ENV = "preview";
  delete process.env.PERSONAL_DATA_KEYS;
  delete process.env.PERSONAL_DATA_HMAC_KEY;
  pd = await import("../../../lib/crypto/personal-data.js");
});

describe("without PERSONAL_DATA_KEYS on a preview deployment", () => {
  it("answers 503 provider_not_configured instead of sealing with the development keys", () => {
    expect(() => pd.sealPersonalData("ada@example.com", "bookings.customer_email")).toThrow(
      expect.objectContaining({ code: "provider_not_configured", status: 503 }),
    );
    expect(() => pd.lookupHash("ada@example.com", "bookings.customer_email")).toThrow(ApiError);
  });
});
