// GET /api/config: the two settings a browser needs to open Supabase Realtime itself (the shop
// inbox's live feed, client/realtime.ts): the Supabase project URL and its publishable (anon)
// key. Both are public by design: the anon key only identifies the project to Supabase's
// gateway and grants the `anon` role, so what anyone can do with it is what row-level security
// lets `anon` (or the signed-in user whose token goes with it) do. Nothing else is answered here
// — never the service-role key, a JWT secret or any other setting — and a key that is not a
// publishable one (a secret or service-role key put in SUPABASE_ANON_KEY by mistake) is refused
// rather than published. The URL is the configured SUPABASE_URL, never derived from the request.
import * as z from "zod";
import { env, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";

export const PublicConfig = z
  .object({
    supabaseUrl: z.url().describe("The Supabase project URL (SUPABASE_URL): Realtime's origin"),
    supabaseAnonKey: z
      .string()
      .describe(
        "The project's publishable (anon) key: public by design; with a member's access token it opens the shop's private Realtime channel",
      ),
  })
  .meta({ id: "PublicConfig" });

export type PublicConfig = z.infer<typeof PublicConfig>;

/** The role a legacy JWT API key grants, or undefined when the key is not a readable JWT. */
function jwtRole(key: string): string | undefined {
  const [, payload] = key.split(".");
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const role = (claims as { role?: unknown } | null)?.role;
    return typeof role === "string" ? role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `key` is safe to publish: a new-style publishable key (`sb_publishable_…`), or a legacy
 * JWT API key whose role is `anon`. A secret key (`sb_secret_…`), a service_role JWT or anything
 * else is not.
 */
export function isPublishableKey(key: string): boolean {
  if (key.startsWith("sb_publishable_")) return true;
  if (key.startsWith("sb_secret_")) return false;
  return jwtRole(key) === "anon";
}

export function publicConfig(): PublicConfig {
  const config = requireConfig("Realtime", "SUPABASE_URL", "SUPABASE_ANON_KEY");
  const key = config.SUPABASE_ANON_KEY;
  if (!isPublishableKey(key) || key === env().SUPABASE_SERVICE_ROLE_KEY) {
    // The setting's name only: its value is exactly what must not be shown or logged.
    log.error("public_config_refused", { setting: "SUPABASE_ANON_KEY" });
    throw new ApiError(
      "provider_not_configured",
      "Realtime is not configured on this server: SUPABASE_ANON_KEY is not a publishable key.",
    );
  }
  return { supabaseUrl: config.SUPABASE_URL.replace(/\/+$/, ""), supabaseAnonKey: key };
}
