// Warm per-request cost of the pipeline: pipeline-worker.ts in a fresh process (run by tsx,
// like the tests), with an environment of its own so that the shell's .env never switches the
// limiter to Upstash or the app to production.
import { fork } from "node:child_process";
import { join } from "node:path";
import { PROJECT_DIR } from "./build.js";
import type { PipelineWorkerResult } from "./pipeline-worker.js";

export interface PipelineOverheadResult extends PipelineWorkerResult {
  overheadUs: { p50: number; p90: number; p99: number; mean: number };
}

export async function measurePipelineOverhead(
  iterations: number,
  warmup: number,
): Promise<PipelineOverheadResult> {
  const output: string[] = [];
  const child = fork(
    join(import.meta.dirname, "pipeline-worker.ts"),
    [String(iterations), String(warmup)],
    {
      cwd: PROJECT_DIR,
      execArgv: ["--import", "tsx"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        NODE_ENV: "production",
        VERCEL_ENV: "preview",
        TZ: "UTC",
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  let result: PipelineWorkerResult | undefined;
  child.on("message", (message) => {
    result = message as PipelineWorkerResult;
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code !== 0 || !result) {
    throw new Error(`the pipeline bench exited with ${code}:\n${output.join("").slice(-4000)}`);
  }
  const { pipelineUs: pipeline, bareUs: bare } = result;
  const minus = (a: number, b: number) => Math.round((a - b) * 10) / 10;
  return {
    ...result,
    overheadUs: {
      p50: minus(pipeline.p50, bare.p50),
      p90: minus(pipeline.p90, bare.p90),
      p99: minus(pipeline.p99, bare.p99),
      mean: minus(pipeline.mean, bare.mean),
    },
  };
}
