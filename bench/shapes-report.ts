// The deployment shapes side by side (bench/shapes.ts): cold starts per route, function sizes,
// the traffic simulation (bench/traffic.ts), and the budgets of issue 16.
import type { ColdStartResult } from "./cold-start.js";
import { BUDGETS, type Budget } from "./report.js";
import type { ShapeName } from "./shapes.js";
import type { Summary } from "./stats.js";
import type { TrafficResult } from "./traffic.js";

export const SHAPE_BUDGETS = {
  /** Median route cold import ≤ this × the all-SDK monolith's import (per-route shape). */
  importVersusMonolith: 0.2,
  /** Median route cold start (total) ≤ this × the bare function's (per-route shape). */
  totalVersusBare: 1.6,
  maxGroupedFunctions: 12,
  /** No route's cold import in the grouped shape worse than this × its per-route bundle's. */
  groupedVersusPerRoute: 1.3,
};

export interface ShapeRouteResult {
  route: string;
  function: string;
  totalMs: Summary;
  importMs: Summary;
}

export interface ShapeResult {
  shape: ShapeName;
  functions: number;
  /** All functions' files together, and the largest function. */
  bytes: number;
  largestFunction: { name: string; bytes: number };
  routes: ShapeRouteResult[];
  /** Routes that load a provider SDK they do not use: "route loads sdk". */
  sdkViolations: string[];
}

export interface ShapesResults {
  runs: number;
  bare: ColdStartResult;
  monolith: ColdStartResult & { bytes: number };
  shapes: ShapeResult[];
  traffic: TrafficResult[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length / 2) - 1)] ?? Number.NaN;
};
const shapeOf = (results: ShapesResults, name: ShapeName) =>
  results.shapes.find((shape) => shape.shape === name);
const round = (value: number) => Math.round(value * 10) / 10;

export function medianRoute(shape: ShapeResult): { totalMs: number; importMs: number } {
  return {
    totalMs: median(shape.routes.map((route) => route.totalMs.p50)),
    importMs: median(shape.routes.map((route) => route.importMs.p50)),
  };
}

export function evaluateShapeBudgets(results: ShapesResults): Budget[] {
  const budgets: Budget[] = [];
  const perRoute = shapeOf(results, "per-route");
  const grouped = shapeOf(results, "grouped");
  const bare = results.bare.totalMs.p50;
  const monolithImport = results.monolith.importMs.p50;
  if (perRoute) {
    const { totalMs, importMs } = medianRoute(perRoute);
    const importLimit = SHAPE_BUDGETS.importVersusMonolith * monolithImport;
    budgets.push({
      name: "median route cold import p50 (per-route)",
      limit: `≤ ${SHAPE_BUDGETS.importVersusMonolith} × all-SDK monolith ${monolithImport} ms = ${round(importLimit)} ms`,
      actual: `${importMs} ms (${round(importMs / monolithImport)} ×)`,
      pass: importMs <= importLimit,
    });
    const totalLimit = SHAPE_BUDGETS.totalVersusBare * bare;
    budgets.push({
      name: "median route cold start total p50 (per-route)",
      limit: `≤ ${SHAPE_BUDGETS.totalVersusBare} × bare ${bare} ms = ${round(totalLimit)} ms`,
      actual: `${totalMs} ms (${round(totalMs / bare)} ×)`,
      pass: totalMs <= totalLimit,
    });
  }
  for (const shape of [perRoute, grouped]) {
    if (!shape) continue;
    const health = shape.routes.find((route) => route.route === "api/health");
    const limit = BUDGETS.healthColdStartFactor * bare + BUDGETS.healthColdStartExtraMs;
    budgets.push({
      name: `cold start api/health p50 (${shape.shape})`,
      limit: `≤ ${BUDGETS.healthColdStartFactor} × bare ${bare} ms + ${BUDGETS.healthColdStartExtraMs} ms = ${round(limit)} ms`,
      actual: health ? `${health.totalMs.p50} ms` : "not measured",
      pass: health !== undefined && health.totalMs.p50 <= limit,
    });
    budgets.push({
      name: `no route loads an SDK it does not use (${shape.shape})`,
      limit: "no provider SDK outside PROVIDER_SDKS_USED",
      actual: shape.sdkViolations.length === 0 ? "none" : shape.sdkViolations.join("; "),
      pass: shape.sdkViolations.length === 0,
    });
  }
  if (grouped && perRoute) {
    budgets.push({
      name: "grouped shape: functions",
      limit: `≤ ${SHAPE_BUDGETS.maxGroupedFunctions}`,
      actual: String(grouped.functions),
      pass: grouped.functions <= SHAPE_BUDGETS.maxGroupedFunctions,
    });
    const own = new Map(perRoute.routes.map((route) => [route.route, route.importMs.p50]));
    const ratios = grouped.routes.map((route) => ({
      route: route.route,
      ratio: route.importMs.p50 / (own.get(route.route) ?? Number.NaN),
    }));
    const worse = ratios.filter((entry) => !(entry.ratio <= SHAPE_BUDGETS.groupedVersusPerRoute));
    const worst = ratios.reduce(
      (a, b) => (b.ratio > a.ratio ? b : a),
      ratios[0] ?? { route: "", ratio: 0 },
    );
    budgets.push({
      name: "grouped: every route's cold import p50 vs its per-route bundle",
      limit: `≤ ${SHAPE_BUDGETS.groupedVersusPerRoute} ×`,
      actual:
        worse.length === 0
          ? `worst ${worst.ratio.toFixed(2)} × (${worst.route})`
          : worse.map((entry) => `${entry.route} ${entry.ratio.toFixed(2)} ×`).join("; "),
      pass: worse.length === 0,
    });
  }
  return budgets;
}

export function printShapes(
  results: ShapesResults,
  print: (headers: string[], rows: string[][]) => void,
): void {
  const { shapes, monolith, bare, runs } = results;
  console.log(
    `\nDeployment shapes: cold start per route, ${runs} runs each (+1 untimed), ms; import includes` +
      "\na grouped router's import of the route's chunk on the request" +
      `\n(bare function: total ${bare.totalMs.p50}, import ${bare.importMs.p50};` +
      ` all-SDK monolith, ${mb(monolith.bytes)}: total ${monolith.totalMs.p50} / ${monolith.totalMs.p90},` +
      ` import ${monolith.importMs.p50} / ${monolith.importMs.p90} (p50 / p90))`,
  );
  print(
    [
      "shape",
      "functions",
      "size",
      "largest function",
      "route total p50",
      "import p50",
      "import p90",
    ],
    shapes.map((shape) => {
      const medianOf = (pick: (route: ShapeRouteResult) => number) =>
        String(median(shape.routes.map(pick)));
      return [
        shape.shape,
        String(shape.functions),
        mb(shape.bytes),
        `${shape.largestFunction.name} ${mb(shape.largestFunction.bytes)}`,
        medianOf((route) => route.totalMs.p50),
        medianOf((route) => route.importMs.p50),
        medianOf((route) => route.importMs.p90),
      ];
    }),
  );
  console.log("(route columns: the median over routes of each route's figure)\n");
  const names = shapes.map((shape) => shape.shape);
  const routeNames = shapes[0]?.routes.map((route) => route.route) ?? [];
  print(
    ["route", ...names.flatMap((name) => [`${name} total`, "import p50/p90"])],
    routeNames.map((route) => [
      route,
      ...shapes.flatMap((shape) => {
        const result = shape.routes.find((entry) => entry.route === route);
        return result
          ? [String(result.totalMs.p50), `${result.importMs.p50}/${result.importMs.p90}`]
          : ["", ""];
      }),
    ]),
  );
  console.log(
    `\nCold starts in one simulated day under Fluid compute (instances reused, idle after ${results.traffic[0]?.idleMinutes ?? "?"} min;` +
      "\nhuman traffic by office hours + health monitor every minute + pg_cron and Vercel Cron; bench/traffic.ts)",
  );
  print(
    [
      "human requests/day",
      "requests",
      "per-route cold starts",
      "grouped cold starts",
      "per-route cold s",
      "grouped cold s",
    ],
    results.traffic.map((traffic) => [
      String(traffic.requestsPerDay),
      String(traffic.requests),
      String(traffic.coldStarts.perRoute),
      String(traffic.coldStarts.grouped),
      String(traffic.coldSeconds?.perRoute ?? ""),
      String(traffic.coldSeconds?.grouped ?? ""),
    ]),
  );
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
