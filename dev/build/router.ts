// The source of a group function's entry (grouped shape): a tiny router, written as is (not
// bundled), that reads which route Vercel's routing chose (the ROUTE_PARAMETER the group's routes
// in config.json add), imports that route's own bundle (the same files its per-route function
// has, side by side in the group's .func) on first use, and hands it the request without the
// parameter, so the route sees the same URL as in its own function. Nothing else is imported up
// front.
//
// The route name comes from the query, where a client's own parameter would win over the one a
// route adds (as with `?id=`): a client can pick another route of the same group, which is the
// same as requesting that route's own path. A name that is not a route of the group is a 404.
import { ROUTE_PARAMETER } from "./groups.js";

/** Set on globalThis by a group router: ms spent importing route chunks (read by the bench). */
export const LAZY_IMPORT_MS = "__bastionLazyImportMs";

export function routerSource(routes: { name: string; specifier: string }[]): string {
  const table = routes
    .map(
      (route) =>
        `  ${JSON.stringify(route.name)}: () => import(${JSON.stringify(route.specifier)}),`,
    )
    .join("\n");
  return `const ROUTES = {
${table}
};
const handlers = new Map();
globalThis.${LAZY_IMPORT_MS} = 0;

async function handlerOf(name) {
  let handler = handlers.get(name);
  if (handler) return handler;
  const startedAt = performance.now();
  let listener = await ROUTES[name]();
  globalThis.${LAZY_IMPORT_MS} += performance.now() - startedAt;
  for (let i = 0; i < 5 && listener.default; i++) listener = listener.default;
  if (typeof listener.fetch === "function") {
    handler = (request) => listener.fetch(request);
  } else {
    handler = (request) => {
      const method = listener[request.method];
      return typeof method === "function" ? method(request) : new Response(null, { status: 405 });
    };
  }
  handlers.set(name, handler);
  return handler;
}

function notFound() {
  return Response.json(
    { type: "about:blank", title: "Not Found", status: 404, detail: "No such route" },
    { status: 404, headers: { "content-type": "application/problem+json" } },
  );
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const name = url.searchParams.get(${JSON.stringify(ROUTE_PARAMETER)});
    if (!name || !Object.hasOwn(ROUTES, name)) return notFound();
    url.searchParams.delete(${JSON.stringify(ROUTE_PARAMETER)});
    const handler = await handlerOf(name);
    const init = { method: request.method, headers: request.headers, signal: request.signal };
    if (request.body) {
      init.body = request.body;
      init.duplex = "half";
    }
    return handler(new Request(url, init));
  },
};
`;
}
