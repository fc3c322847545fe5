import { measurePipelineOverhead } from "/work/main/bench/pipeline-overhead.ts";
console.log(JSON.stringify(await measurePipelineOverhead(20000, 2000), null, 1));
