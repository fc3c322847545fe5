// Cron endpoints are the service client's front door: without CRON_SECRET or
// DATABASE_WEBHOOK_SECRET configured they must refuse everyone (503, so the operator sees why),
// not let everyone in; with them, Vercel Cron's secret or the database's, nothing else.
import { afterEach, describe, expect, it, vi } from "vitest";
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

describe("requireCronSecret with Vercel Cron's and the database's secrets", () => {
  const CRON = "vercel-cron-secret-0123456789";
  const DATABASE = "database-webhook-secret-0123456789";

  /** lib/auth/cron-secret.ts as a cold start with exactly these secrets sees it. */
  async function withSecrets(secrets: { CRON_SECRET?: string; DATABASE_WEBHOOK_SECRET?: string }) {
    vi.resetModules();
    vi.stubEnv("CRON_SECRET", secrets.CRON_SECRET ?? "");
    vi.stubEnv("DATABASE_WEBHOOK_SECRET", secrets.DATABASE_WEBHOOK_SECRET ?? "");
    const [{ requireCronSecret: check }, { ApiError: FreshApiError }] = await Promise.all([
      import("../../../lib/auth/cron-secret.js"),
      import("../../../lib/http/errors.js"),
    ]);
    return (authorization?: string) => {
      try {
        check(request(authorization));
        return "passed";
      } catch (error) {
        return error instanceof FreshApiError ? error.code : String(error);
      }
    };
  }

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("lets either scheduler in when both are set, and nobody else", async () => {
    const check = await withSecrets({ CRON_SECRET: CRON, DATABASE_WEBHOOK_SECRET: DATABASE });
    expect(check(`Bearer ${CRON}`)).toBe("passed");
    expect(check(`Bearer ${DATABASE}`)).toBe("passed");
    for (const wrong of [
      undefined,
      "",
      "Bearer ",
      `${CRON}`,
      `Bearer ${CRON}x`,
      `bearer ${DATABASE}`,
    ]) {
      expect(check(wrong)).toBe("unauthorized");
    }
  });

  it("runs on the database's secret alone, and never takes an unset one", async () => {
    const check = await withSecrets({ DATABASE_WEBHOOK_SECRET: DATABASE });
    expect(check(`Bearer ${DATABASE}`)).toBe("passed");
    expect(check("Bearer ")).toBe("unauthorized");
    expect(check("Bearer undefined")).toBe("unauthorized");
    expect(check(`Bearer ${CRON}`)).toBe("unauthorized");
  });

  it("refuses everyone with 503 when neither is set", async () => {
    const check = await withSecrets({});
    expect(check(`Bearer ${DATABASE}`)).toBe("provider_not_configured");
  });
});
