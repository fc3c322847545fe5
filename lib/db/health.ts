// The health check's database probe: one call to public.health() (supabase/migrations) with the
// anon key. It touches no table, so it proves the whole path — the API gateway, PostgREST and
// Postgres — at the cost of one round trip, on the local stack and on Supabase alike.
import { log } from "../log.js";
import { anonClient } from "./anon-client.js";

const PROBE_TIMEOUT_MS = 2_000;

/**
 * True when the database answers within the timeout. Throws ApiError provider_not_configured
 * when there is no database to ask, which is a different answer from "down".
 */
export async function databaseReachable(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const client = anonClient();
  try {
    // No retries: postgrest-js retries a failed GET after 1, 2 and 4 s, and a probe must answer now.
    const { data, error } = await client
      .rpc("health", {}, { get: true })
      .retry(false)
      .abortSignal(AbortSignal.timeout(timeoutMs));
    if (error) log.warn("database_unreachable", { code: error.code, message: error.message });
    return data === "ok";
  } catch (error) {
    log.warn("database_unreachable", { error });
    return false;
  }
}
