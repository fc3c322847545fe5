// Every api/ function, by its route path. The OpenAPI document and the security test matrix are
// generated from this list; a test fails when an api/ file is missing from it.
import health from "../../api/health.js";
import openapi from "../../api/openapi.json.js";
import type { Route } from "../http/route.js";

/**
 * A function, not a constant: api/openapi.json.ts imports this module, so while it loads its
 * own export is not defined yet. By the time a request asks, every module has finished.
 */
export function routes(): Record<string, Route> {
  return {
    "/api/health": health,
    "/api/openapi.json": openapi,
  };
}
