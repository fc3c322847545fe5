// GET /api/admin/health: what /api/health says (cheap and public), and for admins what a person
// setting up or debugging a deployment asks next: which providers are configured and which of
// their settings are missing (names only, never values), the newest migration the database has,
// how long a database and a Redis round trip take from this function, and what is deployed.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { configurationProblems, type Env, env } from "../env.js";
import { log } from "../log.js";
import { appVersion } from "../platform/version.js";
import { redisClient } from "../redis.js";

/** Each provider: the setting that turns it on first, then what it also needs. */
const PROVIDERS: { name: string; settings: (keyof Env)[]; anyOf?: true }[] = [
  {
    name: "database",
    settings: ["SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY"],
  },
  { name: "redis", settings: ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"] },
  { name: "scheduler", settings: ["CRON_SECRET", "DATABASE_WEBHOOK_SECRET"] },
  {
    name: "razorpay",
    settings: ["RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET"],
  },
  { name: "stripe", settings: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] },
  { name: "resend", settings: ["RESEND_API_KEY", "EMAIL_FROM", "RESEND_WEBHOOK_SECRET"] },
  { name: "twilio", settings: ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"] },
  {
    name: "calcom",
    settings: ["CALCOM_API_KEY", "CALCOM_EVENT_TYPE_IDS", "CALCOM_WEBHOOK_SECRET"],
  },
  { name: "openai", settings: ["OPENAI_API_KEY"] },
  { name: "sentry", settings: ["SENTRY_DSN"] },
  // Alerts go to OPERATIONS_ALERT_EMAIL, else PRACTICE_EMAIL (lib/operations/alert-message.ts).
  { name: "alert_email", settings: ["OPERATIONS_ALERT_EMAIL", "PRACTICE_EMAIL"], anyOf: true },
  {
    name: "alert_webhook",
    settings: ["OPERATIONS_ALERT_WEBHOOK_URL", "OPERATIONS_ALERT_WEBHOOK_SECRET"],
  },
];

const Latency = z.object({
  state: z.enum(["ok", "unavailable", "not_configured"]),
  latencyMs: z.number().nullable(),
});

export const AdminHealth = z
  .object({
    status: z.enum(["ok", "degraded"]),
    versions: z.object({
      app: z.string().describe("The deployed commit (12 characters), or dev"),
      node: z.string(),
      migration: z.string().nullable().describe("The newest migration applied (its timestamp)"),
    }),
    database: Latency,
    redis: Latency,
    providers: z.array(
      z.object({
        name: z.string(),
        state: z.enum(["configured", "partial", "not_configured"]),
        missing: z.array(z.string()).describe("Settings by name, never their values"),
      }),
    ),
    required: z
      .array(z.object({ setting: z.string(), problem: z.enum(["missing", "invalid", "refused"]) }))
      .describe("What stops this deployment from serving (as /api/health names it)"),
    localStack: z.boolean().describe("Whether the local stand-ins run (never in production)"),
  })
  .meta({ id: "AdminHealth" });
export type AdminHealth = z.infer<typeof AdminHealth>;

/** `client`: the admin's own (db.user): the migration level is read as them. */
export async function adminHealth(client: SupabaseClient): Promise<AdminHealth> {
  const [database, redis] = await Promise.all([migrationLevel(client), redisLatency()]);
  const config = env();
  const providers = PROVIDERS.map(({ name, settings, anyOf }) => {
    const unset = settings.filter((setting) => config[setting] === undefined);
    // anyOf: one of the settings is enough.
    const missing = anyOf && unset.length < settings.length ? [] : unset;
    const state =
      missing.length === 0
        ? ("configured" as const)
        : missing.length === settings.length
          ? ("not_configured" as const)
          : ("partial" as const);
    return { name, state, missing };
  });
  const required = configurationProblems();
  return {
    status:
      database.state === "ok" && redis.state !== "unavailable" && required.length === 0
        ? "ok"
        : "degraded",
    versions: { app: appVersion(), node: process.version, migration: database.migration },
    database: { state: database.state, latencyMs: database.latencyMs },
    redis,
    providers,
    required,
    localStack: config.BASTION_LOCAL_STACK === "1",
  };
}

async function migrationLevel(client: SupabaseClient) {
  const startedAt = performance.now();
  const { data, error } = await client.rpc("admin_migration_level");
  const latencyMs = Math.round((performance.now() - startedAt) * 10) / 10;
  if (error) {
    log.warn("admin_health_database", { code: error.code });
    return { state: "unavailable" as const, latencyMs: null, migration: null };
  }
  return { state: "ok" as const, latencyMs, migration: z.string().nullable().parse(data) };
}

async function redisLatency(): Promise<z.infer<typeof Latency>> {
  const redis = await redisClient();
  if (!redis) return { state: "not_configured", latencyMs: null };
  const startedAt = performance.now();
  try {
    await redis.ping();
    return { state: "ok", latencyMs: Math.round((performance.now() - startedAt) * 10) / 10 };
  } catch (error) {
    log.warn("admin_health_redis", { error });
    return { state: "unavailable", latencyMs: null };
  }
}
