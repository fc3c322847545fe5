// Every route of a Build Output directory, reached the way a request reaches it on Vercel: the
// route's probe path (probes.ts) goes through the output's own config.json route table, evaluated
// by the dev server's router (dev/vercel/route-resolver.ts), to the function that serves it, with
// the query parameters the routes add (`id` of `[id]`, the grouped shape's route name). Works for
// any shape: `vercel build`'s, and `npm run build`'s per-route and grouped outputs.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Route } from "@vercel/routing-utils";
import { createFilesystem } from "../dev/vercel/filesystem.js";
import { resolveRoute } from "../dev/vercel/route-resolver.js";
import type { BuiltFunction } from "./functions.js";
import { type Probe, probeFor } from "./probes.js";

export interface RoutedProbe {
  /** The api/ function (route) the request is for, e.g. `api/bookings/[id]`. */
  route: string;
  /** The output function that serves it (the route's own, or its group's). */
  functionName: string;
  /** The probe, its path carrying the query the routing added. */
  probe: Probe;
}

export async function routeProbes(
  outputDir: string,
  functions: BuiltFunction[],
  routes: string[],
): Promise<RoutedProbe[]> {
  const config = JSON.parse(await readFile(join(outputDir, "config.json"), "utf8")) as {
    routes: Route[];
    overrides?: Record<string, { path?: string }>;
  };
  const filesystem = createFilesystem({
    functions: functions.map((fn) => fn.name),
    staticFiles: await staticPaths(join(outputDir, "static"), config.overrides ?? {}),
  });
  return routes.map((route) => {
    const probe = probeFor(route);
    // A folder's index is served at the folder's path (`/api/bookings`).
    const url = new URL(probe.path.replace(/\/index(?=$|\?)/, ""), "https://routing.invalid");
    const resolution = resolveRoute(config.routes, filesystem, {
      method: probe.method,
      pathname: url.pathname,
      query: url.searchParams,
    });
    if (resolution.type !== "serve" || resolution.entry.type !== "function") {
      throw new Error(
        `${probe.method} ${probe.path} (${route}) reaches no function in ${outputDir}: ${JSON.stringify(resolution)}`,
      );
    }
    const query = new URLSearchParams(url.searchParams);
    for (const [name, value] of resolution.addedQuery) query.append(name, value);
    const search = query.toString();
    return {
      route,
      functionName: resolution.entry.path,
      probe: { ...probe, path: search ? `${url.pathname}?${search}` : url.pathname },
    };
  });
}

async function staticPaths(
  staticDir: string,
  overrides: Record<string, { path?: string }>,
): Promise<string[]> {
  const entries = await readdir(staticDir, { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(staticDir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .map((path) => overrides[path]?.path ?? path);
}
