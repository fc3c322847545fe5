// A stand-in for Vercel's Node launcher (launcherType "Nodejs"), run as a fresh `node` process
// in a copy of one `.func` directory: it imports the handler file named by .vc-config.json,
// finds the Web handler the way @vercel/node does, serves exactly one HTTP request and exits.
//
// Detection is @vercel/node's `compileUserCode` (src/serverless-functions/serverless-handler.mts,
// shipped in node_modules/@vercel/node/dist/dev-server.mjs): unwrap `default` up to five times;
// the module is a Web handler when it has a `fetch` function or a function named after an HTTP
// method; a `fetch` then serves every method (named exports are ignored), otherwise each named
// method serves itself and any other method is a bare 405.
//
// Node request ⇄ Web Request/Response, by the adapter named on the command line:
// - "node-utils": @edge-runtime/node-utils' buildToNodeHandler with the options @vercel/node's
//   helpers-web.ts passes (duplex: "half", defaultOrigin https://vercel.com): Vercel's own code.
// - "plain": the dependency-free conversion of @vercel/node's bundled API handler
//   (dist/bundling-handler.js, createWebHandler), so timed cold starts do not also time the
//   ~50 ms it takes to load @edge-runtime/primitives.
//
// Usage (from the bench only): node launcher.mjs <handler file> <adapter>, with a pipe on fd 3,
// where it writes one JSON line: {"port","importMs","readyMs"} or {"error"}, and after answering
// a second one: {"lazyImportMs"}.
import { writeSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"];
const CONTROL_FD = 3;

const [handlerFile, adapter = "plain"] = process.argv.slice(2);

function report(message) {
  writeSync(CONTROL_FD, `${JSON.stringify(message)}\n`);
}

function fail(error) {
  report({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(70);
}

async function loadWebHandlers(file) {
  const importStart = performance.now();
  let listener = await import(pathToFileURL(resolve(file)).href);
  const importMs = performance.now() - importStart;
  for (let i = 0; i < 5; i++) {
    if (listener.default) listener = listener.default;
  }
  const isWebHandler =
    HTTP_METHODS.some((method) => typeof listener[method] === "function") ||
    typeof listener.fetch === "function";
  if (!isWebHandler) {
    throw new Error(
      `${file} exports no Web handler: no fetch and no ${HTTP_METHODS.join("/")} function ` +
        "after unwrapping default (what @vercel/node's launcher looks for)",
    );
  }
  const handlers = {};
  for (const method of HTTP_METHODS) {
    const handler = typeof listener.fetch === "function" ? listener.fetch : listener[method];
    if (typeof handler === "function") handlers[method] = handler;
  }
  return { handlers, importMs };
}

function methodNotAllowed(_request, response) {
  response.statusCode = 405;
  response.end();
}

async function nodeUtilsAdapter(handlers) {
  const { buildToNodeHandler } = await import("@edge-runtime/node-utils");
  const toNodeHandler = buildToNodeHandler(
    {
      Headers,
      ReadableStream,
      Request: class extends Request {
        constructor(input, init) {
          super(
            input,
            init === undefined || typeof init === "object" ? { duplex: "half", ...init } : init,
          );
        }
      },
      Uint8Array,
      FetchEvent: class {
        waitUntil() {}
      },
    },
    { defaultOrigin: "https://vercel.com" },
  );
  const byMethod = {};
  for (const method of HTTP_METHODS) {
    byMethod[method] = handlers[method] ? toNodeHandler(handlers[method]) : methodNotAllowed;
  }
  return (request, response) => byMethod[request.method ?? "GET"](request, response);
}

function plainAdapter(handlers) {
  return async (request, response) => {
    const method = request.method ?? "GET";
    const handler = handlers[method];
    if (!handler) return methodNotAllowed(request, response);
    const proto = request.headers["x-forwarded-proto"] || "https";
    const host = request.headers["x-forwarded-host"] || request.headers.host || "localhost";
    const init = { method, headers: request.headers, duplex: "half" };
    if (method !== "GET" && method !== "HEAD") init.body = Readable.toWeb(request);
    const webResponse = await handler(
      new Request(new URL(request.url ?? "/", `${proto}://${host}`), init),
    );
    response.statusCode = webResponse.status;
    for (const [name, value] of webResponse.headers) response.appendHeader(name, value);
    if (webResponse.body) {
      for await (const chunk of webResponse.body) response.write(chunk);
    }
    response.end();
  };
}

try {
  const { handlers, importMs } = await loadWebHandlers(handlerFile);
  const nodeHandler =
    adapter === "node-utils" ? await nodeUtilsAdapter(handlers) : plainAdapter(handlers);
  // An unhandled rejection (a handler that throws past its own error handling) ends the process
  // with a non-zero code, which the bench reports: on Vercel that request would be a 500.
  const server = createServer((request, response) => {
    response.on("finish", () =>
      setImmediate(() => {
        // Route chunks a grouped function's router imported on this first request
        // (dev/build/router.ts): part of this cold start's import time.
        report({ lazyImportMs: globalThis.__bastionLazyImportMs ?? 0 });
        process.exit(0);
      }),
    );
    nodeHandler(request, response);
  });
  server.listen(0, "127.0.0.1", () => {
    report({ port: server.address().port, importMs, readyMs: performance.now() });
  });
} catch (error) {
  fail(error);
}
