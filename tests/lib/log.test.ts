// What a log line may never contain, whatever a caller passes to the logger.
import { describe, expect, it } from "vitest";
import { redact } from "../../lib/log.js";

describe("redact", () => {
  it("blanks fields named like secrets or personal data, at any depth", () => {
    expect(
      redact({
        authorization: "Bearer abc",
        headers: { cookie: "sb=1", "x-api-key": "k" },
        user: { email: "ann@example.com", phone: "+14155550100", password: "pw" },
        refreshToken: "r",
        count: 3,
      }),
    ).toEqual({
      authorization: "[redacted]",
      headers: { cookie: "[redacted]", "x-api-key": "[redacted]" },
      user: { email: "[redacted]", phone: "[redacted]", password: "[redacted]" },
      refreshToken: "[redacted]",
      count: 3,
    });
  });

  it("finds tokens, emails, phones, card numbers and secret assignments inside free text", () => {
    const text = redact(
      "user ann@example.com sent eyJhbGciOi.eyJzdWIiOi.sig from +44 20 7946 0958 with card 4242 4242 4242 4242 and password=hunter2",
    );
    expect(text).toBe(
      "user [redacted-email] sent [redacted-token] from [redacted-phone] with card [redacted-number] and password=[redacted]",
    );
  });

  it("leaves ids and timestamps that are not card numbers alone", () => {
    expect(redact("request dev1::abc-1795258974123-0dd2 at 1795258974123")).toBe(
      "request dev1::abc-1795258974123-0dd2 at 1795258974123",
    );
  });

  it("keeps an error's name and redacts its message and stack", () => {
    const error = new Error("no user ann@example.com");
    const redacted = redact(error) as { name: string; message: string; stack: string };
    expect(redacted.name).toBe("Error");
    expect(redacted.message).toBe("no user [redacted-email]");
    expect(redacted.stack).not.toContain("ann@example.com");
  });
});
