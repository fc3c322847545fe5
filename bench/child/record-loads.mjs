// `node --import ./record-loads.mjs …`: writes the file of every module this process loads to
// the file named by BENCH_LOAD_LOG, one URL a line. ES modules are seen by a resolve hook (which
// runs on the loader thread, hence the file); CommonJS ones, which Node 20 loads without asking
// the hooks when require() is called from CommonJS, are read from the require cache at exit.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const logFile = process.env.BENCH_LOAD_LOG;
if (!logFile) throw new Error("BENCH_LOAD_LOG must name the file to record loads in");
delete process.env.BENCH_LOAD_LOG;

register("./load-hook.mjs", import.meta.url, { data: { logFile } });

const requireCache = createRequire(import.meta.url).cache;
process.on("exit", () => {
  const files = Object.keys(requireCache).map((file) => pathToFileURL(file).href);
  appendFileSync(logFile, files.map((url) => `${url}\n`).join(""));
});
