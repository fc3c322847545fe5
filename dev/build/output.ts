// `npm run build`: Vercel's Build Output API v3 (.vercel/output, which Vercel deploys as is)
// from the same api/ files `vercel build` and `npm run dev` use, in one of two shapes:
//
// - "per-route" (default): one function per api/ file, as `vercel build` makes, but each is an
//   esbuild bundle (ESM, packages bundled in) whose lazily imported provider SDKs stay separate
//   chunks, loaded only by the request that needs them.
// - "grouped": at most 12 functions (dev/build/groups.ts), one per domain, each holding its
//   routes' per-route bundles behind a tiny router (dev/build/router.ts) that imports the bundle
//   of the route Vercel's routing chose on first use.
//
// Both keep vercel.json's routing (rewrites, headers, cleanUrls, through the same
// @vercel/routing-utils code as the dev server: dev/vercel/routes.ts), crons, and each route's
// `functions` settings (maxDuration, memory, regions) and the top-level `regions`.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, posix, relative, sep } from "node:path";
import { getNodeVersion } from "@vercel/build-utils";
import type { Route } from "@vercel/routing-utils";
import * as esbuild from "esbuild";
import { findApiFunctions } from "../vercel/api-functions.js";
import { buildRoutes, type VercelConfig } from "../vercel/routes.js";
import { GROUP_FUNCTION_PREFIX, groupFunctions, ROUTE_PARAMETER } from "./groups.js";
import { routerSource } from "./router.js";

export type Shape = "per-route" | "grouped";
export const SHAPES: Shape[] = ["per-route", "grouped"];

export interface BuildOptions {
  rootDir: string;
  /** The Build Output directory to (re)write, normally `<rootDir>/.vercel/output`. */
  outDir: string;
  shape: Shape;
  /**
   * Route bundles to take from, and add to: both shapes hold the same per-route bundles, so a
   * process that builds both (tests/build-output.test.ts, the bench) bundles each route once.
   * Without it the build uses a cache of its own and deletes it when done.
   */
  bundles?: BundleCache;
}

export interface BuiltOutputFunction {
  /** The function's path without `.func` (`api/health`, `api/_bastion/auth`). */
  name: string;
  /** The api/ functions (routes) it serves. */
  routes: string[];
  /** The handler file inside the .func (`api/health.mjs`). */
  handler: string;
  /** Every file in the .func, with its size. */
  files: { path: string; bytes: number }[];
  bytes: number;
  /**
   * Which bundled packages each output file contains (path in the .func → package names), from
   * esbuild's metafile: what the bench uses to tell which SDKs a run loaded.
   */
  packagesByFile: Record<string, string[]>;
}

export interface BuildManifest {
  shape: Shape;
  runtime: string;
  functions: BuiltOutputFunction[];
  seconds: number;
}

interface FunctionSettings {
  maxDuration?: number;
  memory?: number;
  regions?: string[];
}

type ProjectConfig = VercelConfig & {
  crons?: { path: string; schedule: string }[];
  regions?: string[];
  functions?: Record<string, FunctionSettings & Record<string, unknown>>;
};

// Lets the bundled CommonJS packages (stripe, twilio, razorpay…) `require` Node's built-ins from
// an ES module chunk.
const CJS_BANNER =
  "import{createRequire as __bastionCreateRequire}from'node:module';" +
  "const require=__bastionCreateRequire(import.meta.url);";

export async function buildOutput(options: BuildOptions): Promise<BuildManifest> {
  const startedAt = performance.now();
  const { rootDir, outDir, shape } = options;
  const config = await readProjectConfig(rootDir);
  const apiFunctions = await findApiFunctions(rootDir);
  if (apiFunctions.length === 0) throw new Error(`no functions under ${join(rootDir, "api")}`);
  const runtime = (await getNodeVersion(rootDir, undefined, {}, {})).runtime;
  const routes = buildRoutes(
    apiFunctions.map((fn) => fn.entrypoint),
    config,
  );

  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, "functions"), { recursive: true });
  const staticPaths = await copyStatic(rootDir, join(outDir, "static"));

  const settingsOf = (entrypoint: string) => functionSettings(config, entrypoint);
  const units =
    shape === "per-route"
      ? apiFunctions.map((fn) => ({
          name: fn.name,
          members: [fn],
          settings: settingsOf(fn.entrypoint),
        }))
      : [...groupFunctions(apiFunctions.map((fn) => fn.name))].map(([group, names]) => {
          const members = apiFunctions.filter((fn) => names.includes(fn.name));
          return {
            name: `${GROUP_FUNCTION_PREFIX}${group}`,
            members,
            settings: mergeSettings(
              group,
              members.map((fn) => settingsOf(fn.entrypoint)),
            ),
          };
        });

  const bundles = options.bundles ?? createBundleCache();
  let functions: BuiltOutputFunction[];
  try {
    functions = await Promise.all(
      units.map(async (unit) => {
        const funcDir = join(outDir, "functions", `${unit.name}.func`);
        // Every route is its own esbuild build, in both shapes: its code lands in as few files as
        // its lazy imports allow. (A single build of several entries shares their code in chunks
        // of a few hundred bytes each, and every file a function loads costs a resolve, a read and
        // a compile on a cold start.) A group function holds its routes' bundles side by side,
        // exactly as their own functions would, behind a router: a route of a group loads the
        // files its per-route function loads, plus the router. Chunks are named by content hash,
        // so routes that share one (a provider SDK) ship it once.
        const routeBundles: RouteBundle[] = [];
        for (const fn of unit.members) {
          routeBundles.push(await bundleRoute(await bundles.bundle(rootDir, fn), fn, funcDir));
        }
        const packagesByFile: Record<string, string[]> = {};
        for (const bundle of routeBundles) Object.assign(packagesByFile, bundle.packagesByFile);
        let handler: string;
        if (shape === "per-route") {
          handler = (routeBundles[0] as RouteBundle).entryOutput;
        } else {
          handler = `${unit.name}.mjs`;
          const routerDir = posix.dirname(handler);
          const source = routerSource(
            routeBundles.map((bundle) => ({
              name: bundle.name,
              specifier: relativeSpecifier(routerDir, bundle.entryOutput),
            })),
          );
          await mkdir(join(funcDir, routerDir), { recursive: true });
          await writeFile(join(funcDir, handler), source);
          packagesByFile[handler] = [];
        }
        const vcConfig = {
          handler,
          runtime,
          launcherType: "Nodejs",
          shouldAddHelpers: false,
          shouldAddSourcemapSupport: false,
          ...unit.settings,
        };
        await writeFile(join(funcDir, ".vc-config.json"), `${JSON.stringify(vcConfig, null, 2)}\n`);
        const files = await filesOf(funcDir);
        return {
          name: unit.name,
          routes: unit.members.map((fn) => fn.name),
          handler,
          files,
          bytes: files.reduce((sum, file) => sum + file.bytes, 0),
          packagesByFile,
        };
      }),
    );
  } finally {
    if (!options.bundles) await bundles.close();
  }

  const outputConfig = {
    version: 3,
    routes: shape === "grouped" ? groupedRoutes(routes, functions) : routes,
    ...(config.cleanUrls ? { overrides: cleanUrlOverrides(staticPaths) } : {}),
    ...(config.crons ? { crons: config.crons } : {}),
  };
  await writeFile(join(outDir, "config.json"), `${JSON.stringify(outputConfig, null, 2)}\n`);
  const manifest: BuildManifest = {
    shape,
    runtime,
    functions,
    seconds: Math.round((performance.now() - startedAt) / 100) / 10,
  };
  return manifest;
}

async function readProjectConfig(rootDir: string): Promise<ProjectConfig> {
  const text = await readFile(join(rootDir, "vercel.json"), "utf8").catch(() => "{}");
  return JSON.parse(text) as ProjectConfig;
}

/** public/ → static/, as `vercel build` copies it; returns the copied paths. */
async function copyStatic(rootDir: string, staticDir: string): Promise<string[]> {
  const publicDir = join(rootDir, "public");
  await mkdir(staticDir, { recursive: true });
  const exists = await stat(publicDir).then(
    () => true,
    () => false,
  );
  if (!exists) return [];
  await cp(publicDir, staticDir, { recursive: true, dereference: true });
  return (await filesOf(staticDir)).map((file) => file.path);
}

/** With cleanUrls, `docs/index.html` is served at `docs/index` (what `vercel build` writes). */
function cleanUrlOverrides(staticPaths: string[]): Record<string, { path: string }> {
  const overrides: Record<string, { path: string }> = {};
  for (const path of staticPaths.filter((path) => path.endsWith(".html")).sort()) {
    overrides[path] = { path: path.slice(0, -".html".length) };
  }
  return overrides;
}

/**
 * vercel.json's `functions` entries that match the file (exact path, or a glob of `*` and `**`),
 * and the top-level `regions`. Other per-function settings are refused rather than dropped.
 */
function functionSettings(config: ProjectConfig, entrypoint: string): FunctionSettings {
  const settings: FunctionSettings = config.regions ? { regions: config.regions } : {};
  for (const [pattern, entry] of Object.entries(config.functions ?? {})) {
    if (pattern !== entrypoint && !globToRegExp(pattern).test(entrypoint)) continue;
    const { maxDuration, memory, regions, ...rest } = entry;
    const unsupported = Object.keys(rest);
    if (unsupported.length > 0) {
      throw new Error(
        `vercel.json functions["${pattern}"]: npm run build does not implement ${unsupported.join(", ")}`,
      );
    }
    if (maxDuration !== undefined) settings.maxDuration = maxDuration;
    if (memory !== undefined) settings.memory = memory;
    if (regions !== undefined) settings.regions = regions;
  }
  return settings;
}

/** A group runs with the most time and memory any of its routes asks for, in one region set. */
function mergeSettings(group: string, all: FunctionSettings[]): FunctionSettings {
  const merged: FunctionSettings = {};
  const durations = all.flatMap((settings) => settings.maxDuration ?? []);
  const memories = all.flatMap((settings) => settings.memory ?? []);
  if (durations.length > 0) merged.maxDuration = Math.max(...durations);
  if (memories.length > 0) merged.memory = Math.max(...memories);
  const regionSets = new Set(all.map((settings) => JSON.stringify(settings.regions ?? null)));
  if (regionSets.size > 1) {
    throw new Error(`the routes of group "${group}" ask for different regions: ${[...regionSets]}`);
  }
  const [regions] = all.map((settings) => settings.regions);
  if (regions) merged.regions = regions;
  return merged;
}

function globToRegExp(glob: string): RegExp {
  let pattern = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === "*" && glob[i + 1] === "*") {
      pattern += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (char === "*") pattern += "[^/]*";
    else pattern += char.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${pattern}$`);
}

/**
 * The grouped shape's routes: a route is no longer a file of its own, so every path the
 * filesystem phase served as a function (`/api/health`), and every rewrite whose destination
 * was one (`/api/bookings/[id]?id=$1`, `/api/bookings/create` → `/api/bookings`), goes to its
 * group function instead, with the route's name in ROUTE_PARAMETER.
 */
function groupedRoutes(routes: Route[], functions: BuiltOutputFunction[]): Route[] {
  const groupOfRoute = new Map(functions.flatMap((fn) => fn.routes.map((r) => [r, fn.name])));
  const target = (name: string) =>
    `/${groupOfRoute.get(name)}?${ROUTE_PARAMETER}=${encodeURIComponent(name)}`;
  const rewritten = routes.map((route) => {
    if (!("src" in route) || route.dest === undefined) return route;
    const [path = "", query] = route.dest.split(/\?(.*)/s, 2);
    const name = path.replace(/^\//, "");
    if (!groupOfRoute.has(name)) return route;
    return { ...route, dest: query ? `${target(name)}&${query}` : target(name) };
  });
  // As the filesystem serves a function: with or without a trailing slash, and an `index` at its
  // folder's path.
  const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const servedAsFiles: Route[] = [...groupOfRoute.keys()].sort().map((name) => ({
    src: name.endsWith("/index")
      ? `^/${escapeRegExp(name.slice(0, -"/index".length))}(?:/index)?/?$`
      : `^/${escapeRegExp(name)}/?$`,
    dest: target(name),
    check: true,
  }));
  const filesystem = rewritten.findIndex(
    (route) => "handle" in route && route.handle === "filesystem",
  );
  if (filesystem === -1) throw new Error("the route table has no filesystem phase");
  return [
    ...rewritten.slice(0, filesystem + 1),
    ...servedAsFiles,
    ...rewritten.slice(filesystem + 1),
  ];
}

/** An import specifier for `file` from a module in `fromDir` (both relative to the .func). */
function relativeSpecifier(fromDir: string, file: string): string {
  const path = posix.relative(fromDir, file);
  return path.startsWith(".") ? path : `./${path}`;
}

interface RouteBundle {
  name: string;
  /** The route's entry in the .func (`api/health.mjs`). */
  entryOutput: string;
  /** Output file → the packages bundled into it, for every file the route can load. */
  packagesByFile: Record<string, string[]>;
}

/** Routes' esbuild bundles, each built once, in a temporary directory of their own. */
export interface BundleCache {
  /** The route's bundle: built on first use, in its own directory. */
  bundle(rootDir: string, fn: { name: string; file: string }): Promise<StagedBundle>;
  /** Deletes the bundles. */
  close(): Promise<void>;
}

interface StagedBundle {
  staging: string;
  bundled: Bundled;
}

/**
 * esbuild builds at once. One build already uses every core; more at once only add memory: all
 * 129 routes at once held 16 GB in esbuild's process.
 */
const BUNDLES_AT_ONCE = availableParallelism() + 1;

/** Bundles reflect the sources when first built: one cache serves one set of builds. */
export function createBundleCache(): BundleCache {
  const dir = mkdtemp(join(tmpdir(), "bastion-build-"));
  const built = new Map<string, Promise<StagedBundle>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const build = async (rootDir: string, staging: string, fn: { name: string; file: string }) => {
    while (running >= BUNDLES_AT_ONCE) await new Promise<void>((start) => waiting.push(start));
    running++;
    try {
      return await bundleAll(rootDir, staging, new Map([[fn.name, { file: fn.file }]]));
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  return {
    bundle(rootDir, fn) {
      const key = `${rootDir}\0${fn.name}`;
      let staged = built.get(key);
      if (!staged) {
        const index = built.size;
        staged = dir.then(async (base) => {
          const staging = join(base, String(index));
          return { staging, bundled: await build(rootDir, staging, fn) };
        });
        built.set(key, staged);
      }
      return staged;
    },
    async close() {
      await rm(await dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** One route's bundle and the files its entry can reach, copied into `funcDir`. */
async function bundleRoute(
  { staging, bundled }: StagedBundle,
  fn: { name: string },
  funcDir: string,
): Promise<RouteBundle> {
  const entryOutput = bundled.entryOutputs.get(fn.name);
  if (!entryOutput) throw new Error(`esbuild wrote no entry for ${fn.name}`);
  const closure = closureOf(entryOutput, bundled.metafile);
  for (const file of closure) {
    const target = join(funcDir, file);
    const content = await readFile(join(staging, file));
    const existing = await readFile(target).catch(() => undefined);
    // Another route of the group shipped the same chunk (same name, same content hash).
    if (existing?.equals(content)) continue;
    if (existing) throw new Error(`${funcDir}: two routes write different ${file}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return {
    name: fn.name,
    entryOutput,
    packagesByFile: Object.fromEntries(
      closure.map((file) => [file, bundled.packagesByFile.get(file) ?? []]),
    ),
  };
}

interface Bundled {
  metafile: esbuild.Metafile;
  /** Unit name → its entry's output file, relative to the output directory. */
  entryOutputs: Map<string, string>;
  /** Output file → the packages bundled into it. */
  packagesByFile: Map<string, string[]>;
}

/** One esbuild build of one route (each lazy `import()` in a chunk of its own). */
async function bundleAll(
  rootDir: string,
  outdir: string,
  entries: Map<string, { file: string }>,
): Promise<Bundled> {
  const entryPoints: Record<string, string> = {};
  for (const [name, entry] of entries) entryPoints[name] = entry.file;
  const result = await esbuild.build({
    ...bundleOptions(rootDir),
    entryPoints,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
  });
  const toOutdir = (file: string) => relative(outdir, join(rootDir, file)).split(sep).join("/");
  const entryOutputs = new Map<string, string>();
  const packagesByFile = new Map<string, string[]>();
  const metafile: esbuild.Metafile = { inputs: result.metafile.inputs, outputs: {} };
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const path = toOutdir(file);
    metafile.outputs[path] = {
      ...output,
      imports: output.imports.map((imported) => ({ ...imported, path: toOutdir(imported.path) })),
    };
    if (output.entryPoint) {
      const name = [...entries.keys()].find((key) => `${path.replace(/\.mjs$/, "")}` === key);
      if (name) entryOutputs.set(name, path);
    }
    const packages = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      const name = packageOf(input);
      if (name) packages.add(name);
    }
    packagesByFile.set(path, [...packages].sort());
  }
  return { metafile, entryOutputs, packagesByFile };
}

/**
 * The esbuild settings of every function bundle (also the bench's all-SDK monolith): ES modules
 * for Node 20 and later, packages bundled in, minified; lazy `import()`s become chunks of their own
 * once `splitting` is on.
 */
export function bundleOptions(rootDir: string): esbuild.BuildOptions {
  return {
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // ES module builds of the packages where they ship one (smaller, tree-shaken).
    mainFields: ["module", "main"],
    minify: true,
    legalComments: "none",
    banner: { js: CJS_BANNER },
    logLevel: "error",
    absWorkingDir: rootDir,
  };
}

/** The output files an entry loads, statically or through `import()`. */
function closureOf(entryOutput: string, metafile: esbuild.Metafile): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.external) continue;
      visit(imported.path);
    }
  };
  visit(entryOutput);
  return [...seen].sort();
}

function packageOf(input: string): string | undefined {
  const at = input.lastIndexOf("node_modules/");
  if (at === -1) return undefined;
  const [scope, name] = input.slice(at + "node_modules/".length).split("/");
  return scope?.startsWith("@") ? `${scope}/${name}` : scope;
}

async function filesOf(dir: string): Promise<{ path: string; bytes: number }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = join(entry.parentPath, entry.name);
        return { path: relative(dir, file).split(sep).join("/"), bytes: (await stat(file)).size };
      }),
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
