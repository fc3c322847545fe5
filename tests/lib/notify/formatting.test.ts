// Money, durations and session times as the reader's locale writes them.
import { describe, expect, it } from "vitest";
import { formatMoney } from "../../../lib/catalogue/money.js";
import { formatMinutes, formatSession } from "../../../lib/notify/templates/formatting.js";
import { render } from "../../../lib/notify/templates/render.js";
import { VALID_VARIABLES } from "./template-variables.js";

const spaced = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");

describe("formatMoney", () => {
  it("reads amounts in the currency's minor unit", () => {
    expect(formatMoney(250000, "INR", "en")).toBe("₹2,500.00");
    expect(formatMoney(6000, "USD", "en")).toBe("$60.00");
    expect(formatMoney(1, "USD", "en")).toBe("$0.01");
    // Yen have no minor unit: 5000 is ¥5,000, not ¥50.00.
    expect(formatMoney(5000, "JPY", "en")).toBe("¥5,000");
    // Dinars have three decimals.
    expect(spaced(formatMoney(1500, "KWD", "en"))).toBe("KWD 1.500");
  });

  it("follows the locale's grouping and symbol placement", () => {
    expect(formatMoney(10_000_000, "INR", "en-IN")).toBe("₹1,00,000.00");
    expect(formatMoney(10_000_000, "INR", "en")).toBe("₹100,000.00");
    expect(spaced(formatMoney(1005, "EUR", "de"))).toBe("10,05 €");
  });

  it("is what receipts and refunds show", () => {
    const yen = render("payment_receipt", {
      ...VALID_VARIABLES.payment_receipt,
      amountMinor: 5000,
      currency: "JPY",
    });
    expect(yen.text).toContain("Amount: ¥5,000");
    const dollars = render("refund_issued", {
      ...VALID_VARIABLES.refund_issued,
      amountMinor: 6000,
      currency: "USD",
    });
    expect(dollars.subject).toBe("Refund of $60.00 from Calm Minds");
  });
});

describe("formatMinutes", () => {
  it("uses hours when whole, and the locale's plurals", () => {
    expect(formatMinutes(60, "en")).toBe("1 hour");
    expect(formatMinutes(120, "en")).toBe("2 hours");
    expect(formatMinutes(1, "en")).toBe("1 minute");
    expect(formatMinutes(90, "en")).toBe("90 minutes");
  });
});

describe("formatSession", () => {
  it("writes a session in the practice's zone, whatever the instants' offsets", () => {
    expect(
      spaced(formatSession("2026-06-01T04:30:00Z", "2026-06-01T05:20:00Z", "Asia/Kolkata", "en")),
    ).toBe("Monday, June 1, 2026, 10:00 – 10:50 AM GMT+5:30");
    expect(
      spaced(
        formatSession(
          "2026-06-01T10:00:00+01:00",
          "2026-06-01T10:50:00+01:00",
          "Europe/London",
          "en",
        ),
      ),
    ).toBe("Monday, June 1, 2026, 10:00 – 10:50 AM GMT+1");
  });

  it("writes both days of a session past midnight", () => {
    expect(
      spaced(formatSession("2026-06-01T18:00:00Z", "2026-06-01T19:00:00Z", "Asia/Kolkata", "en")),
    ).toBe(
      "Monday, June 1, 2026 at 11:30 PM GMT+5:30 – Tuesday, June 2, 2026 at 12:30 AM GMT+5:30",
    );
  });
});
