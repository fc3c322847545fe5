// Evaluates a Build Output API route table (config.json `routes`) for one request, following
// `vercel dev`'s router: routes before `handle: filesystem` first, then the filesystem, then the
// routes after it (each `check: true` rewrite only lands if its destination exists, else the
// `miss` routes run), and the `error` routes when nothing was found. Headers of every matched
// route accumulate, `continue` routes keep going, and a rewrite's query parameters are added to
// the request's own, which win on a clash (as on Vercel, `?id=x` overrides a `[id]` segment).
import { isHandler, type Route, type RouteWithSrc } from "@vercel/routing-utils";
import type { Filesystem, FilesystemEntry } from "./filesystem.js";

export interface RoutingRequest {
  method: string;
  /** The path as the client sent it, still percent-encoded: what `src` patterns match. */
  pathname: string;
  query: URLSearchParams;
}

export type Resolution =
  | {
      type: "serve";
      entry: FilesystemEntry;
      /** Set when a route imposes one, e.g. the 404 page. */
      status: number | undefined;
      /** Parameters the rewrites that led here add to the request's query (`id` of `[id]`). */
      addedQuery: URLSearchParams;
      headers: Record<string, string>;
    }
  | { type: "redirect"; status: number; location: string; headers: Record<string, string> }
  | { type: "status"; status: number; headers: Record<string, string> };

type Phase = "filesystem" | "miss" | "error" | null;

interface RoutingState {
  path: string;
  requestQuery: URLSearchParams;
  addedQuery: URLSearchParams;
  headers: Record<string, string>;
  status: number | undefined;
}

interface TerminalMatch {
  route: RouteWithSrc;
}

interface Context {
  filesystem: Filesystem;
  method: string;
  missRoutes: RouteWithSrc[];
}

const SUPPORTED_PHASES = new Set(["filesystem", "miss", "error"]);
const SUPPORTED_FIELDS = new Set([
  "src",
  "dest",
  "headers",
  "methods",
  "continue",
  "check",
  "status",
]);

/** Fails loudly on route features this evaluator does not implement, rather than misroute. */
export function assertSupportedRoutes(routes: Route[]): void {
  for (const route of routes) {
    if (isHandler(route)) {
      if (!SUPPORTED_PHASES.has(route.handle)) {
        throw new Error(`The dev server does not implement "handle": "${route.handle}"`);
      }
      continue;
    }
    const unsupported = Object.keys(route).filter((field) => !SUPPORTED_FIELDS.has(field));
    if (unsupported.length > 0) {
      throw new Error(`The dev server does not implement route field(s) ${unsupported.join(", ")}`);
    }
    if (route.dest && isUrl(route.dest)) {
      throw new Error(`The dev server does not proxy rewrites to other origins (${route.dest})`);
    }
  }
}

export function resolveRoute(
  routes: Route[],
  filesystem: Filesystem,
  request: RoutingRequest,
): Resolution {
  const phases = groupByPhase(routes);
  const context: Context = {
    filesystem,
    method: request.method,
    missRoutes: phases.get("miss") ?? [],
  };
  const state: RoutingState = {
    path: request.pathname,
    requestQuery: request.query,
    addedQuery: new URLSearchParams(),
    headers: {},
    status: undefined,
  };
  for (const phase of [null, "filesystem"] as const) {
    const match = runRoutes(phases.get(phase) ?? [], state, context, phase);
    const exit = exitWithStatus(match, state);
    if (exit) return exit;
    const entry = filesystem(state.path) ?? lookUpAfterMiss(state, context);
    if (entry) return serve(entry, state);
  }
  const errorMatch = runRoutes(phases.get("error") ?? [], state, context, "error");
  const entry = errorMatch?.route.dest ? filesystem(state.path) : undefined;
  if (entry) return serve(entry, state);
  return (
    exitWithStatus(errorMatch, state) ?? { type: "status", status: 404, headers: state.headers }
  );
}

function groupByPhase(routes: Route[]): Map<Phase, RouteWithSrc[]> {
  const phases = new Map<Phase, RouteWithSrc[]>([[null, []]]);
  let phase: Phase = null;
  for (const route of routes) {
    if (isHandler(route)) {
      phase = route.handle as Phase;
      phases.set(phase, phases.get(phase) ?? []);
    } else {
      phases.get(phase)?.push(route);
    }
  }
  return phases;
}

/** Applies matching routes in order until one ends the phase; returns that one. */
function runRoutes(
  routes: RouteWithSrc[],
  state: RoutingState,
  context: Context,
  phase: Phase,
): TerminalMatch | undefined {
  for (const route of routes) {
    if (route.methods && !route.methods.includes(context.method)) continue;
    // Case-sensitive, as `vercel dev` matches on a case-sensitive filesystem.
    const match = new RegExp(route.src).exec(state.path);
    if (!match) continue;
    const dest = route.dest === undefined ? undefined : substitute(route.dest, match);
    for (const [name, value] of Object.entries(route.headers ?? {})) {
      state.headers[name.toLowerCase()] = substitute(value, match);
    }
    if (route.continue) {
      if (dest !== undefined) applyDest(state, dest);
      if (route.status) state.status = route.status;
      continue;
    }
    if (dest !== undefined && route.check && !route.status && !context.filesystem(pathOf(dest))) {
      applyDest(state, dest);
      if (phase !== "miss" && context.missRoutes.length > 0) {
        const missMatch = runRoutes(context.missRoutes, state, context, "miss");
        if (missMatch) return missMatch;
      }
      continue;
    }
    if (dest !== undefined) applyDest(state, dest);
    if (route.status) state.status = route.status;
    return { route };
  }
  return undefined;
}

function lookUpAfterMiss(state: RoutingState, context: Context): FilesystemEntry | undefined {
  if (context.missRoutes.length === 0) return undefined;
  return runRoutes(context.missRoutes, state, context, "miss")
    ? context.filesystem(state.path)
    : undefined;
}

/** A redirect, or a status route without a destination (`^/api(/.*)?$` → 404), ends routing. */
function exitWithStatus(
  match: TerminalMatch | undefined,
  state: RoutingState,
): Resolution | undefined {
  if (!match || !state.status) return undefined;
  const location = state.headers.location ?? match.route.dest;
  if (state.status >= 300 && state.status < 400 && location) {
    return { type: "redirect", status: state.status, location, headers: state.headers };
  }
  if (match.route.dest === undefined) {
    return { type: "status", status: state.status, headers: state.headers };
  }
  return undefined;
}

function serve(entry: FilesystemEntry, state: RoutingState): Resolution {
  const { status, addedQuery, headers } = state;
  return { type: "serve", entry, status, addedQuery, headers };
}

/** `$1` is a numbered capture, `$name` a named one (named ones win, as in Vercel's router). */
function substitute(template: string, match: RegExpExecArray): string {
  return template.replace(/\$([1-9a-zA-Z]+)/g, (_, key: string) => {
    const named = match.groups?.[key];
    if (named !== undefined) return named;
    return match[Number.parseInt(key, 10)] ?? "";
  });
}

function applyDest(state: RoutingState, dest: string): void {
  const [path = "", search = ""] = dest.split(/\?(.*)/s, 2);
  state.path = path.startsWith("/") ? path : `/${path}`;
  const destQuery = new URLSearchParams(search);
  for (const name of new Set(destQuery.keys())) {
    if (state.requestQuery.has(name) || state.addedQuery.has(name)) continue;
    for (const value of destQuery.getAll(name)) state.addedQuery.append(name, value);
  }
}

function pathOf(dest: string): string {
  return dest.split("?", 1)[0] ?? dest;
}

function isUrl(dest: string): boolean {
  return /^https?:\/\//i.test(dest);
}
