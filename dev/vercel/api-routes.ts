// The routes `vercel build` derives from the api/ directory (zero-config, as @vercel/fs-detectors
// does it with `featHandleMiss`): dynamic `[param]` files become rewrites whose dest carries the
// captured segments as query parameters, `.ts` and `/index` URLs redirect or rewrite to the clean
// path, and anything else under /api is a 404. Static function paths need no route: the
// filesystem phase serves them by name.
import { extname, parse } from "node:path";
import type { Route } from "@vercel/routing-utils";

export interface ApiRouteOptions {
  cleanUrls?: boolean | undefined;
  trailingSlash?: boolean | undefined;
}

export interface ApiRoutes {
  redirectRoutes: Route[];
  rewriteRoutes: Route[];
  errorRoutes: Route[];
  defaultRoutes: Route[];
}

export function buildApiRoutes(entrypoints: string[], options: ApiRouteOptions): ApiRoutes {
  const sorted = [...entrypoints].sort(compareBySegments);
  assertNoConflicts(sorted);
  const redirectRoutes: Route[] = [];
  const defaultRoutes: Route[] = [];
  const rewriteRoutes = sorted
    .filter(isDynamic)
    .map((entrypoint) => routeForEntrypoint(entrypoint, Boolean(options.cleanUrls)));
  const extensions = [...new Set(sorted.map((entrypoint) => extname(entrypoint).slice(1)))];
  if (extensions.length > 0) {
    const extGroup = `(?:\\.(?:${extensions.join("|")}))`;
    const slash = options.trailingSlash ? "/" : "";
    if (options.cleanUrls) {
      redirectRoutes.push(
        {
          src: `^/(api(?:.+)?)/index${extGroup}?/?$`,
          headers: { Location: `/$1${slash}` },
          status: 308,
        },
        {
          src: `^/api/(.+)${extGroup}/?$`,
          headers: { Location: `/api/$1${slash}` },
          status: 308,
        },
      );
    } else {
      defaultRoutes.push(
        { handle: "miss" },
        { src: `^/api/(.+)${extGroup}$`, dest: "/api/$1", check: true },
      );
    }
    rewriteRoutes.push({ src: "^/api(/.*)?$", status: 404 });
  }
  const errorRoutes: Route[] = [
    { status: 404, src: "^(?!/api).*$", dest: options.cleanUrls ? "/404" : "/404.html" },
  ];
  return { redirectRoutes, rewriteRoutes, errorRoutes, defaultRoutes };
}

/**
 * `[name]` segments match one path segment each and reach the function as `?name=value`; the
 * last segment also matches with a trailing slash, and with its extension unless cleanUrls.
 */
function routeForEntrypoint(entrypoint: string, cleanUrls: boolean): Route {
  const parts = entrypoint.split("/");
  const query: string[] = [];
  const srcParts = parts.map((segment, index) => {
    const name = dynamicSegmentName(segment);
    if (name !== null) {
      query.push(`${name}=$${query.length + 1}`);
      return "([^/]+)";
    }
    if (index < parts.length - 1) return segment;
    const { name: fileName, ext } = parse(segment);
    const isIndex = fileName === "index";
    const prefix = isIndex ? "/" : "";
    const names = [
      isIndex ? prefix : `${fileName}/`,
      prefix + escapeRegExp(fileName),
      cleanUrls ? "" : prefix + escapeRegExp(fileName + ext),
    ].filter(Boolean);
    return `(${names.join("|")})${isIndex ? "?" : ""}`;
  });
  const isIndex = parse(entrypoint).name === "index";
  const src = isIndex
    ? `^/${srcParts.slice(0, -1).join("/")}${srcParts.at(-1)}$`
    : `^/${srcParts.join("/")}$`;
  const extensionless = entrypoint.slice(0, -extname(entrypoint).length);
  return { src, dest: `/${extensionless}?${query.join("&")}`, check: true };
}

function isDynamic(entrypoint: string): boolean {
  return entrypoint.split("/").some((segment) => dynamicSegmentName(segment) !== null);
}

/** `[id].ts` → `id`. Vercel has no catch-all for plain functions: `[...slug]` is one segment named `...slug`. */
function dynamicSegmentName(segment: string): string | null {
  const { name } = parse(segment);
  return name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[[\]^$.|?*+()]/g, "\\$&");
}

/** fs-detectors' order: deeper paths first, then fewer trailing dynamic segments, then by name. */
function compareBySegments(a: string, b: string): number {
  const depth = b.split("/").length - a.split("/").length;
  if (depth !== 0) return depth;
  const trailingDynamic = (path: string) =>
    path.split("/").reduce((count, segment) => (dynamicSegmentName(segment) ? count + 1 : 0), 0);
  const dynamic = trailingDynamic(a) - trailingDynamic(b);
  return dynamic !== 0 ? dynamic : a.localeCompare(b);
}

/** `vercel build` refuses two files that serve the same paths, so the dev server does too. */
function assertNoConflicts(entrypoints: string[]): void {
  const seen = new Map<string, string>();
  for (const entrypoint of entrypoints) {
    const { dir, name } = parse(entrypoint);
    const shape = `${dir}/${name}`.replace(/\[[^/]*\]/g, "[]");
    const other = seen.get(shape);
    if (other) throw new Error(`"${entrypoint}" and "${other}" serve the same paths; rename one`);
    seen.set(shape, entrypoint);
    const repeated = dynamicNames(entrypoint).find((segment, i, all) => all.indexOf(segment) !== i);
    if (repeated) throw new Error(`The segment "${repeated}" occurs twice in "${entrypoint}"`);
  }
}

function dynamicNames(entrypoint: string): string[] {
  return entrypoint.split("/").flatMap((segment) => dynamicSegmentName(segment) ?? []);
}
