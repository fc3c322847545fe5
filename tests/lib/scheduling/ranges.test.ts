// The overlap index behind availability: half-open ranges, any order, nested and touching.
import { describe, expect, it } from "vitest";
import { RangeSet } from "../../../lib/scheduling/ranges.js";

describe("RangeSet", () => {
  it("finds overlaps with half-open ranges; touching is not overlapping", () => {
    const set = new RangeSet([
      [30, 40],
      [10, 20],
    ]);
    expect(set.overlaps(0, 10)).toBe(false);
    expect(set.overlaps(0, 11)).toBe(true);
    expect(set.overlaps(19, 30)).toBe(true);
    expect(set.overlaps(20, 30)).toBe(false);
    expect(set.overlaps(40, 50)).toBe(false);
    expect(set.overlaps(35, 36)).toBe(true);
  });

  it("sees a long range behind later, shorter ones", () => {
    const set = new RangeSet([
      [0, 100],
      [10, 20],
      [30, 40],
    ]);
    expect(set.overlaps(50, 60)).toBe(true);
    expect(set.overlaps(100, 110)).toBe(false);
  });

  it("ignores empty ranges and empty queries", () => {
    const set = new RangeSet([
      [10, 10],
      [20, 15],
    ]);
    expect(set.overlaps(0, 100)).toBe(false);
    expect(new RangeSet([[0, 100]]).overlaps(50, 50)).toBe(false);
    expect(new RangeSet([]).overlaps(0, 100)).toBe(false);
  });
});
