// The route table of a deployment, assembled as `vercel build` writes it to
// .vercel/output/config.json: vercel.json's rewrites, redirects, headers, cleanUrls and
// trailingSlash (converted by Vercel's own @vercel/routing-utils) merged with the routes of the
// api/ directory.
import {
  appendRoutesToPhase,
  type GetRoutesProps,
  getTransformedRoutes,
  mergeRoutes,
  type Route,
} from "@vercel/routing-utils";
import { buildApiRoutes } from "./api-routes.js";

/** The routing part of vercel.json; the rest of the file does not affect routing. */
export type VercelConfig = GetRoutesProps;

export function buildRoutes(apiEntrypoints: string[], config: VercelConfig): Route[] {
  const userRoutes = getTransformedRoutes(config);
  if (userRoutes.error) throw new Error(`vercel.json: ${userRoutes.error.message}`);
  const api = buildApiRoutes(apiEntrypoints, config);
  const zeroConfigRoutes = appendRoutesToPhase({
    routes: [
      ...api.redirectRoutes,
      ...appendRoutesToPhase({ routes: [], newRoutes: api.rewriteRoutes, phase: "filesystem" }),
    ],
    newRoutes: api.errorRoutes,
    phase: "error",
  });
  zeroConfigRoutes.push(...api.defaultRoutes);
  return mergeRoutes({
    userRoutes: userRoutes.routes,
    builds: [{ use: "@vercel/zero-config-routes", entrypoint: "/", routes: zeroConfigRoutes }],
  });
}
