// The dev server's routing against Vercel's own: `vercel build` (offline) turns a copy of the
// fixture app into .vercel/output, and for each request path the function or file picked, the
// query parameters added and the route headers must be the same whether the route table and
// filesystem come from that output or from the dev server reading the sources.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Route } from "@vercel/routing-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesystem, type Filesystem } from "../../dev/vercel/filesystem.js";
import { loadProject } from "../../dev/vercel/project.js";
import { type Resolution, resolveRoute } from "../../dev/vercel/route-resolver.js";

const VERCEL_CLI = fileURLToPath(new URL("../../node_modules/.bin/vercel", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/vercel-app", import.meta.url));

const REQUEST_PATHS = [
  "/",
  "/index",
  "/index.html",
  "/nope",
  "/css/site.css",
  "/css/",
  "/api",
  "/api/",
  "/api/index",
  "/api/index.ts",
  "/api/health",
  "/api/health/",
  "/api/health.ts",
  "/API/health",
  "/api/bookings",
  "/api/bookings/",
  "/api/bookings/index",
  "/api/bookings/123",
  "/api/bookings/123/",
  "/api/bookings/123?id=override&x=1",
  "/api/bookings/create",
  "/api/bookings/123/extra",
  "/api/users/42/settings",
  "/api/users/42/settings/",
  "/api/users/42/settings.ts",
  "/api/users/42",
  "/api/nope",
  "/old-bookings/7",
  "/b/7",
];

const VARIANTS = [
  {
    name: "the fixture's vercel.json (cleanUrls, a rewrite, a header rule)",
    vercelJson: undefined,
  },
  {
    name: "trailingSlash, parameterised redirect and rewrite, no cleanUrls",
    vercelJson: {
      trailingSlash: true,
      redirects: [{ source: "/old-bookings/:id", destination: "/api/bookings/:id" }],
      rewrites: [{ source: "/b/:id", destination: "/api/bookings/:id?source=short" }],
    },
  },
];

interface Deployment {
  routes: Route[];
  filesystem: Filesystem;
}

describe.each(VARIANTS)("routing with $name", ({ vercelJson }) => {
  let appDir: string;
  let built: Deployment;
  let dev: Deployment;

  beforeAll(async () => {
    appDir = await mkdtemp(join(tmpdir(), "vercel-router-"));
    await cp(FIXTURE, appDir, { recursive: true });
    if (vercelJson) await writeFile(join(appDir, "vercel.json"), JSON.stringify(vercelJson));
    await buildOffline(appDir);
    built = await readBuildOutput(join(appDir, ".vercel", "output"));
    dev = await loadProject(appDir);
  }, 180_000);

  afterAll(async () => {
    if (appDir) await rm(appDir, { recursive: true, force: true });
  });

  it("has the route table vercel build writes", () => {
    expect(dev.routes).toEqual(built.routes);
  });

  it.each(REQUEST_PATHS)("routes %s as the deployment does", (path) => {
    expect(outcome(dev, path)).toEqual(outcome(built, path));
  });
});

describe("what the fixture's deployment serves", () => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await loadProject(FIXTURE);
  });

  it.each([
    ["/api", { serve: "function:api/index", query: "" }],
    ["/api/health", { serve: "function:api/health", query: "" }],
    ["/api/bookings", { serve: "function:api/bookings/index", query: "" }],
    ["/api/bookings/123", { serve: "function:api/bookings/[id]", query: "id=123" }],
    ["/api/bookings/create", { serve: "function:api/bookings/index", query: "" }],
    [
      "/api/users/42/settings",
      { serve: "function:api/users/[userId]/settings", query: "userId=42" },
    ],
    ["/", { serve: "static:index", query: "" }],
  ])("serves %s from %o", (path, expected) => {
    expect(outcome(deployment, path)).toMatchObject(expected);
  });

  it.each([
    ["/api/nope", { status: 404 }],
    ["/api/bookings/123/extra", { status: 404 }],
    ["/nope", { status: 404 }],
    ["/api/health.ts", { status: 308, redirect: "/api/health" }],
    ["/index.html", { status: 308, redirect: "/" }],
  ])("answers %s with %o", (path, expected) => {
    expect(outcome(deployment, path)).toMatchObject(expected);
  });
});

function outcome(deployment: Deployment, path: string): Record<string, unknown> {
  const url = new URL(path, "http://localhost");
  const resolution: Resolution = resolveRoute(deployment.routes, deployment.filesystem, {
    method: "GET",
    pathname: url.pathname,
    query: url.searchParams,
  });
  switch (resolution.type) {
    case "serve":
      return {
        serve: `${resolution.entry.type}:${resolution.entry.path}`,
        status: resolution.status,
        query: resolution.addedQuery.toString(),
        headers: resolution.headers,
      };
    case "redirect":
      return {
        redirect: resolution.location,
        status: resolution.status,
        headers: resolution.headers,
      };
    case "status":
      return { status: resolution.status, headers: resolution.headers };
  }
}

/**
 * `vercel build` with no account and no network: a local project link whose settings stand in
 * for the ones `vercel pull` would fetch, no install step (neither the project's nor the one
 * @vercel/node runs per function), no telemetry.
 */
async function buildOffline(appDir: string): Promise<void> {
  await mkdir(join(appDir, ".vercel"));
  await writeFile(
    join(appDir, ".vercel", "project.json"),
    JSON.stringify({
      projectId: "prj_local",
      orgId: "team_local",
      settings: { framework: null, installCommand: "" },
    }),
  );
  await promisify(execFile)(VERCEL_CLI, ["build"], {
    cwd: appDir,
    env: { ...process.env, VERCEL_TELEMETRY_DISABLED: "1", VERCEL_INSTALL_COMPLETED: "1" },
    timeout: 170_000,
  });
}

/** The deployment as Build Output API v3 describes it: config.json, functions/, static/. */
async function readBuildOutput(outputDir: string): Promise<Deployment> {
  const config = JSON.parse(await readFile(join(outputDir, "config.json"), "utf8")) as {
    routes: Route[];
    overrides?: Record<string, { path?: string }>;
  };
  const functionsDir = join(outputDir, "functions");
  const functions = (await readdir(functionsDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && entry.name.endsWith(".func"))
    .map((entry) => toPosix(relative(functionsDir, join(entry.parentPath, entry.name))))
    .map((name) => name.slice(0, -".func".length));
  const staticDir = join(outputDir, "static");
  const staticFiles = (await readdir(staticDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => toPosix(relative(staticDir, join(entry.parentPath, entry.name))))
    .map((file) => config.overrides?.[file]?.path ?? file);
  return { routes: config.routes, filesystem: createFilesystem({ functions, staticFiles }) };
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
