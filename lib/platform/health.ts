// What GET /api/health reports: whether this deployment can reach its database and its cache,
// and which settings it cannot serve without (while any is missing, every other function
// refuses to serve). Only states and setting names, never configuration values or error texts.
import * as z from "zod";
import { configurationProblems, env } from "../env.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import { appVersion } from "./version.js";

const CheckState = z.enum(["ok", "unavailable", "not_configured"]);

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    checks: z.object({
      database: CheckState,
      cache: CheckState,
      configuration: z.enum(["ok", "not_configured"]),
    }),
    /** The settings at fault while `checks.configuration` is not ok; empty otherwise. */
    configuration: z.array(
      z.object({
        setting: z.string().describe("The variable's name, e.g. APP_URL"),
        problem: z.enum(["missing", "invalid", "refused"]),
      }),
    ),
  })
  .meta({ id: "Health" });

export type Health = z.infer<typeof HealthSchema>;
type CheckStateValue = z.infer<typeof CheckState>;

export async function checkHealth(): Promise<Health> {
  const [database, cache] = await Promise.all([checkDatabase(), checkCache()]);
  const configuration = configurationProblems();
  const configured = configuration.length === 0;
  return {
    status: database === "ok" && cache !== "unavailable" && configured ? "ok" : "degraded",
    version: appVersion(),
    checks: { database, cache, configuration: configured ? "ok" : "not_configured" },
    configuration,
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
