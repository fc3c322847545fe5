// booking.ics: RFC 5545 structure (CRLF, 75-octet folding, TEXT escaping, UTC times) and the
// calendar updates a reschedule and a cancellation make to the confirmation's event.
import { describe, expect, it } from "vitest";
import { escapeText, foldLine, icsUtc } from "../../../lib/notify/templates/ics.js";
import { render, type TemplateVariables } from "../../../lib/notify/templates/render.js";
import { BOOKING_ID, MANAGE_URL, VALID_VARIABLES } from "./template-variables.js";

interface Property {
  name: string;
  params: string;
  value: string;
}

/**
 * Checks the physical form (every line ends in CRLF, none is over 75 octets, continuation lines
 * start with one space), then unfolds and splits each content line into name, params and value.
 */
function parseIcs(content: string): Property[] {
  expect(content.endsWith("\r\n")).toBe(true);
  expect(content.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  const physical = content.slice(0, -2).split("\r\n");
  for (const line of physical) {
    expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(line).not.toContain("\uFFFD");
  }
  const unfolded = content.replaceAll("\r\n ", "").slice(0, -2).split("\r\n");
  return unfolded.map((line) => {
    // Parameters may be quoted, and a quoted value may hold a colon.
    const match = /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^:;"]*))*):(.*)$/.exec(line);
    if (!match) throw new Error(`not a content line: ${line}`);
    return { name: match[1] ?? "", params: match[2] ?? "", value: match[3] ?? "" };
  });
}

/** The value of the one property with this name. */
function value(properties: Property[], name: string): string {
  const found = properties.filter((p) => p.name === name);
  expect(found).toHaveLength(1);
  return found[0]?.value ?? "";
}

/** RFC 5545 §3.3.11 in reverse. */
function unescapeText(text: string): string {
  return text.replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === "n" ? "\n" : c));
}

function calendarOf(rendered: { attachments?: { content: string; contentType: string }[] }) {
  const [attachment] = rendered.attachments ?? [];
  if (!attachment) throw new Error("no attachment");
  return { ...attachment, properties: parseIcs(attachment.content) };
}

function confirmation(change: Partial<TemplateVariables<"booking_confirmation">> = {}) {
  return render("booking_confirmation", { ...VALID_VARIABLES.booking_confirmation, ...change });
}

const spaced = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");

describe("booking_confirmation's booking.ics", () => {
  it("is one published VEVENT with the booking's UID, UTC times and the manage link", () => {
    const { contentType, properties } = calendarOf(confirmation());

    expect(contentType).toBe("text/calendar; charset=utf-8; method=PUBLISH");
    expect(
      properties.map((p) =>
        p.name === "BEGIN" || p.name === "END" ? `${p.name}:${p.value}` : p.name,
      ),
    ).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION",
      "PRODID",
      "CALSCALE",
      "METHOD",
      "BEGIN:VEVENT",
      "UID",
      "SEQUENCE",
      "DTSTAMP",
      "DTSTART",
      "DTEND",
      "STATUS",
      "SUMMARY",
      "DESCRIPTION",
      "URL",
      "ORGANIZER",
      "END:VEVENT",
      "END:VCALENDAR",
    ]);
    expect(value(properties, "VERSION")).toBe("2.0");
    expect(value(properties, "PRODID")).toBe("-//Bastion//Notifications//EN");
    expect(value(properties, "METHOD")).toBe("PUBLISH");
    expect(value(properties, "UID")).toBe(`${BOOKING_ID}@bastion`);
    expect(value(properties, "DTSTAMP")).toBe("20260520T093000Z");
    expect(value(properties, "DTSTART")).toBe("20260601T140000Z");
    expect(value(properties, "DTEND")).toBe("20260601T145000Z");
    expect(value(properties, "STATUS")).toBe("CONFIRMED");
    expect(unescapeText(value(properties, "SUMMARY"))).toBe("Initial consultation with Calm Minds");
    expect(unescapeText(value(properties, "DESCRIPTION"))).toBe(
      `View, change or cancel this booking: ${MANAGE_URL}`,
    );
    expect(value(properties, "URL")).toBe(MANAGE_URL);
    const organizer = properties.find((p) => p.name === "ORGANIZER");
    expect(organizer).toEqual({
      name: "ORGANIZER",
      params: ';CN="Calm Minds"',
      value: "mailto:hello@calm.example",
    });
  });

  it("is the same file every time the same booking is rendered", () => {
    expect(confirmation().attachments).toEqual(confirmation().attachments);
  });

  it("escapes TEXT values and folds long lines at 75 octets without splitting a character", () => {
    const sessionTypeName = "Couples; follow-up, part 1\\2 — ревизия 心理 ".repeat(2).trim();
    const { properties, content } = calendarOf(confirmation({ sessionTypeName }));
    const summary = value(properties, "SUMMARY");

    expect(summary).toContain("Couples\\; follow-up\\, part 1\\\\2");
    expect(unescapeText(summary)).toBe(`${sessionTypeName} with Calm Minds`);
    expect(content).toMatch(/\r\n [^\r\n]/);
  });

  it("quotes the organizer's name with RFC 6868 escapes", () => {
    const { properties } = calendarOf(confirmation({ practiceName: 'Dr "Mo" ^ Co: Therapy' }));
    expect(properties.find((p) => p.name === "ORGANIZER")?.params).toBe(
      ";CN=\"Dr ^'Mo^' ^^ Co: Therapy\"",
    );
  });
});

describe("daylight saving time", () => {
  it("a booking on New York's spring-forward day shows 10:00 EDT in the email and 14:00Z in the .ics", () => {
    // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT, so 10:00 that morning is UTC−4.
    const rendered = confirmation({
      startsAt: "2026-03-08T14:00:00Z",
      endsAt: "2026-03-08T14:50:00Z",
    });
    expect(spaced(rendered.text)).toContain("When: Sunday, March 8, 2026, 10:00 – 10:50 AM EDT");
    const { properties } = calendarOf(rendered);
    expect(value(properties, "DTSTART")).toBe("20260308T140000Z");
    expect(value(properties, "DTEND")).toBe("20260308T145000Z");
  });

  it("a booking on the fall-back day shows 10:00 EST and 15:00Z", () => {
    const rendered = confirmation({
      startsAt: "2026-11-01T15:00:00Z",
      endsAt: "2026-11-01T15:50:00Z",
    });
    expect(spaced(rendered.text)).toContain("When: Sunday, November 1, 2026, 10:00 – 10:50 AM EST");
    expect(value(calendarOf(rendered).properties, "DTSTART")).toBe("20261101T150000Z");
  });

  it("a session across the change names each end's own offset", () => {
    // 06:30Z is 01:30 EST; 07:30Z is 03:30 EDT: one hour, not two.
    const rendered = confirmation({
      startsAt: "2026-03-08T06:30:00Z",
      endsAt: "2026-03-08T07:30:00Z",
    });
    expect(spaced(rendered.text)).toContain(
      "When: Sunday, March 8, 2026 at 1:30 AM EST – Sunday, March 8, 2026 at 3:30 AM EDT",
    );
  });

  it("takes instants with any offset, as Postgres writes them too, and writes them in UTC", () => {
    const rendered = confirmation({
      startsAt: "2026-03-08T10:00:00.123456-04:00",
      endsAt: "2026-03-08T19:50:00+05:30",
    });
    const { properties } = calendarOf(rendered);
    expect(value(properties, "DTSTART")).toBe("20260308T140000Z");
    expect(value(properties, "DTEND")).toBe("20260308T142000Z");
  });
});

describe("updates to the event", () => {
  const confirmed = calendarOf(confirmation()).properties;
  const moved = calendarOf(render("booking_rescheduled", VALID_VARIABLES.booking_rescheduled));
  const cancelled = calendarOf(
    render("booking_cancellation", VALID_VARIABLES.booking_cancellation),
  );

  it("a reschedule republishes the same UID with a higher SEQUENCE", () => {
    expect(value(moved.properties, "METHOD")).toBe("PUBLISH");
    expect(value(moved.properties, "UID")).toBe(value(confirmed, "UID"));
    expect(Number(value(moved.properties, "SEQUENCE"))).toBeGreaterThan(
      Number(value(confirmed, "SEQUENCE")),
    );
    expect(value(moved.properties, "STATUS")).toBe("CONFIRMED");
  });

  it("a cancellation is a CANCEL of the same UID, STATUS:CANCELLED, with a higher SEQUENCE still", () => {
    expect(cancelled.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expect(value(cancelled.properties, "METHOD")).toBe("CANCEL");
    expect(value(cancelled.properties, "STATUS")).toBe("CANCELLED");
    expect(value(cancelled.properties, "UID")).toBe(value(confirmed, "UID"));
    expect(Number(value(cancelled.properties, "SEQUENCE"))).toBeGreaterThan(
      Number(value(moved.properties, "SEQUENCE")),
    );
    expect(cancelled.properties.some((p) => p.name === "URL")).toBe(false);
  });

  it("orders revisions a second apart", () => {
    const sequence = (updatedAt: string) =>
      Number(value(calendarOf(confirmation({ updatedAt })).properties, "SEQUENCE"));
    expect(sequence("2026-05-20T09:30:01Z") - sequence("2026-05-20T09:30:00Z")).toBe(1);
    expect(sequence("2088-01-01T00:00:00Z")).toBeLessThanOrEqual(2_147_483_647);
  });
});

describe("ics helpers", () => {
  it("escapes backslash, semicolon, comma and every kind of line break", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
    expect(escapeText('plain: "quoted" text')).toBe('plain: "quoted" text');
  });

  it("folds at exactly 75 octets, continuation lines included", () => {
    const exact = "X".repeat(75);
    expect(foldLine(exact)).toBe(exact);
    const long = "Y".repeat(75 + 74 + 10);
    expect(foldLine(long).split("\r\n")).toEqual([
      "Y".repeat(75),
      ` ${"Y".repeat(74)}`,
      ` ${"Y".repeat(10)}`,
    ]);
  });

  it("counts octets, not characters, and never splits a UTF-8 sequence", () => {
    // "é" is 2 octets: 37 of them fill 74, and the 38th would make 76.
    const folded = foldLine("é".repeat(38)).split("\r\n");
    expect(folded).toEqual(["é".repeat(37), " é"]);
    const emoji = foldLine(`${"a".repeat(73)}😀b`).split("\r\n");
    expect(emoji).toEqual(["a".repeat(73), " 😀b"]);
  });

  it("writes UTC date-times in basic format", () => {
    expect(icsUtc(new Date("2026-03-08T14:00:00.999Z"))).toBe("20260308T140000Z");
  });
});
