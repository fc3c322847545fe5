import { env } from "../env.js";

/** The deployed commit on Vercel; "dev" elsewhere. Safe to show: it is not configuration. */
export function appVersion(): string {
  return env().VERCEL_GIT_COMMIT_SHA?.slice(0, 12) ?? "dev";
}
