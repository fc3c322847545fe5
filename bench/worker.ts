// Runs one measuring script in a fresh process (run by tsx, like the tests), with an environment
// of its own so that the shell's .env never switches the limiter or the cache to Upstash or the
// database to DATABASE_URL. The script sends its result over IPC.
//
// `as`: "deployment" runs it as a preview deployment would (its required settings made for the
// run); "local stack" runs it with BASTION_LOCAL_STACK, so the rate limiter counts in this
// process's memory, for a figure that is the pipeline's own work rather than a Redis round trip.
import { fork } from "node:child_process";
import { join } from "node:path";
import { PROJECT_DIR } from "./build.js";
import { DEPLOYMENT_SETTINGS } from "./deployment-settings.js";

export async function runWorker<Result>(
  script: string,
  args: string[],
  as: "deployment" | "local stack" = "deployment",
): Promise<Result> {
  const output: string[] = [];
  const child = fork(join(import.meta.dirname, script), args, {
    cwd: PROJECT_DIR,
    execArgv: ["--import", "tsx"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      TZ: "UTC",
      ...DEPLOYMENT_SETTINGS,
      ...(as === "deployment"
        ? { NODE_ENV: "production", VERCEL_ENV: "preview" }
        : { BASTION_LOCAL_STACK: "1" }),
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  let result: Result | undefined;
  child.on("message", (message) => {
    result = message as Result;
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code !== 0 || result === undefined) {
    throw new Error(`${script} exited with ${code}:\n${output.join("").slice(-4000)}`);
  }
  return result;
}
