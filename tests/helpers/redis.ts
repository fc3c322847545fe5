// A throwaway redis-server for tests: its own port and empty data directory, nothing persisted,
// gone when stop() returns.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface ThrowawayRedis {
  url: string;
  stop(): Promise<void>;
}

/** The redis-server on PATH, or null when it is not installed. */
export function redisServerBinary(): string | null {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  return null;
}

export async function startRedisServer(binary: string): Promise<ThrowawayRedis> {
  // The free port is found by binding and releasing it, so another process can take it before
  // redis-server does; a second try with a new port covers that race.
  try {
    return await startOnPort(binary, await freePort());
  } catch {
    return await startOnPort(binary, await freePort());
  }
}

async function startOnPort(binary: string, port: number): Promise<ThrowawayRedis> {
  // Its own directory, so a dump.rdb lying in the working directory is never loaded.
  const dataDir = await mkdtemp(join(tmpdir(), "redis-test-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir];
  const child = spawn(binary, [...args, "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await untilReady(child, port);
    await ping(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** Resolves when redis-server logs that it accepts connections; rejects if it exits first. */
function untilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(
      () => reject(new Error(`redis-server on port ${port} not ready after 10 s:\n${log}`)),
      10_000,
    );
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with ${code}:\n${log}`));
    });
  });
}

/** One raw RESP PING, to be sure the server answers rather than only said it would. */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(5_000, () => socket.destroy(new Error("PING timed out")));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (!reply.includes("\r\n")) return;
      socket.end();
      if (reply.startsWith("+PONG")) resolve();
      else reject(new Error(`redis-server answered PING with ${JSON.stringify(reply)}`));
    });
    socket.on("error", reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
