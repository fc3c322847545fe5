// Cold starts of every function, `runs` times each. The functions take turns (round robin), so a
// slow moment of the machine is spread over all of them rather than landing on one; one untimed
// start each comes first, so the first timed one does not also pay for a cold disk cache.
import type { BuiltFunction } from "./functions.js";
import { launchOnce } from "./launch.js";
import type { Probe } from "./probes.js";
import { rounded, type Summary, summarize } from "./stats.js";

export interface ColdStartResult {
  function: string;
  runs: number;
  status: number;
  totalMs: Summary;
  importMs: Summary;
}

/** One thing to cold-start: a function, and the request that reaches the route measured. */
export interface ColdStartTarget {
  /** Unique among the targets measured together, e.g. `per-route api/health`. */
  key: string;
  fn: BuiltFunction;
  probe: Probe;
  /**
   * Starts per round (default 1): more for the baselines every budget divides by, so that one
   * slow moment of a busy machine does not move every ratio.
   */
  repeat?: number;
}

export async function measureColdStarts(
  targets: ColdStartTarget[],
  runs: number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Map<string, ColdStartResult>> {
  const samples = new Map(
    targets.map((target) => [
      target.key,
      { total: [] as number[], import: [] as number[], status: 0 },
    ]),
  );
  for (const { fn, probe } of targets) await launchOnce(fn, probe, { adapter: "plain" });
  const total = runs * targets.length;
  let done = 0;
  for (let run = 0; run < runs; run++) {
    for (const { key, fn, probe, repeat = 1 } of targets) {
      for (let again = 0; again < repeat; again++) {
        const start = await launchOnce(fn, probe, { adapter: "plain" });
        const sample = samples.get(key);
        if (!sample) continue;
        sample.total.push(start.totalMs);
        sample.import.push(start.importMs);
        sample.status = start.response.status;
      }
      onProgress(++done, total);
    }
  }
  return new Map(
    targets.map((target) => {
      const sample = samples.get(target.key) as {
        total: number[];
        import: number[];
        status: number;
      };
      const result: ColdStartResult = {
        function: target.fn.name,
        runs,
        status: sample.status,
        totalMs: rounded(summarize(sample.total)),
        importMs: rounded(summarize(sample.import)),
      };
      return [target.key, result];
    }),
  );
}
