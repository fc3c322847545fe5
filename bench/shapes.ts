// The deployment shapes the bench compares, each as a list of cold-start targets (one per route):
//
// - "zero-config": `vercel build`'s output, one function per api/ file, its files and
//   node_modules as they are (what deploys today without `npm run build`).
// - "per-route": `npm run build`, one esbuild bundle per route (dev/build/output.ts).
// - "grouped": `BASTION_FUNCTIONS=grouped npm run build`, every route through its group's router.
// - "monolith": the all-SDK baseline, an Express-style single function: one bundle (same esbuild
//   settings as ours, dev/build/output.ts bundleOptions) that imports every route and every provider and platform SDK up front,
//   and dispatches to the route. Measured once, with the health probe: what it imports does not
//   depend on the route.
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { ROUTE_PARAMETER } from "../dev/build/groups.js";
import {
  type BuildManifest,
  buildOutput,
  bundleOptions,
  createBundleCache,
  type Shape,
} from "../dev/build/output.js";
import { findApiFunctions } from "../dev/vercel/api-functions.js";
import { PROJECT_DIR } from "./build.js";
import { type BuiltFunction, listFunctions } from "./functions.js";
import { type Probe, probeFor } from "./probes.js";
import { routeProbes } from "./routed.js";
import { PLATFORM_SDKS, PROVIDER_SDKS } from "./sdk-loads.js";

export type ShapeName = "zero-config" | Shape | "monolith";

export interface Target {
  shape: ShapeName;
  /** The route (api/ function) the request is for. */
  route: string;
  fn: BuiltFunction;
  probe: Probe;
  /** Output file → bundled packages, for the bundled shapes (which have no node_modules). */
  packagesByFile?: Record<string, string[]>;
}

export const BENCH_OUTPUTS_DIR = join(PROJECT_DIR, ".vercel", "bench");
export const shapeOutputDir = (shape: Shape | "monolith") =>
  join(BENCH_OUTPUTS_DIR, shape, "output");

export async function apiRoutes(): Promise<string[]> {
  return (await findApiFunctions(PROJECT_DIR)).map((fn) => fn.name).sort();
}

/**
 * `npm run build`'s two shapes, into .vercel/bench/<shape>/output, each route bundled once for
 * both (dev/build/output.ts).
 */
export async function buildShapes(): Promise<Record<Shape, BuildManifest>> {
  const bundles = createBundleCache();
  const build = (shape: Shape) =>
    buildOutput({ rootDir: PROJECT_DIR, outDir: shapeOutputDir(shape), shape, bundles });
  try {
    return { "per-route": await build("per-route"), grouped: await build("grouped") };
  } finally {
    await bundles.close();
  }
}

/** One target per route, each reached through the output's own routes (bench/routed.ts). */
export async function routedTargets(
  shape: ShapeName,
  outputDir: string,
  manifest?: BuildManifest,
): Promise<Target[]> {
  const functions = await listFunctions(outputDir);
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const routes = await apiRoutes();
  return (await routeProbes(outputDir, functions, routes)).map((routed) => {
    const fn = byName.get(routed.functionName);
    if (!fn) throw new Error(`${shape}: no function ${routed.functionName}`);
    return {
      shape,
      route: routed.route,
      fn,
      probe: routed.probe,
      packagesByFile: manifest?.functions.find((built) => built.name === fn.name)?.packagesByFile,
    };
  });
}

/** The all-SDK monolith as a one-function Build Output directory; its target answers health. */
export async function buildMonolith(): Promise<Target> {
  const outDir = shapeOutputDir("monolith");
  const funcDir = join(outDir, "functions", "api", "monolith.func");
  await rm(outDir, { recursive: true, force: true });
  await mkdir(funcDir, { recursive: true });
  const routes = await findApiFunctions(PROJECT_DIR);
  const sdks = [...PROVIDER_SDKS, ...PLATFORM_SDKS];
  const source = [
    ...routes.map((route, i) => `import * as route${i} from ${JSON.stringify(route.file)};`),
    ...sdks.map((sdk, i) => `import * as sdk${i} from ${JSON.stringify(sdk)};`),
    `globalThis.__monolithSdks = [${sdks.map((_, i) => `sdk${i}`).join(", ")}];`,
    "const ROUTES = {",
    ...routes.map((route, i) => `  ${JSON.stringify(route.name)}: route${i}.default,`),
    "};",
    "export default {",
    "  fetch(request) {",
    "    const url = new URL(request.url);",
    `    const route = ROUTES[url.searchParams.get(${JSON.stringify(ROUTE_PARAMETER)})];`,
    "    if (!route) return new Response(null, { status: 404 });",
    `    url.searchParams.delete(${JSON.stringify(ROUTE_PARAMETER)});`,
    "    return route.fetch(new Request(url, request));",
    "  },",
    "};",
  ].join("\n");
  await esbuild.build({
    ...bundleOptions(PROJECT_DIR),
    stdin: { contents: source, resolveDir: PROJECT_DIR, sourcefile: "monolith.mjs", loader: "js" },
    outdir: funcDir,
    entryNames: "index",
    chunkNames: "chunks/[name]-[hash]",
  });
  const config = { handler: "index.mjs", runtime: "nodejs24.x", launcherType: "Nodejs" };
  await writeFile(join(funcDir, ".vc-config.json"), JSON.stringify(config));
  const [fn] = await listFunctions(outDir);
  if (!fn) throw new Error("the monolith build wrote no function");
  const probe = probeFor("api/health");
  return {
    shape: "monolith",
    route: "api/health",
    fn,
    probe: { ...probe, path: `${probe.path}?${ROUTE_PARAMETER}=api%2Fhealth` },
  };
}

/** The bytes of every file under dir (a .func copy with its node_modules). */
export async function dirBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
