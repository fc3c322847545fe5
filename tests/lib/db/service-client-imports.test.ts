// The service client bypasses row-level security, so which code can reach it is a security
// boundary. Three rules, checked over the import graph of every .ts file:
// 1. Only privileged code imports lib/db/service-client.ts directly: files under api/webhooks,
//    api/cron or api/admin, files in a lib/ folder named webhooks, cron, admin or ledger, lib/db
//    itself, the pipeline (lib/http/endpoint.ts, which hands it to privileged endpoints as
//    db.service), and tests.
// 2. No api/ function outside api/webhooks, api/cron and api/admin reaches it through any chain
//    of imports (a user-facing route importing a lib/ admin helper would be caught here) unless
//    its spec declares `privileged: true`: privilege is declared where the endpoint's contract
//    is, and reviewed there. A privileged user-facing endpoint checks the caller itself before
//    the server writes on their behalf (sealed personal data, consent evidence, the payments
//    ledger, a guest's booking reached by its manage token).
// 3. The pipeline's own lazy import does not count as reaching it: at run time db.service
//    throws unless the endpoint is declared privileged.
// Imports are read with a regex (static, re-export, side-effect and dynamic import()); type-only
// imports count too, which errs on the safe side.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SERVICE_CLIENT = "lib/db/service-client.ts";
const PRIVILEGED_FOLDERS = new Set(["webhooks", "cron", "admin"]);
/** lib/ folders that may import the service client besides the privileged ones. */
const LEDGER_FOLDERS = new Set(["ledger"]);
/** The pipeline: it imports the service client lazily and hands it only to privileged specs. */
const PIPELINE = "lib/http/endpoint.ts";
/** How an api/ file declares that it reaches the service client (rule 2). */
const PRIVILEGED_DECLARATION = /\bprivileged:\s*true\b/;
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
  /** api/ files whose source declares `privileged: true`. */
  declared: Set<string>;
}

function importGraph(root: string): ProjectGraph {
  const files = typescriptFiles(root);
  const known = new Set(files);
  const declared = new Set<string>();
  const imports: ImportGraph = new Map(
    files.map((file) => {
      const source = readFileSync(join(root, file), "utf8");
      if (file.startsWith("api/") && PRIVILEGED_DECLARATION.test(source)) declared.add(file);
      const targets = [...source.matchAll(SPECIFIER)]
        .map((match) => resolveSpecifier(file, match[1] ?? "", known))
        .filter((target): target is string => target !== undefined);
      return [file, [...new Set(targets)]];
    }),
  );
  return { imports, declared };
}

const folders = (file: string) => file.split("/").slice(0, -1);

function isPrivilegedFunction(file: string): boolean {
  const [top, first] = folders(file);
  return top === "api" && first !== undefined && PRIVILEGED_FOLDERS.has(first);
}

function mayImportServiceClient(file: string): boolean {
  const [top, ...below] = folders(file);
  if (top === "tests" || file.startsWith("lib/db/") || file === PIPELINE) return true;
  if (top === "lib") {
    return below.some((folder) => PRIVILEGED_FOLDERS.has(folder) || LEDGER_FOLDERS.has(folder));
  }
  return isPrivilegedFunction(file);
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
 * function to read its spec for the OpenAPI document and never runs a handler, so following it
 * from api/openapi.json.ts would flag a privileged function's code that can never run there.
 */
const SPEC_ONLY_IMPORTER = "lib/openapi/routes.ts";

/** For each undeclared api/ function that reaches the service client, the import chain. */
function reachingFunctions({ imports: graph, declared }: ProjectGraph): string[] {
  const functions = [...graph.keys()].filter(
    (file) => file.startsWith("api/") && !isPrivilegedFunction(file) && !declared.has(file),
  );
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
        const specOnly =
          file === SPEC_ONLY_IMPORTER && (isPrivilegedFunction(next) || declared.has(next));
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

describe("who can reach the service client", () => {
  it("is imported directly only by webhooks, cron, admin, ledger, lib/db, the pipeline and tests", () => {
    expect(directViolations(importGraph(REPO_ROOT))).toEqual([]);
  });

  it("is out of reach of every api/ function outside webhooks, cron and admin that does not declare privileged", () => {
    expect(reachingFunctions(importGraph(REPO_ROOT))).toEqual([]);
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
    "lib/db/user-client.ts": 'import { env } from "../env.js";\nexport const userClient = env;',
    "lib/db/index.ts": 'export * from "./service-client.js";',
    "lib/bookings/admin/export.ts": 'import { serviceClient } from "../../db/service-client.js";',
    "lib/bookings/list.ts": 'import { userClient } from "../db/user-client.js";',
    "lib/bookings/report.ts": 'import type { serviceClient } from "../db/service-client.js";',
    "lib/payments/webhooks/stripe.ts": 'import "../../db/service-client.js";',
    "api/bookings/index.ts": 'import { list } from "../../lib/bookings/list.js";',
    "api/admin/export.ts": 'import { x } from "../../lib/bookings/admin/export.js";',
    "api/webhooks/stripe.ts": 'import { y } from "../../lib/payments/webhooks/stripe.js";',
    "api/bookings/[id].ts": 'import {\n  exportAll,\n} from "../../lib/bookings/admin/export.js";',
    "api/shops/admin/members.ts": 'import { x } from "../../../lib/bookings/admin/export.js";',
    "api/everything.ts": 'import * as db from "../lib/db/index.js";',
    "api/lazy.ts": 'const { serviceClient } = await import("../lib/db/service-client.js");',
    "lib/http/endpoint.ts": 'const load = () => import("../db/service-client.js");',
    "api/profile.ts": 'import { endpoint } from "../lib/http/endpoint.js";',
    "api/payments/refund.ts":
      'import { x } from "../../lib/bookings/admin/export.js";\nendpoint({ privileged: true });',
    "api/payments/sneaky.ts":
      'import { x } from "../../lib/bookings/admin/export.js";\n// privileged: false',
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

  it("catches direct imports from outside the privileged folders", () => {
    expect(directViolations(importGraph(root))).toEqual([
      "api/lazy.ts",
      "bench/cold-start.ts",
      "lib/bookings/report.ts",
    ]);
  });

  it("catches api/ functions that reach it through other modules", () => {
    expect(reachingFunctions(importGraph(root))).toEqual([
      "api/bookings/[id].ts → lib/bookings/admin/export.ts → lib/db/service-client.ts",
      "api/everything.ts → lib/db/index.ts → lib/db/service-client.ts",
      "api/lazy.ts → lib/db/service-client.ts",
      "api/payments/sneaky.ts → lib/bookings/admin/export.ts → lib/db/service-client.ts",
      "api/shops/admin/members.ts → lib/bookings/admin/export.ts → lib/db/service-client.ts",
    ]);
  });
});
