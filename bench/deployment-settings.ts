// The settings every deployment must have (lib/env.ts configurationProblems): without them a
// function refuses to serve. The bench runs functions as a preview deployment, not as the local
// stack (BASTION_LOCAL_STACK is refused there, and nothing measured needs a stand-in), so it
// configures them as a deployment would: APP_URL at the host the probes name, and keys made
// for this run.
import { randomBytes } from "node:crypto";

export const BENCH_HOST = "bastion-bench.vercel.app";

export const DEPLOYMENT_SETTINGS: Record<string, string> = {
  APP_URL: `https://${BENCH_HOST}`,
  PERSONAL_DATA_KEYS: `bench:${randomBytes(32).toString("base64")}`,
  PERSONAL_DATA_HMAC_KEY: randomBytes(32).toString("base64"),
};
