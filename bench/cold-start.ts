// Cold starts of every function, `runs` times each. The functions take turns (round robin), so a
// slow moment of the machine is spread over all of them rather than landing on one; one untimed
// start each comes first, so the first timed one does not also pay for a cold disk cache.
import type { BuiltFunction } from "./functions.js";
import { launchOnce } from "./launch.js";
import { probeFor } from "./probes.js";
import { rounded, type Summary, summarize } from "./stats.js";

export interface ColdStartResult {
  function: string;
  runs: number;
  status: number;
  totalMs: Summary;
  importMs: Summary;
}

export async function measureColdStarts(
  functions: BuiltFunction[],
  runs: number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ColdStartResult[]> {
  const samples = new Map(
    functions.map((fn) => [fn.name, { total: [] as number[], import: [] as number[], status: 0 }]),
  );
  for (const fn of functions) await launchOnce(fn, probeFor(fn.name), { adapter: "plain" });
  const total = runs * functions.length;
  let done = 0;
  for (let run = 0; run < runs; run++) {
    for (const fn of functions) {
      const start = await launchOnce(fn, probeFor(fn.name), { adapter: "plain" });
      const sample = samples.get(fn.name);
      if (!sample) continue;
      sample.total.push(start.totalMs);
      sample.import.push(start.importMs);
      sample.status = start.response.status;
      onProgress(++done, total);
    }
  }
  return functions.map((fn) => {
    const sample = samples.get(fn.name) as { total: number[]; import: number[]; status: number };
    return {
      function: fn.name,
      runs,
      status: sample.status,
      totalMs: rounded(summarize(sample.total)),
      importMs: rounded(summarize(sample.import)),
    };
  });
}
