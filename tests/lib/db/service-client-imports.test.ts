// The service client bypasses row-level security, so which code can reach it is a security
// boundary. Privilege is declared in an endpoint's spec (`privileged`: "cron", "webhook" or a
// named ledger step, checked by the pipeline) and the handler receives the client as db.service,
// which it passes on as an argument; no module reaches for it by itself. Checked over the import
// graph of every .ts file:
// 1. Only lib/db itself, the pipeline (lib/http/endpoint.ts, which hands it to privileged
//    endpoints), the operator's command-line tools and the local stack under dev/, and tests
//    import lib/db/service-client.ts. No folder name grants more.
// 2. No api/ function reaches it through any chain of imports (the pipeline's lazy import aside:
//    at run time db.service throws unless the endpoint is declared privileged).
// 3. An api/ file that uses db.service declares `privileged` in its spec, where its contract is
//    reviewed, and api/ files import nothing from lib/db: their clients come from the context.
// Imports are read with a regex (static, re-export, side-effect and dynamic import()); type-only
// imports count too, which errs on the safe side.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SERVICE_CLIENT = "lib/db/service-client.ts";
/** The pipeline: it imports the service client lazily and hands it only to privileged specs. */
const PIPELINE = "lib/http/endpoint.ts";
/**
 * How an api/ file declares privilege (rule 3): in its spec, or by spreading a spec preset from
 * lib/ whose own text declares it (`export const NAME = { … privileged: … };`, such as
 * lib/http/spec-presets.ts's); the pipeline checks what the declaration says.
 */
const PRIVILEGED_DECLARATION = /\bprivileged:\s*["{]/;
const PRESET = /export const ([A-Z][A-Z_]*) = \{([^;]*?)\n\};/g;
const USES_SERVICE_CLIENT = /\bdb\.service\b/;
const SKIPPED_FOLDERS = new Set(["node_modules", "coverage"]);
const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*["']([^"'\n]+)["']/g;

/** Repository-relative posix path → the files it imports, for every .ts file under root. */
type ImportGraph = Map<string, string[]>;

function typescriptFiles(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const skip = entry.name.startsWith(".") || SKIPPED_FOLDERS.has(entry.name);
      return skip ? [] : typescriptFiles(root, path);
    }
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** A relative specifier as NodeNext writes it (./x.js for x.ts), or undefined if not ours. */
function resolveSpecifier(from: string, specifier: string, files: Set<string>) {
  if (!specifier.startsWith(".")) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, ".ts"), target, `${target}.ts`, `${target}/index.ts`];
  return candidates.find((candidate) => files.has(candidate));
}

interface ProjectGraph {
  imports: ImportGraph;
  /** api/ files whose source declares `privileged`. */
  declared: Set<string>;
  /** api/ files whose handlers use db.service. */
  usesService: Set<string>;
}

function importGraph(root: string): ProjectGraph {
  const files = typescriptFiles(root);
  const known = new Set(files);
  const declared = new Set<string>();
  const usesService = new Set<string>();
  const sources = new Map(files.map((file) => [file, readFileSync(join(root, file), "utf8")]));
  const privilegedPresets = [...sources]
    .filter(([file]) => file.startsWith("lib/"))
    .flatMap(([, source]) => [...source.matchAll(PRESET)])
    .filter(([, , body]) => PRIVILEGED_DECLARATION.test(body ?? ""))
    .map(([, name]) => name);
  const spreadsPreset = new RegExp(`\\.\\.\\.(?:${privilegedPresets.join("|") || "$^"})\\b`);
  const imports: ImportGraph = new Map(
    files.map((file) => {
      const source = sources.get(file) ?? "";
      const declares = PRIVILEGED_DECLARATION.test(source) || spreadsPreset.test(source);
      if (file.startsWith("api/") && declares) declared.add(file);
      if (file.startsWith("api/") && USES_SERVICE_CLIENT.test(source)) usesService.add(file);
      const targets = [...source.matchAll(SPECIFIER)]
        .map((match) => resolveSpecifier(file, match[1] ?? "", known))
        .filter((target): target is string => target !== undefined);
      return [file, [...new Set(targets)]];
    }),
  );
  return { imports, declared, usesService };
}

function mayImportServiceClient(file: string): boolean {
  const top = file.split("/")[0];
  return top === "tests" || top === "dev" || file.startsWith("lib/db/") || file === PIPELINE;
}

/** Files that import the service client directly without being allowed to. */
function directViolations({ imports: graph }: ProjectGraph): string[] {
  return [...graph]
    .filter(([file, imports]) => imports.includes(SERVICE_CLIENT) && !mayImportServiceClient(file))
    .map(([file]) => file)
    .sort();
}

/**
 * The one import that does not count: the route table (lib/openapi/routes.ts) imports every api/
 * function to read its spec for the OpenAPI document and never runs a handler.
 */
const SPEC_ONLY_IMPORTER = "lib/openapi/routes.ts";

/** For each api/ function that reaches the service client through its imports, the chain. */
function reachingFunctions({ imports: graph }: ProjectGraph): string[] {
  const functions = [...graph.keys()].filter((file) => file.startsWith("api/"));
  return functions.flatMap((entry) => {
    const cameFrom = new Map<string, string | undefined>([[entry, undefined]]);
    const queue = [entry];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (file === SERVICE_CLIENT) {
        const chain: string[] = [];
        for (let step: string | undefined = file; step; step = cameFrom.get(step))
          chain.unshift(step);
        return [chain.join(" → ")];
      }
      for (const next of graph.get(file) ?? []) {
        const specOnly = file === SPEC_ONLY_IMPORTER && next.startsWith("api/");
        const pipelineOnly = file === PIPELINE && next === SERVICE_CLIENT;
        if (!specOnly && !pipelineOnly && !cameFrom.has(next)) {
          cameFrom.set(next, file);
          queue.push(next);
        }
      }
    }
    return [];
  });
}

/** api/ files that use db.service without declaring `privileged`. */
function undeclaredUses({ usesService, declared }: ProjectGraph): string[] {
  return [...usesService].filter((file) => !declared.has(file)).sort();
}

/** api/ files importing a database client module themselves. */
function apiFilesImportingDb({ imports: graph }: ProjectGraph): string[] {
  return [...graph]
    .filter(
      ([file, imports]) => file.startsWith("api/") && imports.some((i) => i.startsWith("lib/db/")),
    )
    .map(([file]) => file)
    .sort();
}

describe("who can reach the service client", () => {
  it("is imported directly only by lib/db, the pipeline, dev/ and tests", () => {
    expect(directViolations(importGraph(REPO_ROOT))).toEqual([]);
  });

  it("is out of reach of every api/ function's imports", () => {
    expect(reachingFunctions(importGraph(REPO_ROOT))).toEqual([]);
  });

  it("is used as db.service only by api/ files that declare privileged", () => {
    const graph = importGraph(REPO_ROOT);
    expect(undeclaredUses(graph)).toEqual([]);
    expect(graph.usesService.size).toBeGreaterThan(10);
  });

  it("leaves picking a database client to the pipeline: api/ files import nothing from lib/db", () => {
    expect(apiFilesImportingDb(importGraph(REPO_ROOT))).toEqual([]);
  });

  it("sees this repository's files (the graph is not empty by mistake)", () => {
    const graph = importGraph(REPO_ROOT);
    expect(graph.imports.get("lib/db/service-client.ts")).toContain("lib/env.ts");
  });
});

describe("the checks themselves, on a fixture project", () => {
  let root = "";
  const fixture: Record<string, string> = {
    "lib/env.ts": "export const env = () => ({});",
    "lib/db/service-client.ts":
      'import { env } from "../env.js";\nexport const serviceClient = env;',
    "lib/db/anon-client.ts": 'import { env } from "../env.js";\nexport const anonClient = env;',
    "lib/db/index.ts": 'export * from "./service-client.js";',
    "lib/http/endpoint.ts": 'const load = () => import("../db/service-client.js");',
    "lib/openapi/routes.ts": 'import refund from "../../api/payments/refund.js";',
    // A folder name grants nothing: these are caught like any other lib/ module.
    "lib/bookings/admin/export.ts": 'import { serviceClient } from "../../db/service-client.js";',
    "lib/payments/ledger/ledger.ts":
      'import type { serviceClient } from "../../db/service-client.js";',
    "lib/payments/webhooks/stripe.ts": 'import "../../db/service-client.js";',
    "lib/bookings/list.ts": "export const list = (db: unknown) => db;",
    "api/bookings/index.ts": 'import { list } from "../../lib/bookings/list.js";',
    "api/admin/export.ts": 'import { x } from "../../lib/bookings/admin/export.js";',
    "api/webhooks/stripe.ts": 'import { y } from "../../lib/payments/webhooks/stripe.js";',
    "api/everything.ts": 'import * as db from "../lib/db/index.js";',
    "api/services.ts": 'import { anonClient } from "../lib/db/anon-client.js";',
    "api/lazy.ts": 'const { serviceClient } = await import("../lib/db/service-client.js");',
    "api/profile.ts": 'import { endpoint } from "../lib/http/endpoint.js";\n({ db }) => db.user;',
    "api/payments/refund.ts":
      'import { endpoint } from "../../lib/http/endpoint.js";\nendpoint({ privileged: { ledgerStep: "x" } }, ({ db }) => db.service);',
    "api/cron/sweep.ts": 'endpoint({ auth: "cron", privileged: "cron" }, ({ db }) => db.service);',
    "lib/http/spec-presets.ts":
      'export const SCHEDULED = {\n  auth: "cron" as const,\n  privileged: "cron" as const,\n};\nexport const PUBLIC_READ = {\n  auth: "public" as const,\n};',
    "api/cron/purge.ts": "endpoint({ ...SCHEDULED }, ({ db }) => db.service);",
    "api/payments/preset.ts": "endpoint({ ...PUBLIC_READ }, ({ db }) => db.service);",
    "api/payments/sneaky.ts": "// privileged: true\nendpoint({}, ({ db }) => db.service);",
    "dev/make-admin.ts": 'import { serviceClient } from "../lib/db/service-client.js";',
    "bench/cold-start.ts": 'import { serviceClient } from "../lib/db/service-client.js";',
    "tests/lib/db/clients.test.ts":
      'import { serviceClient } from "../../../lib/db/service-client.js";',
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "service-client-imports-"));
    for (const [path, source] of Object.entries(fixture)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), source);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("catches direct imports from anywhere but lib/db, the pipeline, dev/ and tests", () => {
    expect(directViolations(importGraph(root))).toEqual([
      "api/lazy.ts",
      "bench/cold-start.ts",
      "lib/bookings/admin/export.ts",
      "lib/payments/ledger/ledger.ts",
      "lib/payments/webhooks/stripe.ts",
    ]);
  });

  it("catches api/ functions that reach it through other modules, whatever the folders", () => {
    expect(reachingFunctions(importGraph(root))).toEqual([
      "api/admin/export.ts → lib/bookings/admin/export.ts → lib/db/service-client.ts",
      "api/everything.ts → lib/db/index.ts → lib/db/service-client.ts",
      "api/lazy.ts → lib/db/service-client.ts",
      "api/webhooks/stripe.ts → lib/payments/webhooks/stripe.ts → lib/db/service-client.ts",
    ]);
  });

  it("catches db.service without a privileged declaration (a comment does not count)", () => {
    expect(undeclaredUses(importGraph(root))).toEqual([
      "api/payments/preset.ts",
      "api/payments/sneaky.ts",
    ]);
  });

  it("catches api/ files that pick a database client themselves", () => {
    expect(apiFilesImportingDb(importGraph(root))).toEqual([
      "api/everything.ts",
      "api/lazy.ts",
      "api/services.ts",
    ]);
  });
});
