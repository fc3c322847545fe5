// A static set of half-open time ranges [start, end) in ms that answers "does anything overlap
// [a, b)?" in O(log n) after an O(n log n) sort, so availability stays
// O((slots + busy) log busy) with a thousand bookings rather than slots × bookings.

export class RangeSet {
  /** Range starts, ascending. */
  readonly #starts: number[];
  /** #maxEnds[i] is the latest end among the first i + 1 ranges in start order. */
  readonly #maxEnds: number[];

  /** Empty ranges (end <= start) cover nothing and are dropped. */
  constructor(ranges: Iterable<readonly [start: number, end: number]>) {
    const sorted = [...ranges].filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
    this.#starts = sorted.map(([start]) => start);
    this.#maxEnds = [];
    let maxEnd = Number.NEGATIVE_INFINITY;
    for (const [, end] of sorted) {
      maxEnd = Math.max(maxEnd, end);
      this.#maxEnds.push(maxEnd);
    }
  }

  /**
   * Whether some range shares an instant with [start, end). Half-open on both sides, so ranges
   * that only touch (one ends where the other starts) do not overlap.
   */
  overlaps(start: number, end: number): boolean {
    if (end <= start) return false;
    // How many ranges start before `end`: only those can overlap, and one of them does exactly
    // when the latest end among them is after `start`.
    let lo = 0;
    let hi = this.#starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#starts[mid] ?? Number.POSITIVE_INFINITY) < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (this.#maxEnds[lo - 1] ?? Number.NEGATIVE_INFINITY) > start;
  }
}
