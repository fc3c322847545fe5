// db.anon: the database as nobody in particular (the anon key), for public reads and the health
// probe. RLS applies exactly as it does to a signed-out browser.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { requireConfig } from "../env.js";
import { serverClientOptions } from "./client-options.js";

let client: SupabaseClient | undefined;

/** One client per instance: it holds no user, so callers can share it. */
export function anonClient(): SupabaseClient {
  if (client) return client;
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = requireConfig(
    "Database",
    "SUPABASE_URL",
    "SUPABASE_ANON_KEY",
  );
  client = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, serverClientOptions(SUPABASE_ANON_KEY));
  return client;
}
