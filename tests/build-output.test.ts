// `npm run build` (dev/build/output.ts) in both shapes: every route of the built output answers
// its probe when reached through the output's own config.json routes and started with the bench's
// stand-in for Vercel's Node launcher (bench/launch.ts, through @vercel/node's own Node⇄Web
// adapter), from a copy of each .func outside the project; the grouped shape stays within Hobby's
// 12 functions; and both keep vercel.json's rewrites, headers, crons and function settings.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTransformedRoutes, type Route } from "@vercel/routing-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltFunction, isolate, listFunctions } from "../bench/functions.js";
import { launchOnce } from "../bench/launch.js";
import { routeProbes } from "../bench/routed.js";
import { MAX_GROUPED_FUNCTIONS, ROUTE_PARAMETER } from "../dev/build/groups.js";
import {
  type BuildManifest,
  buildOutput,
  createBundleCache,
  SHAPES,
  type Shape,
} from "../dev/build/output.js";
import { findApiFunctions } from "../dev/vercel/api-functions.js";
import { REPO_ROOT } from "./helpers/api.js";

const vercelJson = JSON.parse(await readFile(join(REPO_ROOT, "vercel.json"), "utf8"));
const routeNames = (await findApiFunctions(REPO_ROOT)).map((fn) => fn.name).sort();

let scratch: string;
const built = new Map<Shape, { outDir: string; manifest: BuildManifest; config: OutputConfig }>();

interface OutputConfig {
  version: number;
  routes: Route[];
  crons?: unknown[];
  overrides?: Record<string, { path: string }>;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "bastion-build-test-"));
  // Both shapes hold the same route bundles: each route is bundled once, for both.
  const bundles = createBundleCache();
  try {
    for (const shape of SHAPES) {
      const outDir = join(scratch, shape, "output");
      const manifest = await buildOutput({ rootDir: REPO_ROOT, outDir, shape, bundles });
      const config = JSON.parse(await readFile(join(outDir, "config.json"), "utf8"));
      built.set(shape, { outDir, manifest, config });
    }
  } finally {
    await bundles.close();
  }
  // A hung build's limit, not a speed budget: the bundles take ~110 s on an idle 2-core machine
  // (129 esbuild builds), and CI builds them while another test file runs beside it.
}, 900_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function output(shape: Shape) {
  const result = built.get(shape);
  if (!result) throw new Error(`${shape} was not built`);
  return result;
}

describe.each(SHAPES)("npm run build, %s shape", (shape) => {
  it("answers every route's probe through config.json's routes and the Node launcher", async () => {
    const { outDir } = output(shape);
    const isolated = join(scratch, shape, "isolated");
    const functions: BuiltFunction[] = [];
    for (const fn of await listFunctions(outDir)) {
      functions.push(await isolate(fn, isolated, REPO_ROOT));
    }
    const probes = await routeProbes(outDir, functions, routeNames);
    expect(probes.map((probe) => probe.route)).toEqual(routeNames);
    const byName = new Map(functions.map((fn) => [fn.name, fn]));
    const failures: string[] = [];
    const queue = [...probes];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const fn = byName.get(next.functionName);
        if (!fn) {
          failures.push(`${next.route}: no function ${next.functionName}`);
          continue;
        }
        await launchOnce(fn, next.probe, { adapter: "node-utils" }).then(
          ({ response }) => {
            // The group router's own answer when it has no such route (dev/build/router.ts).
            if (response.body.includes("No such route")) {
              failures.push(`${next.route}: the router of ${fn.name} has no such route`);
            }
          },
          (error: Error) => failures.push(`${next.route}: ${error.message.slice(0, 1500)}`),
        );
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
  }, 300_000);

  it("keeps every rewrite and header of vercel.json, and its crons", () => {
    const { config } = output(shape);
    expect(config.version).toBe(3);
    expect(config.crons).toEqual(vercelJson.crons);
    const userRoutes = getTransformedRoutes(vercelJson).routes ?? [];
    const withHeaders = userRoutes.filter((route) => "continue" in route && route.continue);
    expect(withHeaders.length).toBe(vercelJson.headers.length);
    for (const route of withHeaders) expect(config.routes).toContainEqual(route);
    // A rewrite to a route may point at its group instead; its source and the rest stay.
    const rewrites = userRoutes.filter((route) => "check" in route && route.check);
    expect(rewrites.length).toBe(vercelJson.rewrites.length);
    for (const rewrite of rewrites) {
      if (!("src" in rewrite)) continue;
      const kept = config.routes.find((route) => "src" in route && route.src === rewrite.src);
      expect(kept, rewrite.src).toBeDefined();
    }
  });

  it("keeps the static files and their clean URLs", () => {
    const { config } = output(shape);
    expect(config.overrides?.["index.html"]).toEqual({ path: "index" });
  });
});

describe("the grouped shape", () => {
  it(`has at most ${MAX_GROUPED_FUNCTIONS} functions, which together serve every route once`, () => {
    const { manifest } = output("grouped");
    expect(manifest.functions.length).toBeLessThanOrEqual(MAX_GROUPED_FUNCTIONS);
    expect(manifest.functions.flatMap((fn) => fn.routes).sort()).toEqual(routeNames);
  });

  it("sends a rewrite to the route its destination names", async () => {
    const { outDir } = output("grouped");
    const functions = await listFunctions(outDir);
    for (const rewrite of vercelJson.rewrites as { source: string; destination: string }[]) {
      const destination = rewrite.destination.replace(/^\//, "");
      if (!routeNames.includes(destination)) continue;
      const probe = await routeProbesFor(outDir, functions, rewrite.source);
      expect(new URL(probe, "https://x.invalid").searchParams.get(ROUTE_PARAMETER)).toBe(
        destination,
      );
    }
  });
});

/** The path a request for `path` is sent to the function with, after the grouped routes. */
async function routeProbesFor(outDir: string, functions: BuiltFunction[], path: string) {
  const { resolveRoute } = await import("../dev/vercel/route-resolver.js");
  const { createFilesystem } = await import("../dev/vercel/filesystem.js");
  const config = JSON.parse(await readFile(join(outDir, "config.json"), "utf8"));
  const resolution = resolveRoute(
    config.routes,
    createFilesystem({ functions: functions.map((fn) => fn.name), staticFiles: [] }),
    { method: "POST", pathname: path, query: new URLSearchParams() },
  );
  if (resolution.type !== "serve") throw new Error(`${path} is not served`);
  return `${path}?${resolution.addedQuery}`;
}

describe("function settings from vercel.json", () => {
  let project: string;

  beforeAll(async () => {
    project = join(scratch, "settings-project");
    await mkdir(join(project, "api", "jobs"), { recursive: true });
    const handler = "export default { fetch: () => Response.json({ ok: true }) };\n";
    await writeFile(join(project, "api", "jobs", "nightly.ts"), handler);
    await writeFile(join(project, "api", "jobs", "[id].ts"), handler);
    await writeFile(join(project, "api", "status.ts"), handler);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ type: "module", engines: { node: "22.x" } }),
    );
    await writeFile(
      join(project, "vercel.json"),
      JSON.stringify({
        regions: ["bom1"],
        functions: {
          "api/jobs/*.ts": { maxDuration: 60 },
          "api/jobs/[id].ts": { memory: 2048 },
        },
      }),
    );
  });

  it.each(SHAPES)("reach each function's .vc-config.json (%s)", async (shape) => {
    const outDir = join(project, ".vercel", shape);
    const manifest = await buildOutput({ rootDir: project, outDir, shape });
    const configs = Object.fromEntries(
      await Promise.all(
        manifest.functions.map(async (fn) => [
          fn.name,
          JSON.parse(
            await readFile(join(outDir, "functions", `${fn.name}.func`, ".vc-config.json"), "utf8"),
          ),
        ]),
      ),
    );
    for (const config of Object.values(configs)) {
      expect(config).toMatchObject({
        runtime: "nodejs22.x",
        launcherType: "Nodejs",
        regions: ["bom1"],
      });
    }
    if (shape === "per-route") {
      expect(configs["api/jobs/nightly"]).toMatchObject({ maxDuration: 60 });
      expect(configs["api/jobs/[id]"]).toMatchObject({ maxDuration: 60, memory: 2048 });
      expect(configs["api/status"].maxDuration).toBeUndefined();
    } else {
      // One group per top-level folder here: the group takes its routes' largest settings.
      expect(configs["api/_bastion/jobs"]).toMatchObject({ maxDuration: 60, memory: 2048 });
    }
  });
});
