// Cron endpoints are the service client's front door: without CRON_SECRET configured they must
// refuse everyone (503, so the operator sees why), not let everyone in.
import { describe, expect, it } from "vitest";
import { requireCronSecret } from "../../../lib/auth/cron-secret.js";
import { ApiError } from "../../../lib/http/errors.js";

const request = (authorization?: string) =>
  new Request("http://localhost/api/cron/expire-holds", {
    headers: authorization === undefined ? {} : { authorization },
  });

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error.code : String(error);
  }
}

describe("requireCronSecret without CRON_SECRET", () => {
  it("refuses every request, even one sending an empty secret", () => {
    delete process.env.CRON_SECRET;
    expect(codeOf(() => requireCronSecret(request()))).toBe("provider_not_configured");
    expect(codeOf(() => requireCronSecret(request("Bearer ")))).toBe("provider_not_configured");
    expect(codeOf(() => requireCronSecret(request("Bearer undefined")))).toBe(
      "provider_not_configured",
    );
  });
});
