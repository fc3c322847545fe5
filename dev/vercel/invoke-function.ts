// Calls a function module's Web handler for a request as @vercel/node does: named method exports
// (GET, POST, …), or a `fetch` export that then serves every method, found after unwrapping up
// to five `default` exports. A method the module does not export is 405; Vercel sends no Allow header
// and no body, the dev server adds Allow so the cause shows. HEAD and OPTIONS are not derived
// from GET: a module that wants CORS preflights exports OPTIONS, on Vercel as here.
import type { FunctionModule } from "./function-loader.js";

const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"] as const;

type WebHandler = (request: Request) => Response | Promise<Response>;

export async function invokeFunction(module: FunctionModule, request: Request): Promise<Response> {
  const handlers = webHandlers(module);
  if (handlers.size === 0) {
    throw new Error(`exports no Web handler (${HTTP_METHODS.join(", ")} or fetch)`);
  }
  const handler = handlers.get(request.method);
  if (!handler) {
    return new Response(null, { status: 405, headers: { allow: [...handlers.keys()].join(", ") } });
  }
  const response: unknown = await handler(request);
  if (!(response instanceof Response)) {
    throw new Error(`the ${request.method} handler returned ${typeof response}, not a Response`);
  }
  return response;
}

function webHandlers(module: FunctionModule): Map<string, WebHandler> {
  let listener: Record<string, unknown> = module;
  for (let depth = 0; depth < 5 && isObjectLike(listener.default); depth++) {
    listener = listener.default as Record<string, unknown>;
  }
  const handlers = new Map<string, WebHandler>();
  for (const method of HTTP_METHODS) {
    const handler = typeof listener.fetch === "function" ? listener.fetch : listener[method];
    if (typeof handler === "function") handlers.set(method, handler as WebHandler);
  }
  return handlers;
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}
