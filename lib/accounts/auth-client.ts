// A supabase-js client for Supabase Auth calls made on the user's behalf (sign-up, sign-in,
// refresh, sign-out). A fresh one per request: auth-js keeps the session it just obtained in
// the client's memory, and one caller's session must never be visible to the next.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { serverClientOptions } from "../db/client-options.js";
import { requireConfig } from "../env.js";

export function authClient(): SupabaseClient {
  const { SUPABASE_URL, SUPABASE_ANON_KEY } = requireConfig(
    "Accounts",
    "SUPABASE_URL",
    "SUPABASE_ANON_KEY",
  );
  const options = serverClientOptions(SUPABASE_ANON_KEY);
  // auth-js sets the Authorization header of each auth call itself (the user's token for
  // sign-out); the pinned API-key header would override it.
  return createClient(SUPABASE_URL, SUPABASE_ANON_KEY, { ...options, global: {} });
}
