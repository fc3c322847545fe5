// The API reference's examples never go stale: every date in them is counted from when the
// document is built, so the session booked in the examples is always ahead of the reader, the
// records around it (created, captured, consented) are recent, and building the document at
// another time moves them all. And the reference opens on what a customer-facing app calls, with
// what only machines call (webhooks, cron) at the end.
import { describe, expect, it } from "vitest";
import { openApiDocument, TAG_ORDER } from "../../../lib/openapi/document.js";
import { routes } from "../../../lib/openapi/routes.js";

const DAY_MS = 86_400_000;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Fields that name when a session takes place or until when something lasts: all ahead. */
const AHEAD = new Set(["date", "start", "end", "expiresAt", "changeableUntil", "currentPeriodEnd"]);
/** Facts about a person, not about the story's timeline: a traveller's date of birth. */
const TIMELESS = new Set(["dateOfBirth"]);

interface Dated {
  where: string;
  field: string;
  value: string;
}

/** Every date or instant in the document's examples, with the field that holds it. */
function datesInExamples(document: unknown): Dated[] {
  const found: Dated[] = [];
  const visit = (value: unknown, where: string, field: string, inExample: boolean) => {
    if (typeof value === "string") {
      if (inExample && (INSTANT.test(value) || DAY.test(value))) {
        found.push({ where, field, value });
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, where, field, inExample);
    } else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(record)) {
        const entersExample = key === "example" || key === "examples";
        // A parameter's example belongs to the parameter's name.
        const name = entersExample && typeof record.name === "string" ? record.name : key;
        visit(child, `${where}/${key}`, entersExample ? name : key, inExample || entersExample);
      }
    }
  };
  visit(document, "", "", false);
  return found;
}

function startOfDay(ms: number): number {
  return Date.parse(`${new Date(ms).toISOString().slice(0, 10)}T00:00:00Z`);
}

describe("the OpenAPI document's example dates", () => {
  for (const now of [new Date(), new Date("2031-06-15T08:00:00Z")]) {
    it(`are counted from when it is built (${now.toISOString()})`, () => {
      const dates = datesInExamples(openApiDocument(routes(), "test", now));
      expect(dates.length).toBeGreaterThan(20);
      for (const { where, field, value } of dates) {
        if (TIMELESS.has(field)) continue;
        const ms = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
        const label = `${field} ${value} at ${where}`;
        // Recent: nothing from before the account in the story was made (19 days back).
        expect(ms, label).toBeGreaterThan(now.getTime() - 30 * DAY_MS);
        if (AHEAD.has(field)) {
          // Examples are made to the minute.
          const from = DAY.test(value) ? startOfDay(now.getTime()) : now.getTime() - 60_000;
          expect(ms, label).toBeGreaterThanOrEqual(from);
        }
      }
    });
  }

  it("books the session in the examples two to three weeks ahead", () => {
    const now = new Date();
    const document = openApiDocument(routes(), "test", now) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const booking = JSON.stringify(document.paths["/api/bookings"]?.post?.requestBody);
    const day = /"date":"(\d{4}-\d{2}-\d{2})"/.exec(booking)?.[1] ?? "";
    const ahead = (Date.parse(`${day}T00:00:00Z`) - startOfDay(now.getTime())) / DAY_MS;
    expect(ahead).toBeGreaterThanOrEqual(14);
    expect(ahead).toBeLessThan(22);
  });
});

describe("the OpenAPI document's tags", () => {
  it("lists customer-facing tags first and machine-only ones last", () => {
    const { tags } = openApiDocument(routes(), "test") as { tags: { name: string }[] };
    const names = tags.map(({ name }) => name);
    expect(names.slice(0, 3)).toEqual(["catalogue", "availability", "bookings"]);
    const machineOnly = names.filter((name) => ["webhooks", "cron"].includes(name));
    expect(names.slice(-machineOnly.length)).toEqual(machineOnly);
    expect(machineOnly).toContain("cron");
    // Every tag an operation uses is listed once, with the order's description where it has one.
    expect(new Set(names).size).toBe(names.length);
    for (const tag of tags) {
      const known = TAG_ORDER.find(({ name }) => name === tag.name);
      if (known) expect(tag).toEqual(known);
    }
  });
});
