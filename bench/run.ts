// npm run bench [-- --no-build] [--runs 15] [--iterations 20000]
//
// Builds the project and a bare baseline function with `vercel build`, proves every built
// function answers a request through @vercel/node's launcher logic, then measures cold starts,
// the SDKs each function loads, the warm per-request cost of the pipeline and the availability
// computation for a practitioner with 1,000 bookings. Prints a table, writes bench/results.json
// and exits 1 when a budget fails (2 when the bench itself fails).
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureAvailability } from "./availability.js";
import {
  BARE_PROJECT_DIR,
  outputDirOf,
  PROJECT_DIR,
  prepareBareProject,
  requireOutput,
  vercelBuild,
} from "./build.js";
import { measureColdStarts } from "./cold-start.js";
import { type BuiltFunction, isolate, listFunctions } from "./functions.js";
import { measurePipelineOverhead } from "./pipeline-overhead.js";
import {
  type BenchResults,
  evaluateBudgets,
  printReport,
  RESULTS_FILE,
  writeResults,
} from "./report.js";
import { recordSdkLoads } from "./sdk-loads.js";

/** Keeps the cold-start phase to a couple of minutes however many functions there are. */
const MAX_COLD_STARTS = 240;
/** Cold and warm availability requests each, after the untimed pairs: a few seconds. */
const AVAILABILITY_RUNS = 100;
const AVAILABILITY_WARMUP = 10;

const { values: options } = parseArgs({
  options: {
    "no-build": { type: "boolean", default: false },
    runs: { type: "string", default: "15" },
    iterations: { type: "string", default: "20000" },
  },
});
const runsWanted = positiveInteger(options.runs, "--runs", 1_000);
// Tokens are spread over iterations / 30 users; past 10,000 users the in-process limiter starts
// sweeping its map on every request, and the bench would time that instead.
const iterations = positiveInteger(options.iterations, "--iterations", 250_000);

const step = (text: string) => console.log(`• ${text}`);

async function main(): Promise<number> {
  const loadAverage = loadavg().map((load) => Math.round(load * 100) / 100);
  const build: BenchResults["build"] = { ran: !options["no-build"], vercelRuntime: "" };
  if (options["no-build"]) {
    step("reusing the existing build outputs (--no-build)");
    await requireOutput(PROJECT_DIR);
    await requireOutput(BARE_PROJECT_DIR);
  } else {
    step("vercel build (project)");
    build.projectSeconds = (await vercelBuild(PROJECT_DIR)).seconds;
    step("vercel build (bare baseline: api/bare.ts)");
    await prepareBareProject();
    build.bareSeconds = (await vercelBuild(BARE_PROJECT_DIR)).seconds;
  }

  const ours = await listFunctions(outputDirOf(PROJECT_DIR));
  const [bare] = (await listFunctions(outputDirOf(BARE_PROJECT_DIR))).filter(
    (fn) => fn.name === "api/bare",
  );
  if (!bare) throw new Error("the bare baseline build has no api/bare function");
  if (ours.length === 0) throw new Error("the project build has no functions");
  build.vercelRuntime = [...new Set(ours.map((fn) => fn.config.runtime))].join(", ");

  const scratch = await mkdtemp(join(tmpdir(), "bastion-bench-"));
  try {
    const functions: BuiltFunction[] = [];
    for (const fn of [bare, ...ours]) functions.push(await isolate(fn, scratch, PROJECT_DIR));

    step(
      `invoking each built function once, recording the packages it loads (${functions.length})`,
    );
    const sdkLoads = [];
    for (const fn of functions) sdkLoads.push(await recordSdkLoads(fn));

    const runs = Math.min(runsWanted, Math.max(5, Math.floor(MAX_COLD_STARTS / functions.length)));
    step(`cold starts: ${runs} runs × ${functions.length} functions`);
    const coldStart = await measureColdStarts(functions, runs, (done, total) => {
      if (done % 10 === 0 || done === total) process.stdout.write(`  ${done}/${total}\r`);
      if (done === total) process.stdout.write("\n");
    });

    step(`warm pipeline overhead: ${iterations} iterations each`);
    const pipelineOverhead = await measurePipelineOverhead(iterations, Math.ceil(iterations / 10));

    step(`availability with 1,000 bookings: ${AVAILABILITY_RUNS} cold and warm requests`);
    const availability = await measureAvailability(AVAILABILITY_RUNS, AVAILABILITY_WARMUP);

    const results: BenchResults = {
      loadAverage,
      build,
      coldStart,
      sdkLoads,
      pipelineOverhead,
      availability,
    };
    const budgets = evaluateBudgets(results);
    printReport(results, budgets);
    await writeResults(results, budgets);
    console.log(`\nWrote ${RESULTS_FILE}`);
    const failed = budgets.filter((budget) => !budget.pass).length;
    if (failed > 0) console.log(`${failed} budget(s) failed.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function positiveInteger(text: string, name: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} takes an integer from 1 to ${max}`);
  }
  return value;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("\nBENCH FAILED:", error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
