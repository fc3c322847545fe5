// Starts the local Supabase stack for a test file — in memory (PGlite), or on the PostgreSQL 15+
// that DATABASE_URL names, so the same tests also run against a real server — and makes real
// supabase-js clients pointed at it.
import { fileURLToPath } from "node:url";
import {
  createClient,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";
import WebSocket from "ws";
import type { AuthSettings } from "../../dev/supabase/auth/index.js";
import { type RunningSupabase, startSupabase } from "../../dev/supabase/server.js";

export const PROJECT_MIGRATIONS = fileURLToPath(
  new URL("../../supabase/migrations", import.meta.url),
);
/** The local development data (session types, a practitioner…), for tests that read it. */
export const PROJECT_SEED = fileURLToPath(new URL("../../supabase/seed.sql", import.meta.url));
/** Tables and policies the local stack's own tests use. */
export const FIXTURE_MIGRATIONS = fileURLToPath(new URL("../fixtures/migrations", import.meta.url));

export interface TestSupabaseOptions {
  /** Folders applied after supabase/migrations, such as FIXTURE_MIGRATIONS. */
  migrationDirs?: string[];
  /** Applied after the migrations, as the local stack applies supabase/seed.sql. */
  seedFile?: string;
  auth?: AuthSettings;
}

export interface TestSupabase extends RunningSupabase {
  /**
   * A supabase-js client with the anon key. With accessToken (a user's access token, or the
   * service-role key) every request carries it as the Bearer token, as a signed-in client would.
   */
  client(accessToken?: string): SupabaseClient;
}

type RealtimeTransport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];

// On Node 20 (no global WebSocket) createClient throws unless given a transport: `ws`, which
// the local stack's Realtime endpoint (/realtime/v1/websocket) answers.

export async function startTestSupabase(options: TestSupabaseOptions = {}): Promise<TestSupabase> {
  const stack = await startSupabase({
    port: 0,
    migrationDirs: [PROJECT_MIGRATIONS, ...(options.migrationDirs ?? [])],
    databaseUrl: process.env.DATABASE_URL || undefined,
    auth: options.auth,
    seedFile: options.seedFile,
  });
  return {
    ...stack,
    client: (accessToken) =>
      createClient(stack.url, stack.anonKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: WebSocket as unknown as RealtimeTransport },
        ...(accessToken && { global: { headers: { Authorization: `Bearer ${accessToken}` } } }),
      }),
  };
}
