// Which reasons may make an endpoint privileged (lib/http/endpoint.ts): the schedulers, a
// verified webhook, or a ledger step named in a sentence. A spec with anything else does not
// build, so a misdeclared endpoint fails every test that loads its route.
import { describe, expect, it } from "vitest";
import { endpoint, privilegeProblem } from "../../../lib/http/endpoint.js";

describe("privileged", () => {
  it("allows the schedulers, webhooks and named ledger steps", () => {
    expect(privilegeProblem({ auth: "cron", privileged: "cron" })).toBeUndefined();
    expect(privilegeProblem({ auth: "public", rawBody: true, privileged: "webhook" })).toBe(
      undefined,
    );
    expect(
      privilegeProblem({
        auth: "optional",
        privileged: { ledgerStep: "the booking takes sealed personal data" },
      }),
    ).toBeUndefined();
    expect(privilegeProblem({ auth: "user" })).toBeUndefined();
  });

  it("refuses a reason that does not fit the endpoint", () => {
    expect(privilegeProblem({ auth: "user", privileged: "cron" })).toMatch(/auth: "cron"/);
    expect(privilegeProblem({ auth: "public", privileged: "webhook" })).toMatch(/rawBody/);
    expect(privilegeProblem({ auth: "user", rawBody: true, privileged: "webhook" })).toMatch(
      /auth: "public"/,
    );
    expect(
      privilegeProblem({ auth: "cron", privileged: { ledgerStep: "sweeps every hold" } }),
    ).toMatch(/privileged: "cron"/);
    expect(privilegeProblem({ auth: "user", privileged: { ledgerStep: "  " } })).toMatch(
      /sentence/,
    );
  });

  it("stops a misdeclared endpoint from being built", () => {
    expect(() =>
      endpoint({ summary: "Sneaky", auth: "user", privileged: "cron" }, async () => undefined),
    ).toThrow(/Sneaky: privileged: "cron" needs auth: "cron"/);
  });
});
