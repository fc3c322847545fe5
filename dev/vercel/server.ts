// The API as `vercel dev` would serve it, without a Vercel account: api/ functions under Vercel's
// routing (file-system routes, `[param]` segments, vercel.json rewrites, redirects and headers),
// public/ as static files, and the platform's request headers; /__dev/ pages (dev/tools/) stand in
// for outside services. Edits to api/, lib/, public/ or
// vercel.json take effect on the next request, without a restart.
import { resolve, sep } from "node:path";
import { devRoute } from "../tools/dev-routes.js";
import { type RunningServer, serve } from "../web-server.js";
import { createDeclaredErrorsCheck, type UndeclaredError } from "./declared-errors.js";
import { createFunctionLoader } from "./function-loader.js";
import { handleRequest } from "./handle-request.js";
import { loadProject, type Project } from "./project.js";
import { installRequestContext, settleWork } from "./request-context.js";
import { watchProject } from "./watch-project.js";

export interface ApiServerOptions {
  port: number;
  rootDir: string;
  hostname?: string;
}

export interface ApiServer extends RunningServer {
  /**
   * Problem codes endpoints answered that their operation in the OpenAPI document does not list
   * (dev/vercel/declared-errors.ts), one per method, path and code; each was also warned about.
   */
  undeclaredErrors(): UndeclaredError[];
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const rootDir = resolve(options.rootDir);
  installRequestContext();
  const loader = createFunctionLoader();
  const declaredErrors = createDeclaredErrorsCheck(loader);
  let project: Promise<Project> | undefined;
  const currentProject = () => {
    project ??= loadProject(rootDir).catch((error: unknown) => {
      project = undefined;
      throw error;
    });
    return project;
  };
  // Checked up front so that a broken vercel.json or clashing api/ files stop `npm run dev`.
  await currentProject();

  const watcher = watchProject(rootDir, (path) => {
    // A static file changes only what public/ lists; functions never import from it, so they
    // keep their module state (in-process rate-limit windows, caches) as a running instance would.
    const staticOnly = path === "public" || path.startsWith(`public${sep}`);
    if (project && !staticOnly)
      console.info(`[api] ${path} changed: routes and functions reload on the next request`);
    project = undefined;
    if (!staticOnly) loader.invalidate();
  });
  const server = await serve(
    async (request, context) =>
      (await devRoute(request)) ??
      handleRequest(request, context, await currentProject(), loader, declaredErrors),
    { port: options.port, ...(options.hostname ? { hostname: options.hostname } : {}) },
  ).catch(async (error: unknown) => {
    watcher.close();
    await loader.close();
    throw error;
  });
  return {
    ...server,
    undeclaredErrors: declaredErrors.found,
    async close() {
      watcher.close();
      await settleWork();
      await server.close();
      await loader.close();
    },
  };
}
