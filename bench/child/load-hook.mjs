// The resolve hook record-loads.mjs registers: every module URL resolved is appended to the log.
import { appendFileSync } from "node:fs";

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (result.url.startsWith("file:")) appendFileSync(logFile, `${result.url}\n`);
  return result;
}
