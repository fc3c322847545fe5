// One consistent view of the project for routing: its route table, its functions and its
// static files. Loaded again after files change, so routes follow new and renamed files.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Route } from "@vercel/routing-utils";
import { findApiFunctions } from "./api-functions.js";
import { createFilesystem, type Filesystem } from "./filesystem.js";
import { findPublicFiles } from "./public-files.js";
import { assertSupportedRoutes } from "./route-resolver.js";
import { buildRoutes, type VercelConfig } from "./routes.js";

export interface Project {
  routes: Route[];
  filesystem: Filesystem;
  /** Function name (`api/bookings/[id]`) → its source file. */
  functionFiles: Map<string, string>;
  /** Served path → file under public/. */
  publicFiles: Map<string, string>;
}

export async function loadProject(rootDir: string): Promise<Project> {
  const config = await readVercelConfig(rootDir);
  const [functions, publicFiles] = await Promise.all([
    findApiFunctions(rootDir),
    findPublicFiles(rootDir, { cleanUrls: Boolean(config.cleanUrls) }),
  ]);
  const routes = buildRoutes(
    functions.map((fn) => fn.entrypoint),
    config,
  );
  assertSupportedRoutes(routes);
  const functionFiles = new Map(functions.map((fn) => [fn.name, fn.file]));
  return {
    routes,
    filesystem: createFilesystem({
      functions: functionFiles.keys(),
      staticFiles: publicFiles.keys(),
    }),
    functionFiles,
    publicFiles,
  };
}

async function readVercelConfig(rootDir: string): Promise<VercelConfig> {
  const text = await readFile(join(rootDir, "vercel.json"), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "{}";
      throw error;
    },
  );
  return JSON.parse(text) as VercelConfig;
}
