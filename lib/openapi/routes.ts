// Every api/ function, by its route path. The OpenAPI document and the security test matrix are
// generated from this list; a test fails when an api/ file is missing from it.
import health from "../../api/health.js";
import openapi from "../../api/openapi.json.js";
import type { Route } from "../http/route.js";

export const ROUTES: Record<string, Route> = {
  "/api/health": health,
  "/api/openapi.json": openapi,
};
