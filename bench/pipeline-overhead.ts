// Warm per-request cost of the pipeline: pipeline-worker.ts in a fresh process (worker.ts).
import type { PipelineWorkerResult } from "./pipeline-worker.js";
import { runWorker } from "./worker.js";

export interface PipelineOverheadResult extends PipelineWorkerResult {
  overheadUs: { p50: number; p90: number; p99: number; mean: number };
}

export async function measurePipelineOverhead(
  iterations: number,
  warmup: number,
): Promise<PipelineOverheadResult> {
  const result = await runWorker<PipelineWorkerResult>(
    "pipeline-worker.ts",
    [String(iterations), String(warmup)],
    "local stack",
  );
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
