// E.164 normalization and the calling-code table behind the SMS country allowlist.
import { describe, expect, it } from "vitest";
import { countryOf } from "../../../lib/notify/sms-countries.js";
import { e164 } from "../../../lib/notify/sms-number.js";

describe("e164", () => {
  it.each([
    ["+91 98765 43210", "+919876543210"],
    ["+1 (415) 555-0123", "+14155550123"],
    ["+44 7700.900.123", "+447700900123"],
  ])("normalizes %s", (typed, number) => {
    expect(e164(typed)).toBe(number);
  });

  it.each([
    "98765 43210",
    "0044 7700 900123",
    "+0 123 456 789",
    "+91 1234",
    "+91 98765 43210 12345",
    "+91 98765x43210",
  ])("refuses %s", (typed) => {
    expect(e164(typed)).toBeUndefined();
  });
});

describe("countryOf", () => {
  it.each([
    ["+919876543210", "IN"],
    ["+447700900123", "GB"],
    ["+14155550123", "US"],
    ["+14165550123", "CA"],
    ["+18765550123", "JM"],
    ["+17875550123", "PR"],
    ["+79161234567", "RU"],
    ["+77011234567", "KZ"],
    ["+353851234567", "IE"],
  ])("puts %s in %s", (number, country) => {
    expect(countryOf(number)).toBe(country);
  });

  it("does not guess a calling code it does not know", () => {
    expect(countryOf("+8821234567")).toBeUndefined();
  });
});
