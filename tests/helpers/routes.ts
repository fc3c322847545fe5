// The api/ functions of a project, found the way Vercel finds them (every .ts file under api/,
// index.ts serving its folder), so suites generated from them cover every endpoint added later.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { Route } from "../../lib/http/route.js";

export function apiFiles(rootDir: string): string[] {
  const apiDir = join(rootDir, "api");
  return readdirSync(apiDir, { recursive: true, withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** api/notes/index.ts → /api/notes; api/notes/[id].ts → /api/notes/[id] */
export function routePathOf(rootDir: string, file: string): string {
  const path = `/${relative(rootDir, file).replace(/\.ts$/, "")}`;
  return path.replace(/\/index$/, "");
}

export async function loadRoutes(rootDir: string): Promise<Record<string, Route>> {
  const routes: Record<string, Route> = {};
  for (const file of apiFiles(rootDir)) {
    const module = (await import(pathToFileURL(file).href)) as { default: Route };
    routes[routePathOf(rootDir, file)] = module.default;
  }
  return routes;
}
