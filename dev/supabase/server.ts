// The Supabase-compatible API of the local stack: /rest/v1 (PostgREST subset), /auth/v1
// (GoTrue subset) and /realtime/v1 (Realtime's broadcast subset) over one Postgres, behind the same API-key gate Supabase's gateway applies;
// and the background processes of the extensions it plays: pg_net's worker, which performs the
// HTTP requests the database queues, and, when asked for, pg_cron's scheduler.

import { type RunningServer, serve } from "../web-server.js";
import { type AuthSettings, createAuthApi } from "./auth/index.js";
import { type Database, openDatabase } from "./database.js";
import { configureDatabaseWebhooks, type DatabaseWebhookTarget } from "./database-webhooks.js";
import { type CronScheduler, createCronScheduler } from "./extensions/cron-scheduler.js";
import { emulatedExtensions } from "./extensions/index.js";
import { type NetWorker, startNetWorker } from "./extensions/net-worker.js";
import { loadSigningKeys, type SigningKeys } from "./keys.js";
import { type MigrationPlan, migrate } from "./migrate.js";
import {
  createRealtime,
  isRealtimeSocketPath,
  REALTIME_PREFIX,
  type Realtime,
  rejectUpgrade,
} from "./realtime/index.js";
import { createRestApi } from "./rest/index.js";

export interface SupabaseOptions extends MigrationPlan {
  port: number;
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined = in memory. */
  dataDir?: string | undefined;
  /** Where the signing key and API keys persist; undefined = new keys in memory. */
  keysFile?: string | undefined;
  auth?: AuthSettings | undefined;
  /**
   * Run pg_cron's jobs on the clock (`npm run dev`). Off by default, so a test's jobs run only
   * when the test ticks a scheduler of its own.
   */
  runSchedules?: boolean | undefined;
}

export interface RunningSupabase extends RunningServer {
  anonKey: string;
  serviceRoleKey: string;
  db: Database;
  keys: SigningKeys;
  migrationsApplied: string[];
  /** pg_net's worker; undefined when the database has the real extension. */
  net: NetWorker | undefined;
  /** /realtime/v1: the WebSocket endpoint and the broadcast API. */
  realtime: Realtime;
  /** Where the database's calls go (Vault), or null to stop them. */
  configureDatabaseWebhooks(target: DatabaseWebhookTarget | null): Promise<void>;
}

export async function startSupabase(options: SupabaseOptions): Promise<RunningSupabase> {
  const [db, keys] = await Promise.all([
    openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir }),
    loadSigningKeys(options.keysFile),
  ]);
  let net: NetWorker | undefined;
  let scheduler: CronScheduler | undefined;
  let realtime: Realtime | undefined;
  const stopBackground = async () => {
    await realtime?.close();
    await scheduler?.stop();
    await net?.stop();
  };
  try {
    const migrationsApplied = await migrate(db, options);
    const emulated = await emulatedExtensions(db);
    if (emulated.has("pg_net")) net = await startNetWorker(db);
    if (options.runSchedules && emulated.has("pg_cron")) {
      scheduler = createCronScheduler(db);
      scheduler.start();
    }
    const rest = await createRestApi({ db, keys });
    const live = await createRealtime({ db, keys });
    realtime = live;
    let publicUrl = "";
    const auth = createAuthApi({ db, keys, publicUrl: () => publicUrl, ...options.auth });
    const apiKeys = new Set([keys.anonKey, keys.serviceRoleKey]);
    const server = await serve(
      async (request) => {
        const { pathname } = new URL(request.url);
        if (request.method === "OPTIONS") return preflight(request);
        // Supabase's gateway lets these through without a key: a public JWKS, the recovery link
        // a person clicks in an email, and the OAuth start a browser is sent to.
        const isOpen = OPEN_PATHS.has(pathname);
        if (!isOpen) {
          const apiKey =
            request.headers.get("apikey") ?? new URL(request.url).searchParams.get("apikey");
          if (!apiKey) return gatewayError("No API key found in request");
          if (!apiKeys.has(apiKey)) return gatewayError("Invalid API key");
        }
        const response = pathname.startsWith("/rest/v1/")
          ? await rest(request, pathname.slice("/rest/v1/".length))
          : pathname.startsWith("/auth/v1/")
            ? await auth(request, pathname.slice("/auth/v1/".length))
            : pathname.startsWith(REALTIME_PREFIX)
              ? await live.handle(request, pathname.slice(REALTIME_PREFIX.length))
              : Response.json({ message: "no Route matched with those values" }, { status: 404 });
        return withCors(request, response);
      },
      {
        port: options.port,
        // The Realtime WebSocket, behind the same key check (the key comes as ?apikey=).
        onUpgrade: (request, socket, head) => {
          const url = new URL(request.url ?? "/", "http://localhost");
          if (!isRealtimeSocketPath(url.pathname)) {
            return rejectUpgrade(socket, 404, "no Route matched with those values");
          }
          const apiKey = url.searchParams.get("apikey") ?? request.headers.apikey;
          if (!apiKey) return rejectUpgrade(socket, 401, "No API key found in request");
          if (typeof apiKey !== "string" || !apiKeys.has(apiKey)) {
            return rejectUpgrade(socket, 401, "Invalid API key");
          }
          live.upgrade(request, socket, head);
        },
      },
    );
    publicUrl = server.url;
    return {
      ...server,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      db,
      keys,
      migrationsApplied,
      net,
      realtime: live,
      configureDatabaseWebhooks: (target) => configureDatabaseWebhooks(db, target),
      close: async () => {
        // Open sockets first: an upgraded connection would keep the HTTP server from closing.
        await live.close();
        await server.close();
        await stopBackground();
        await db.close();
      },
    };
  } catch (error) {
    await stopBackground();
    await db.close();
    throw error;
  }
}

const OPEN_PATHS = new Set([
  "/auth/v1/.well-known/jwks.json",
  "/auth/v1/verify",
  "/auth/v1/authorize",
]);

/** Kong's answer when the apikey is missing or unknown. */
function gatewayError(message: string): Response {
  return Response.json({ message }, { status: 401 });
}

// Supabase's gateway allows browsers from any origin; the keys, not CORS, guard the API.
function preflight(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": request.headers.get("origin") ?? "*",
      "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
      "access-control-allow-headers":
        request.headers.get("access-control-request-headers") ?? "authorization, apikey",
      "access-control-max-age": "3600",
    },
  });
}

function withCors(request: Request, response: Response): Response {
  const origin = request.headers.get("origin");
  if (origin) {
    response.headers.set("access-control-allow-origin", origin);
    // supabase-js reads the count from Content-Range, which a browser hides unless exposed.
    response.headers.set(
      "access-control-expose-headers",
      "content-range, preference-applied, x-supabase-api-version, x-sb-error-code",
    );
    response.headers.append("vary", "Origin");
  }
  return response;
}
