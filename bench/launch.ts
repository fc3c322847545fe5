// One cold start: a fresh `node` process runs child/launcher.mjs in a copy of a `.func`
// directory (its cwd, as /var/task is on Vercel), imports the handler and listens; the bench sends
// it one HTTP request. Timed from just before the spawn to the last byte of the response.
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { DEPLOYMENT_SETTINGS } from "./deployment-settings.js";
import type { BuiltFunction } from "./functions.js";
import { PLATFORM_HEADERS, type Probe, type ProbeResponse } from "./probes.js";

const LAUNCHER = join(import.meta.dirname, "child", "launcher.mjs");
const TIMEOUT_MS = 20_000;

export interface LaunchOptions {
  adapter: "plain" | "node-utils";
  nodeArgs?: string[];
  env?: Record<string, string>;
}

export interface ColdStart {
  /** Spawn → response received. */
  totalMs: number;
  /**
   * The handler module's import() alone, measured in the child, plus the route chunk a grouped
   * function's router imports on the request.
   */
  importMs: number;
  response: ProbeResponse;
}

/**
 * The environment of a deployed preview without Supabase or Upstash, with the settings every
 * deployment has: nothing from the shell that runs the bench leaks in, so a developer's .env
 * never changes what is measured.
 */
export function functionEnv(fn: BuiltFunction): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    NODE_ENV: "production",
    VERCEL: "1",
    VERCEL_ENV: "preview",
    VERCEL_REGION: "dev1",
    TZ: "UTC",
    ...DEPLOYMENT_SETTINGS,
    ...fn.config.environment,
  };
}

export async function launchOnce(
  fn: BuiltFunction,
  probe: Probe,
  options: LaunchOptions,
): Promise<ColdStart> {
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), LAUNCHER, fn.config.handler, options.adapter],
    {
      cwd: fn.funcDir,
      env: { ...functionEnv(fn), ...options.env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("close", done));
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  try {
    const control = controlLines(child.stdio[3] as Readable);
    const ready = await control.next();
    if (ready === undefined)
      throw new Error(`the launcher exited (${await exited}) before it was ready`);
    const message = JSON.parse(ready) as { port?: number; importMs?: number; error?: string };
    if (message.error || message.port === undefined || message.importMs === undefined) {
      throw new Error(`cannot be invoked: ${message.error ?? ready}`);
    }
    const response = await send(message.port, probe);
    const totalMs = performance.now() - startedAt;
    const code = await exited;
    if (code !== 0) throw new Error(`the process exited with ${code} after answering`);
    const after = await control.next();
    const lazyImportMs = after
      ? ((JSON.parse(after) as { lazyImportMs?: number }).lazyImportMs ?? 0)
      : 0;
    const problem = probe.check(response);
    if (problem) throw new Error(`${probe.method} ${probe.path} ${problem}`);
    return { totalMs, importMs: message.importMs + lazyImportMs, response };
  } catch (error) {
    child.kill("SIGKILL");
    const what = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${fn.name}: ${what}\n--- function output ---\n${output.join("").slice(-4000)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The launcher's control lines: `next()` resolves with the next one (undefined at the end). */
function controlLines(stream: Readable): { next(): Promise<string | undefined> } {
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let text = "";
  let ended = false;
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n")) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const finish = () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter(undefined);
  };
  stream.on("end", finish);
  stream.on("error", finish);
  return {
    next: () =>
      lines.length > 0 || ended
        ? Promise.resolve(lines.shift())
        : new Promise((done) => waiting.push(done)),
  };
}

function send(port: number, probe: Probe): Promise<ProbeResponse> {
  return new Promise((done, failed) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: probe.method,
        path: probe.path,
        headers: PLATFORM_HEADERS,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", failed);
        response.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined)
              headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          done({
            status: response.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    request.on("error", failed);
    request.end();
  });
}
