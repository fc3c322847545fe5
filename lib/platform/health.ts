// What GET /api/health reports: whether this deployment can reach its database and its cache.
// Only states, never configuration values or error texts.
import { z } from "zod";
import { env } from "../env.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import { appVersion } from "./version.js";

const CheckState = z.enum(["ok", "unavailable", "not_configured"]);

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    checks: z.object({ database: CheckState, cache: CheckState }),
  })
  .meta({ id: "Health" });

export type Health = z.infer<typeof HealthSchema>;
type CheckStateValue = z.infer<typeof CheckState>;

export async function checkHealth(): Promise<Health> {
  const [database, cache] = await Promise.all([checkDatabase(), checkCache()]);
  return {
    status: database === "ok" && cache !== "unavailable" ? "ok" : "degraded",
    version: appVersion(),
    checks: { database, cache },
  };
}

async function checkDatabase(): Promise<CheckStateValue> {
  if (!env().SUPABASE_URL || !env().SUPABASE_ANON_KEY) return "not_configured";
  // Loaded here, not at the top: supabase-js is only needed when there is a database to probe.
  const { databaseReachable } = await import("../db/health.js");
  return (await databaseReachable()) ? "ok" : "unavailable";
}

async function checkCache(): Promise<CheckStateValue> {
  const redis = await redisClient();
  if (!redis) return "not_configured";
  try {
    await redis.ping();
    return "ok";
  } catch (error) {
    log.warn("health_cache_unavailable", { error });
    return "unavailable";
  }
}
