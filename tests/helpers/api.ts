// The API as a browser reaches it in development: the dev server with Vercel's routing in front
// of the api/ functions, configured for a local Supabase stack started for the test file (and a
// local Upstash endpoint over a throwaway Redis when one is asked for and available).
import { fileURLToPath } from "node:url";
import { describeUndeclaredError } from "../../dev/vercel/declared-errors.js";
import { settleWork, workStarted } from "../../dev/vercel/request-context.js";
import { type ApiServer, startApiServer } from "../../dev/vercel/server.js";
import { startTestSupabase, type TestSupabase, type TestSupabaseOptions } from "./supabase.js";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PIPELINE_APP = fileURLToPath(new URL("../fixtures/pipeline-app", import.meta.url));
export const SPA_ORIGIN = "http://spa.example.test";
/** What the scheduler sends as `Authorization: Bearer …` to the test API's cron endpoints. */
export const TEST_CRON_SECRET = "test-cron-secret-0123456789";
/** What the database sends when its triggers and jobs call the test API (pg_net, from Vault). */
export const TEST_DATABASE_WEBHOOK_SECRET = "test-database-webhook-secret-0123456789";

export interface TestApi {
  url: string;
  supabase: TestSupabase;
  /** A fresh user signed up through the local Auth API; app_metadata set with the service key. */
  signUp(appMetadata?: Record<string, unknown>): Promise<{ id: string; accessToken: string }>;
  /**
   * Waits until the API is quiet: no invocation under way, no work after a response (waitUntil,
   * as Vercel keeps it alive), and no call the database has queued for pg_net's worker — the
   * database's calls start invocations, whose work may queue more.
   */
  settle(): Promise<void>;
  /**
   * Stops the API (and the stack it started), then fails when an endpoint answered a problem code
   * its operation in /docs does not list (dev/vercel/declared-errors.ts): called in afterAll, that
   * fails the test file that provoked the answer, naming each method, path and code.
   */
  close(): Promise<void>;
}

export interface TestApiOptions extends TestSupabaseOptions {
  /** The project whose api/ is served: the repository, or a fixture app. */
  rootDir?: string;
  /**
   * Extra configuration the functions see (read once per process, like a cold start). The
   * test API is the local stack (BASTION_LOCAL_STACK=1) with APP_URL at its own address unless
   * this says otherwise; a value of `undefined` leaves a setting out.
   */
  env?: Record<string, string | undefined>;
  /** A stack already running to serve against, left running on close; else one of its own. */
  supabase?: TestSupabase;
  /**
   * Whether the database calls this API after commits, as `npm run dev` sets up (Vault holds its
   * URL and secret; pg_net's worker performs the calls). Default true; false leaves the outbox
   * and owed refunds to the cron endpoints a test calls itself.
   */
  databaseWebhooks?: boolean;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const ownStack = options.supabase === undefined;
  const supabase = options.supabase ?? (await startTestSupabase(options));
  const configure = (settings: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(settings)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  configure({
    BASTION_LOCAL_STACK: "1",
    SUPABASE_URL: supabase.url,
    SUPABASE_ANON_KEY: supabase.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey,
    ALLOWED_ORIGINS: SPA_ORIGIN,
    CRON_SECRET: TEST_CRON_SECRET,
    DATABASE_WEBHOOK_SECRET: TEST_DATABASE_WEBHOOK_SECRET,
    ...options.env,
  });
  let api: ApiServer;
  try {
    api = await startApiServer({ port: 0, rootDir: options.rootDir ?? REPO_ROOT });
  } catch (error) {
    if (ownStack) await supabase.close();
    throw error;
  }
  // Functions load on their first request, so the address, known only now, is in time: links
  // and redirects point here whatever Host a request names.
  if (!("APP_URL" in (options.env ?? {}))) configure({ APP_URL: api.url });
  try {
    await supabase.configureDatabaseWebhooks(
      options.databaseWebhooks === false
        ? null
        : { url: api.url, secret: TEST_DATABASE_WEBHOOK_SECRET },
    );
  } catch (error) {
    await api.close();
    if (ownStack) await supabase.close();
    throw error;
  }
  let users = 0;
  return {
    url: api.url,
    supabase,
    async signUp(appMetadata) {
      const email = `user${++users}-${crypto.randomUUID().slice(0, 8)}@example.test`;
      const admin = supabase.client(supabase.serviceRoleKey).auth.admin;
      const created = await admin.createUser({
        email,
        password: "correct horse battery",
        email_confirm: true,
        ...(appMetadata && { app_metadata: appMetadata }),
      });
      if (created.error) throw created.error;
      const session = await supabase
        .client()
        .auth.signInWithPassword({ email, password: "correct horse battery" });
      if (session.error || !session.data.session) throw session.error ?? new Error("no session");
      return { id: created.data.user.id, accessToken: session.data.session.access_token };
    },
    async settle() {
      for (;;) {
        const before = workStarted();
        await settleWork();
        await supabase.net?.drain();
        await settleWork();
        if (workStarted() === before) return;
      }
    },
    async close() {
      await api.close();
      if (ownStack) await supabase.close();
      const undeclared = api.undeclaredErrors();
      if (undeclared.length > 0) {
        throw new Error(
          `Endpoints answered problem codes their specs do not declare (add each to the spec's errors, or fix the answer):\n${undeclared.map((found) => `  ${describeUndeclaredError(found)}`).join("\n")}`,
        );
      }
    },
  };
}
