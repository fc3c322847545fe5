// Holds every problem+json answer of an endpoint to what /docs says it answers: the codes
// errorCodes() in lib/openapi/document.ts lists for that operation (the pipeline's own, from what
// the spec switches on, plus the spec's `errors`), which the OpenAPI document and the typed client
// are made from. An answer with a code missing there is a contract violation: `npm run dev` warns
// about it, and the test API fails the test file that provoked it (tests/helpers/api.ts).
// Functions that are not built with route() (lib/http/route.ts) have no spec and are not checked.
import { fileURLToPath } from "node:url";
import type { Endpoint } from "../../lib/http/endpoint.js";
import type { FunctionLoader, FunctionModule } from "./function-loader.js";

type DocumentModule = typeof import("../../lib/openapi/document.js");

// Loaded with the functions (the same module generation), so an edit to it counts on the next
// request, as an edit to a spec does.
const DOCUMENT_FILE = fileURLToPath(new URL("../../lib/openapi/document.ts", import.meta.url));

export interface UndeclaredError {
  method: string;
  /** The route path, as the OpenAPI document names it: `/api/bookings/[id]`. */
  path: string;
  code: string;
  status: number;
  /** The codes the endpoint's operation documents. */
  documented: readonly string[];
}

export function describeUndeclaredError({
  method,
  path,
  code,
  status,
  documented,
}: UndeclaredError) {
  return `${method} ${path} answered ${code} (${status}) but its spec lists only ${documented.join(", ")}`;
}

export interface DeclaredErrorsCheck {
  /** Records (and warns about, once per method, path and code) an undocumented problem code. */
  check(
    exchange: { module: FunctionModule; functionName: string; request: Request },
    response: Response,
  ): Promise<void>;
  /** Every undocumented answer seen so far, one per method, path and code. */
  found(): UndeclaredError[];
}

export function createDeclaredErrorsCheck(loader: FunctionLoader): DeclaredErrorsCheck {
  const found = new Map<string, UndeclaredError>();
  return {
    async check({ module, functionName, request }, response) {
      if (!response.body || !isProblem(response)) return;
      const endpoint = endpointFor(module, request.method);
      if (!endpoint) return;
      const code = await problemCode(response);
      if (code === undefined) return;
      let documented: readonly string[];
      try {
        const { errorCodes } = (await loader.load(DOCUMENT_FILE)) as unknown as DocumentModule;
        documented = errorCodes(endpoint);
      } catch (error) {
        // Mid-edit, say: the answer still goes out, unchecked.
        console.warn("[api] could not check the answer's problem code against its spec", error);
        return;
      }
      if (documented.includes(code)) return;
      const method = request.method === "HEAD" ? "GET" : request.method;
      // As the OpenAPI document names it: api/bookings/index → /api/bookings.
      const path = `/${functionName}`.replace(/\/index$/, "");
      const key = `${method} ${path} ${code}`;
      if (found.has(key)) return;
      const undeclared = { method, path, code, status: response.status, documented };
      found.set(key, undeclared);
      console.warn(
        `[api] ${describeUndeclaredError(undeclared)}: add "${code}" to its spec's errors so /docs and the typed client list it, or fix the answer`,
      );
    },
    found: () => [...found.values()],
  };
}

function isProblem(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("application/problem+json");
}

/** The endpoint serving this method in a route() module; HEAD is served by GET. */
function endpointFor(module: FunctionModule, method: string): Endpoint | undefined {
  let exported: unknown = module;
  for (let depth = 0; depth < 5 && isObject(exported) && !("endpoints" in exported); depth++) {
    exported = exported.default;
  }
  if (!isObject(exported) || !isObject(exported.endpoints)) return undefined;
  const endpoint = exported.endpoints[method === "HEAD" ? "GET" : method];
  return isObject(endpoint) && isObject(endpoint.spec)
    ? (endpoint as unknown as Endpoint)
    : undefined;
}

/** The `code` of a problem body, read from a copy so the client still gets the whole body. */
async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    return isObject(body) && typeof body.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
