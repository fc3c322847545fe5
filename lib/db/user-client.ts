// db.user: the database as the signed-in caller. It carries the caller's access token, so
// PostgREST runs each query as that user and the RLS policies in supabase/migrations decide.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { requireConfig } from "../env.js";
import { serverClientOptions } from "./client-options.js";

/** A client for one request; accessToken is the caller's verified access token. */
export function userClient(accessToken: string): SupabaseClient {
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = requireConfig(
    "Database",
    "SUPABASE_URL",
    "SUPABASE_ANON_KEY",
  );
  return createClient(SUPABASE_URL, SUPABASE_ANON_KEY, serverClientOptions(accessToken));
}
