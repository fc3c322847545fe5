// Local wall time <-> UTC instants across daylight saving time, with Intl only.
import { describe, expect, it } from "vitest";
import {
  firstInstantAtOrAfterWall,
  offsetAt,
  parseDate,
  parseTime,
  wallAt,
  zonedTimeToInstant,
  zonedTimeToInstants,
} from "../../../lib/scheduling/zoned.js";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const isos = (ds: Date[]) => ds.map((d) => d.toISOString());

describe("zonedTimeToInstant", () => {
  it("converts ordinary times on either side of a DST change", () => {
    expect(iso(zonedTimeToInstant("2026-03-07", "09:00", "America/New_York"))).toBe(
      "2026-03-07T14:00:00.000Z",
    );
    expect(iso(zonedTimeToInstant("2026-03-09", "09:00", "America/New_York"))).toBe(
      "2026-03-09T13:00:00.000Z",
    );
    expect(iso(zonedTimeToInstant("2026-06-01", "09:00", "Asia/Kolkata"))).toBe(
      "2026-06-01T03:30:00.000Z",
    );
    expect(iso(zonedTimeToInstant("2026-07-01", "09:00", "Europe/London"))).toBe(
      "2026-07-01T08:00:00.000Z",
    );
  });

  it("gives null for a local time in a spring-forward gap", () => {
    // New York, 2026-03-08: 01:59:59 EST is followed by 03:00:00 EDT (07:00Z).
    expect(zonedTimeToInstant("2026-03-08", "02:00", "America/New_York")).toBeNull();
    expect(zonedTimeToInstant("2026-03-08", "02:30", "America/New_York")).toBeNull();
    expect(zonedTimeToInstants("2026-03-08", "02:30", "America/New_York")).toEqual([]);
    expect(iso(zonedTimeToInstant("2026-03-08", "01:59", "America/New_York"))).toBe(
      "2026-03-08T06:59:00.000Z",
    );
    expect(iso(zonedTimeToInstant("2026-03-08", "03:00", "America/New_York"))).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    // London, 2026-03-29: 00:59:59 GMT is followed by 02:00:00 BST (01:00Z).
    expect(zonedTimeToInstant("2026-03-29", "01:30", "Europe/London")).toBeNull();
    expect(iso(zonedTimeToInstant("2026-03-29", "02:00", "Europe/London"))).toBe(
      "2026-03-29T01:00:00.000Z",
    );
  });

  it("takes the earlier instant for a local time that happens twice, and lists both", () => {
    // New York, 2026-11-01: 01:59:59 EDT (05:59:59Z) is followed by 01:00:00 EST (06:00Z).
    expect(iso(zonedTimeToInstant("2026-11-01", "01:30", "America/New_York"))).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    expect(isos(zonedTimeToInstants("2026-11-01", "01:30", "America/New_York"))).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:30:00.000Z",
    ]);
    expect(isos(zonedTimeToInstants("2026-11-01", "02:00", "America/New_York"))).toEqual([
      "2026-11-01T07:00:00.000Z",
    ]);
    expect(isos(zonedTimeToInstants("2026-10-25", "01:00", "Europe/London"))).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
    ]);
  });

  it("reads 24:00 as the next midnight", () => {
    expect(iso(zonedTimeToInstant("2026-06-01", "24:00", "Asia/Kolkata"))).toBe(
      "2026-06-01T18:30:00.000Z",
    );
  });

  it("rejects malformed dates, times and zones", () => {
    expect(() => zonedTimeToInstant("2026-02-30", "09:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToInstant("2026-2-3", "09:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToInstant("2026-02-03", "9:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToInstant("2026-02-03", "24:01", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToInstant("2026-02-03", "09:60", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToInstant("2026-02-03", "09:00", "Mars/Olympus_Mons")).toThrow(
      RangeError,
    );
  });
});

describe("helpers", () => {
  it("offsetAt gives local minus UTC", () => {
    expect(offsetAt(Date.UTC(2026, 0, 1), "Asia/Kolkata")).toBe(19_800_000);
    expect(offsetAt(Date.UTC(2026, 0, 1), "America/New_York")).toBe(-18_000_000);
    expect(offsetAt(Date.UTC(2026, 6, 1), "America/New_York")).toBe(-14_400_000);
  });

  it("firstInstantAtOrAfterWall maps a time in a gap to the moment the clock jumps", () => {
    const spring = parseDate("2026-03-08");
    expect(firstInstantAtOrAfterWall(wallAt(spring, 150), "America/New_York")).toBe(
      Date.UTC(2026, 2, 8, 7),
    );
    expect(firstInstantAtOrAfterWall(wallAt(spring, 120), "America/New_York")).toBe(
      Date.UTC(2026, 2, 8, 7),
    );
    expect(firstInstantAtOrAfterWall(wallAt(parseDate("2026-03-29"), 90), "Europe/London")).toBe(
      Date.UTC(2026, 2, 29, 1),
    );
  });

  it("parseTime accepts Postgres' seconds and 24:00 only as an end", () => {
    expect(parseTime("10:30:00")).toBe(630);
    expect(() => parseTime("10:30:15")).toThrow(RangeError);
    expect(() => parseTime("24:00")).toThrow(RangeError);
    expect(parseTime("24:00", true)).toBe(1440);
  });
});
