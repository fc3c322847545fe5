// db.service: the secret-key (service role) client, which bypasses row-level security. Only
// webhooks, cron jobs and explicit admin flows may import this module; a test walks the import
// graph of every api/ function to keep it that way (tests/lib/db/service-client-imports.test.ts).
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { requireConfig } from "../env.js";
import { serverClientOptions } from "./client-options.js";

let client: SupabaseClient | undefined;

/** One client per instance, made on first use so that importing this module needs no secret. */
export function serviceClient(): SupabaseClient {
  if (client) return client;
  const { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY } = requireConfig(
    "Database admin",
    "SUPABASE_URL",
    "SUPABASE_SERVICE_ROLE_KEY",
  );
  client = createClient(
    SUPABASE_URL,
    SUPABASE_SERVICE_ROLE_KEY,
    serverClientOptions(SUPABASE_SERVICE_ROLE_KEY),
  );
  return client;
}
