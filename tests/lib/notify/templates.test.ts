// Notification templates: every template renders, variables are checked against the template's
// schema, every variable is escaped in HTML, and the locale falls back to English.
import { describe, expect, it } from "vitest";
import { listTemplates } from "../../../lib/notify/templates/list-templates.js";
import { TEMPLATE_NAMES, type TemplateName } from "../../../lib/notify/templates/registry.js";
import { render } from "../../../lib/notify/templates/render.js";
import { SMS_MAX_LENGTH } from "../../../lib/notify/templates/sms.js";
import { TemplateVariablesError } from "../../../lib/notify/templates/template-errors.js";
import { MANAGE_URL, VALID_VARIABLES } from "./template-variables.js";

/** As an endpoint calls it: the name from the request, the variables not yet checked. */
function renderUnchecked(name: TemplateName, variables: unknown, locale?: string) {
  return render(name, variables, locale);
}

function variablesError(name: TemplateName, variables: unknown): TemplateVariablesError {
  try {
    renderUnchecked(name, variables);
  } catch (error) {
    if (error instanceof TemplateVariablesError) return error;
    throw error;
  }
  throw new Error(`${name} accepted ${JSON.stringify(variables)}`);
}

/** Intl puts narrow and thin no-break spaces into times; compare with plain spaces. */
const spaced = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");

const WITH_CALENDAR: TemplateName[] = [
  "booking_confirmation",
  "booking_rescheduled",
  "booking_cancellation",
];

describe("render", () => {
  it.each(TEMPLATE_NAMES)("renders %s with valid variables", (name) => {
    const rendered = renderUnchecked(name, VALID_VARIABLES[name]);

    expect(rendered.subject.length).toBeGreaterThan(0);
    expect(rendered.html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(rendered.html).toContain(`<title>${rendered.subject}</title>`);
    expect(rendered.text).toContain("Calm Minds");
    expect(rendered.text).not.toMatch(/<[^>]*>/);
    expect(rendered.sms.length).toBeGreaterThan(0);
    expect(rendered.sms.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(rendered.sms).toContain("Calm Minds");
    if (WITH_CALENDAR.includes(name)) {
      expect(rendered.attachments?.map((a) => a.filename)).toEqual(["booking.ics"]);
    } else {
      expect(rendered).not.toHaveProperty("attachments");
    }
  });

  it("writes each template's own facts", () => {
    const confirmation = renderUnchecked(
      "booking_confirmation",
      VALID_VARIABLES.booking_confirmation,
    );
    expect(spaced(confirmation.text)).toContain("When: Monday, June 1, 2026, 10:00 – 10:50 AM EDT");
    expect(confirmation.text).toContain("Format: Video call");
    expect(confirmation.text).toContain(`View or change your booking: ${MANAGE_URL}`);
    expect(confirmation.sms.endsWith(` ${MANAGE_URL}`)).toBe(true);

    const reset = renderUnchecked("password_reset", VALID_VARIABLES.password_reset);
    expect(reset.text).toContain("the link works for 1 hour");
    expect(reset.text).toContain("Hi,");

    const receipt = renderUnchecked("payment_receipt", VALID_VARIABLES.payment_receipt);
    expect(receipt.subject).toBe("Receipt from Calm Minds: ₹2,500.00");
    // 09:30Z is 15:00 in Kolkata (+05:30).
    expect(spaced(receipt.text)).toContain("Paid: Wednesday, May 20, 2026 at 3:00 PM GMT+5:30");

    const refund = renderUnchecked("refund_issued", VALID_VARIABLES.refund_issued);
    expect(refund.text).toContain("Reason: Cancelled by the practice");
    const { reason: _, ...withoutReason } = VALID_VARIABLES.refund_issued;
    expect(renderUnchecked("refund_issued", withoutReason).text).not.toContain("Reason:");

    const moved = renderUnchecked("booking_rescheduled", VALID_VARIABLES.booking_rescheduled);
    expect(spaced(moved.text)).toContain("has moved from Fri, May 29, 10:00 AM EDT to the time");

    const cancelled = renderUnchecked("booking_cancellation", VALID_VARIABLES.booking_cancellation);
    expect(cancelled.text).toContain("Book another time: https://app.example.com/book");
  });

  it("says which reminder it is", () => {
    const dayBefore = renderUnchecked("booking_reminder", VALID_VARIABLES.booking_reminder);
    const hourBefore = renderUnchecked("booking_reminder", {
      ...VALID_VARIABLES.booking_reminder,
      kind: "1h",
    });
    expect(spaced(dayBefore.subject)).toBe(
      "Reminder: Initial consultation tomorrow, Mon, Jun 1, 10:00 AM EDT",
    );
    expect(spaced(hourBefore.subject)).toBe(
      "Starting soon: Initial consultation, Mon, Jun 1, 10:00 AM EDT",
    );
    expect(hourBefore.text).toContain("starts in about an hour");
  });

  it("type-checks the variables when the template is named in code", () => {
    const rendered = render("welcome", {
      practiceName: "Calm Minds",
      appUrl: "https://app.example.com/",
    });
    expect(rendered.subject).toBe("Welcome to Calm Minds");
    // @ts-expect-error: a welcome email needs the app's URL.
    expect(() => render("welcome", { practiceName: "Calm Minds" })).toThrow(TemplateVariablesError);
  });
});

describe("invalid variables", () => {
  it("refuses unknown variables, naming each", () => {
    const error = variablesError("welcome", {
      ...VALID_VARIABLES.welcome,
      html: "<b>hi</b>",
      bcc: "x@example.com",
    });
    expect(error.template).toBe("welcome");
    expect(error.errors).toEqual({ html: ["Unknown variable"], bcc: ["Unknown variable"] });
  });

  it("refuses a missing required variable, for every variable listed as required", () => {
    for (const template of listTemplates()) {
      for (const variable of template.variables.filter((v) => v.required)) {
        const { [variable.name]: _, ...rest } = VALID_VARIABLES[template.name] as Record<
          string,
          unknown
        >;
        expect(Object.keys(variablesError(template.name, rest).errors)).toEqual([variable.name]);
      }
    }
  });

  it.each([
    ["startsAt", { startsAt: "2026-06-01T10:00:00" }],
    ["startsAt", { startsAt: "next Monday" }],
    ["endsAt", { endsAt: "2026-06-01T13:00:00Z" }],
    ["timeZone", { timeZone: "Mars/Olympus_Mons" }],
    ["timeZone", { timeZone: "+05:30" }],
    ["format", { format: "phone" }],
    ["bookingId", { bookingId: "42" }],
    ["manageUrl", { manageUrl: "javascript:alert(1)" }],
    ["manageUrl", { manageUrl: "data:text/html,<script>alert(1)</script>" }],
    ["manageUrl", { manageUrl: "/bookings/1" }],
    ["customerName", { customerName: "" }],
    ["customerName", { customerName: "Asha\r\nBcc: victim@example.com" }],
    ["practiceEmail", { practiceEmail: "not an address" }],
    ["updatedAt", { updatedAt: "1999-12-31T23:59:59Z" }],
  ])("refuses a bad %s in booking_confirmation", (field, change) => {
    const error = variablesError("booking_confirmation", {
      ...VALID_VARIABLES.booking_confirmation,
      ...change,
    });
    expect(Object.keys(error.errors)).toEqual([field]);
  });

  it.each([
    ["amountMinor", { amountMinor: 2500.5 }],
    ["amountMinor", { amountMinor: 0 }],
    ["amountMinor", { amountMinor: "250000" }],
    ["currency", { currency: "inr" }],
    ["currency", { currency: "XYZ" }],
    ["paidAt", { paidAt: "2026-05-20" }],
  ])("refuses a bad %s in payment_receipt", (field, change) => {
    const error = variablesError("payment_receipt", {
      ...VALID_VARIABLES.payment_receipt,
      ...change,
    });
    expect(Object.keys(error.errors)).toEqual([field]);
  });

  it("refuses a reminder of an unknown kind and a reset link that lasts forever", () => {
    expect(
      variablesError("booking_reminder", { ...VALID_VARIABLES.booking_reminder, kind: "5m" })
        .errors,
    ).toHaveProperty("kind");
    expect(
      variablesError("password_reset", { ...VALID_VARIABLES.password_reset, expiresInMinutes: 0 })
        .errors,
    ).toHaveProperty("expiresInMinutes");
  });

  it("refuses variables that are not an object", () => {
    expect(Object.keys(variablesError("welcome", null).errors)).toEqual(["variables"]);
    expect(Object.keys(variablesError("welcome", "Asha").errors)).toEqual(["variables"]);
  });

  it("names the fields in its message, never the values", () => {
    const error = variablesError("booking_confirmation", {
      ...VALID_VARIABLES.booking_confirmation,
      customerName: "Secret\nPerson",
      manageUrl: "javascript:steal()",
    });
    expect(error.message).toBe(
      "The variables of template booking_confirmation are not valid: customerName, manageUrl",
    );
  });
});

describe("escaping", () => {
  const SCRIPT = "<script>alert(1)</script>";
  const ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;";

  it("escapes a customer named <script>alert(1)</script> in HTML and keeps it verbatim in text", () => {
    const rendered = renderUnchecked("booking_confirmation", {
      ...VALID_VARIABLES.booking_confirmation,
      customerName: SCRIPT,
    });
    expect(rendered.html).toContain(`Hi ${ESCAPED_SCRIPT},`);
    expect(rendered.html).not.toContain("<script");
    expect(rendered.text).toContain(`Hi ${SCRIPT},`);
    // Plain text is never parsed as markup; the name is the only angle-bracketed thing in it.
    expect(rendered.text.replaceAll(SCRIPT, "")).not.toMatch(/[<>]/);
  });

  const PAYLOAD = `${SCRIPT}"'&<img src=x onerror=alert(2)>`;
  const TEXT_VARIABLES = [
    "name",
    "customerName",
    "practiceName",
    "sessionTypeName",
    "paymentId",
    "refundId",
    "reason",
  ];

  it.each(TEMPLATE_NAMES)("escapes every text variable of %s in HTML", (name) => {
    const variables: Record<string, unknown> = { ...VALID_VARIABLES[name] };
    const present = TEXT_VARIABLES.filter((key) => key in variables);
    expect(present.length).toBeGreaterThan(0);
    for (const key of present) variables[key] = PAYLOAD;

    const { html, text } = renderUnchecked(name, variables);

    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain(`"'`);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img");
    expect(text).toContain(PAYLOAD);
  });

  it("escapes a link as an attribute: a quote cannot end the href", () => {
    const rendered = renderUnchecked("booking_confirmation", {
      ...VALID_VARIABLES.booking_confirmation,
      manageUrl: `${MANAGE_URL}?x="onmouseover="alert(1)'&y=<b>`,
    });
    const hrefs = [...rendered.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      `${MANAGE_URL}?x=%22onmouseover=%22alert(1)%27&amp;y=%3Cb%3E`,
      `${MANAGE_URL}?x=%22onmouseover=%22alert(1)%27&amp;y=%3Cb%3E`,
    ]);
    expect(rendered.html).not.toContain('onmouseover="');
    expect(rendered.text).toContain(`${MANAGE_URL}?x=%22onmouseover=%22alert(1)%27&y=%3Cb%3E`);
  });
});

describe("sms", () => {
  it("stays within the limit with the longest names, keeping the link whole", () => {
    const rendered = renderUnchecked("booking_rescheduled", {
      ...VALID_VARIABLES.booking_rescheduled,
      practiceName: "P".repeat(100),
      sessionTypeName: "S".repeat(100),
      customerName: "C".repeat(100),
    });
    expect(rendered.sms.length).toBe(SMS_MAX_LENGTH);
    expect(rendered.sms.endsWith(`... ${MANAGE_URL}`)).toBe(true);
  });

  it("leaves out a link too long to leave room for the message", () => {
    const longLink = `${MANAGE_URL}?t=${"a".repeat(200)}`;
    const rendered = renderUnchecked("booking_confirmation", {
      ...VALID_VARIABLES.booking_confirmation,
      manageUrl: longLink,
    });
    expect(rendered.sms).not.toContain("https://");
    expect(rendered.text).toContain(longLink);
  });

  it("is plain GSM-7 punctuation: Intl's special spaces and dashes are replaced", () => {
    const rendered = renderUnchecked("booking_confirmation", VALID_VARIABLES.booking_confirmation);
    expect(rendered.sms).toBe(
      `Calm Minds: your Initial consultation is confirmed for Mon, Jun 1, 10:00 AM EDT. ${MANAGE_URL}`,
    );
  });
});

describe("locale", () => {
  const english = renderUnchecked("booking_confirmation", VALID_VARIABLES.booking_confirmation);

  it.each(["fr", "pt-BR", "xx", "not a locale", ""])(
    "writes %j in English, exactly as en",
    (locale) => {
      expect(
        renderUnchecked("booking_confirmation", VALID_VARIABLES.booking_confirmation, locale),
      ).toEqual(english);
    },
  );

  it("writes a regional English in English words with its own date order", () => {
    const british = renderUnchecked(
      "booking_confirmation",
      VALID_VARIABLES.booking_confirmation,
      "en-gb",
    );
    expect(british.html).toContain('<html lang="en-GB">');
    expect(british.subject.startsWith("Booking confirmed: Initial consultation, Mon 1 Jun")).toBe(
      true,
    );
    expect(british.text).toContain("When: Monday, 1 June 2026");
  });

  it("formats money for the locale: en-IN groups rupees in lakhs", () => {
    const receipt = renderUnchecked(
      "payment_receipt",
      { ...VALID_VARIABLES.payment_receipt, amountMinor: 10_000_000 },
      "en-IN",
    );
    expect(receipt.text).toContain("Amount: ₹1,00,000.00");
  });
});

describe("listTemplates", () => {
  const templates = listTemplates();

  it("lists every template, described", () => {
    expect(templates.map((t) => t.name)).toEqual(TEMPLATE_NAMES);
    for (const template of templates) {
      expect(template.description.length).toBeGreaterThan(0);
      expect(template.variables.length).toBeGreaterThan(0);
      for (const variable of template.variables) expect(variable.description).toBeTruthy();
    }
  });

  it("reads each variable's type, format and choices off the schema", () => {
    const variables = (name: TemplateName) =>
      Object.fromEntries(
        (templates.find((t) => t.name === name)?.variables ?? []).map((v) => [v.name, v]),
      );
    const confirmation = variables("booking_confirmation");
    expect(Object.keys(confirmation).sort()).toEqual(
      Object.keys(VALID_VARIABLES.booking_confirmation).sort(),
    );
    expect(confirmation.startsAt).toMatchObject({
      type: "string",
      required: true,
      format: "date-time",
    });
    expect(confirmation.manageUrl).toMatchObject({ type: "string", format: "uri" });
    expect(confirmation.bookingId).toMatchObject({ format: "uuid" });
    expect(confirmation.format).toMatchObject({
      enum: ["video", "in_person", "chat", "audio", "call"],
      required: true,
    });
    expect(variables("booking_reminder").kind).toMatchObject({ enum: ["24h", "1h"] });
    expect(variables("payment_receipt").amountMinor).toMatchObject({
      type: "integer",
      required: true,
    });
    expect(variables("refund_issued").reason).toMatchObject({ type: "string", required: false });
    expect(variables("welcome").name).toMatchObject({ required: false });
  });
});
