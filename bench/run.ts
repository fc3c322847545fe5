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
import type { BuildManifest } from "../dev/build/output.js";
import { measureAvailability } from "./availability.js";
import {
  BARE_PROJECT_DIR,
  outputDirOf,
  PROJECT_DIR,
  prepareBareProject,
  requireOutput,
  vercelBuild,
} from "./build.js";
import { type ColdStartResult, type ColdStartTarget, measureColdStarts } from "./cold-start.js";
import { measureFlightSearch } from "./flights-search.js";
import { type BuiltFunction, isolate, listFunctions } from "./functions.js";
import { measurePipelineOverhead } from "./pipeline-overhead.js";
import { probeFor } from "./probes.js";
import {
  type BenchResults,
  evaluateBudgets,
  printReport,
  RESULTS_FILE,
  writeResults,
} from "./report.js";
import { measureRoundTrips } from "./round-trips.js";
import { recordSdkLoads, type SdkLoadResult } from "./sdk-loads.js";
import {
  buildMonolith,
  buildShapes,
  dirBytes,
  routedTargets,
  type ShapeName,
  shapeOutputDir,
  type Target,
} from "./shapes.js";
import type { ShapeResult, ShapesResults } from "./shapes-report.js";
import { simulateTraffic } from "./traffic.js";

/**
 * Keeps the cold-start phase to a few minutes however many routes there are: with 49 routes in
 * three shapes, 5 timed runs per route (`--runs` only lowers it), 25 of the baselines.
 */
const MAX_COLD_STARTS = 760;
/** Starts per round of the bare function and the monolith, which the budgets divide by. */
const BASELINE_REPEAT = 5;
/** Distinct flight queries, each searched twice (a miss, then a hit). */
const FLIGHT_SEARCH_RUNS = 200;

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

  step("npm run build's shapes (per-route, grouped) and the all-SDK monolith, into .vercel/bench");
  const manifests = await buildShapes();
  const monolithTarget = await buildMonolith();

  const scratch = await mkdtemp(join(tmpdir(), "bastion-bench-"));
  try {
    const functions: BuiltFunction[] = [];
    for (const fn of [bare, ...ours]) functions.push(await isolate(fn, scratch, PROJECT_DIR));
    const bareFunction = functions[0];
    // A group function serves several routes: copied once (the promise, so routes of the same
    // group isolated at the same time share the copy).
    const isolated = new Map(
      functions.map((fn) => [`zero-config ${fn.name}`, Promise.resolve(fn)]),
    );
    const isolateTarget = async (target: Target): Promise<Target> => {
      const key = `${target.shape} ${target.fn.name}`;
      let fn = isolated.get(key);
      if (!fn) {
        fn = isolate(target.fn, join(scratch, target.shape), PROJECT_DIR);
        isolated.set(key, fn);
      }
      return { ...target, fn: await fn };
    };
    const shapeTargets = {
      "zero-config": await Promise.all(
        (await routedTargets("zero-config", outputDirOf(PROJECT_DIR))).map(isolateTarget),
      ),
      "per-route": await Promise.all(
        (await routedTargets("per-route", shapeOutputDir("per-route"), manifests["per-route"])).map(
          isolateTarget,
        ),
      ),
      grouped: await Promise.all(
        (await routedTargets("grouped", shapeOutputDir("grouped"), manifests.grouped)).map(
          isolateTarget,
        ),
      ),
    };
    const monolith = await isolateTarget(monolithTarget);

    step(
      `invoking each built function once, recording the packages it loads (${functions.length})`,
    );
    const sdkLoads = [];
    for (const fn of functions) sdkLoads.push(await recordSdkLoads(fn));
    const bundledSdkLoads = new Map<string, SdkLoadResult[]>();
    for (const shape of ["per-route", "grouped"] as const) {
      step(`the same for every route of the ${shape} shape (${shapeTargets[shape].length})`);
      const loads: SdkLoadResult[] = [];
      for (const target of shapeTargets[shape]) {
        loads.push(
          await recordSdkLoads(target.fn, {
            route: target.route,
            probe: target.probe,
            packagesByFile: target.packagesByFile ?? {},
          }),
        );
      }
      bundledSdkLoads.set(shape, loads);
    }

    const coldTargets: ColdStartTarget[] = [
      ...functions.map((fn) => ({
        key: fn.name,
        fn,
        probe: probeFor(fn.name),
        repeat: fn === bareFunction ? BASELINE_REPEAT : 1,
      })),
      // A route's per-route and grouped starts follow each other in every round, so the budget
      // that compares the two compares starts made at the same moment of a busy machine.
      ...shapeTargets["per-route"].flatMap((perRoute) =>
        [
          perRoute,
          ...shapeTargets.grouped.filter((grouped) => grouped.route === perRoute.route),
        ].map((target) => ({
          key: `${target.shape} ${target.route}`,
          fn: target.fn,
          probe: target.probe,
        })),
      ),
      { key: "monolith", fn: monolith.fn, probe: monolith.probe, repeat: BASELINE_REPEAT },
    ];
    const runs = Math.min(
      runsWanted,
      Math.max(3, Math.floor(MAX_COLD_STARTS / coldTargets.length)),
    );
    step(`cold starts: ${runs} runs × ${coldTargets.length} (functions, and routes of each shape)`);
    const measured = await measureColdStarts(coldTargets, runs, (done, total) => {
      if (done % 10 === 0 || done === total) process.stdout.write(`  ${done}/${total}\r`);
      if (done === total) process.stdout.write("\n");
    });
    const coldStart = functions.map((fn) => measured.get(fn.name) as ColdStartResult);
    const shapes = await shapesResults(shapeTargets, manifests, measured, bundledSdkLoads, {
      runs,
      bare: measured.get(bare.name) as ColdStartResult,
      monolith: {
        ...(measured.get("monolith") as ColdStartResult),
        bytes: await dirBytes(monolith.fn.funcDir),
      },
    });

    step(`warm pipeline overhead: ${iterations} iterations each`);
    const pipelineOverhead = await measurePipelineOverhead(iterations, Math.ceil(iterations / 10));

    step(`availability with 1,000 bookings: ${AVAILABILITY_RUNS} cold and warm requests`);
    const availability = await measureAvailability(AVAILABILITY_RUNS, AVAILABILITY_WARMUP);

    step(`flight search, sandbox provider: ${FLIGHT_SEARCH_RUNS} cache misses and hits`);
    const flightSearch = await measureFlightSearch(FLIGHT_SEARCH_RUNS);

    step("round trips per request: one call of each main endpoint, local stack with Redis");
    const roundTrips = await measureRoundTrips();

    const results: BenchResults = {
      loadAverage,
      build,
      coldStart,
      sdkLoads,
      pipelineOverhead,
      availability,
      flightSearch,
      roundTrips,
      shapes,
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

async function shapesResults(
  shapeTargets: Record<"zero-config" | "per-route" | "grouped", Target[]>,
  manifests: Record<"per-route" | "grouped", BuildManifest>,
  measured: Map<string, ColdStartResult>,
  bundledSdkLoads: Map<string, SdkLoadResult[]>,
  common: Pick<ShapesResults, "runs" | "bare" | "monolith">,
): Promise<ShapesResults> {
  const shapes: ShapeResult[] = [];
  for (const shape of ["zero-config", "per-route", "grouped"] as const) {
    const targets = shapeTargets[shape];
    const sizes = new Map<string, number>();
    if (shape === "zero-config") {
      for (const target of targets) sizes.set(target.fn.name, await dirBytes(target.fn.funcDir));
    } else {
      for (const fn of manifests[shape].functions) sizes.set(fn.name, fn.bytes);
    }
    const largest = [...sizes].reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
    const key = (target: Target) =>
      shape === "zero-config" ? target.fn.name : `${shape} ${target.route}`;
    shapes.push({
      shape,
      functions: sizes.size,
      bytes: [...sizes.values()].reduce((sum, bytes) => sum + bytes, 0),
      largestFunction: { name: largest[0], bytes: largest[1] },
      routes: targets.map((target) => {
        const result = measured.get(key(target)) as ColdStartResult;
        return {
          route: target.route,
          function: target.fn.name,
          totalMs: result.totalMs,
          importMs: result.importMs,
        };
      }),
      sdkViolations: (bundledSdkLoads.get(shape) ?? []).flatMap((result) =>
        result.violations.map((sdk) => `${result.function} loads ${sdk}`),
      ),
    });
  }
  const totals = (name: ShapeName) =>
    new Map(
      (shapes.find((shape) => shape.shape === name)?.routes ?? []).map((route) => [
        route.route,
        route.totalMs.p50,
      ]),
    );
  const routes = shapeTargets["per-route"].map((target) => target.route);
  const coldMs = { perRoute: totals("per-route"), grouped: totals("grouped") };
  return {
    ...common,
    shapes,
    traffic: [500, 5_000, 50_000].map((perDay) => simulateTraffic(routes, perDay, coldMs)),
  };
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
