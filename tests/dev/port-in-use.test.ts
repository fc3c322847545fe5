// `npm run dev` on a port another program holds says which port, what wanted it and how to choose
// another (PORT=…), instead of Node's EADDRINUSE stack trace; and it stops before it has started
// or written anything.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PortInUseError, takenPortMessages } from "../../dev/ports.js";
import { serve } from "../../dev/web-server.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

let holder: Server;
/** A port this test holds, as another program would. */
let taken: number;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  taken = (holder.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => holder?.close(resolve));
});

describe("a taken port", () => {
  it("is named with its setting and a free port to use instead", async () => {
    const [message, ...others] = await takenPortMessages([
      { port: taken, setting: "PORT", serves: "the API and the demo app" },
    ]);
    expect(others).toEqual([]);
    expect(message).toContain(`Port ${taken} on 127.0.0.1 is already in use`);
    expect(message).toContain("the API and the demo app");
    expect(message).toMatch(/PORT=(\d+) npm run dev {3}\(\1 is free\)/);
    expect(message).toContain("set PORT in .env");
  });

  it("is not reported when it is free", async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    expect(await takenPortMessages([{ port, setting: "PORT", serves: "the API" }])).toEqual([]);
  });

  it("makes serve() fail with a PortInUseError naming the port, not a bare EADDRINUSE", async () => {
    const started = serve(async () => new Response("never"), { port: taken });
    await expect(started).rejects.toBeInstanceOf(PortInUseError);
    await expect(started).rejects.toMatchObject({ port: taken });
  });

  it("stops `npm run dev` with the advice and no stack trace, before writing anything", {
    timeout: 60_000,
  }, async () => {
    const cwd = await mkdtemp(join(tmpdir(), "dev-port-"));
    try {
      const child = spawn(join(REPO, "node_modules/.bin/tsx"), [join(REPO, "dev/start.ts")], {
        cwd,
        // A Supabase URL of its own, so the local stack is not started: only PORT is wanted.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(taken),
          SUPABASE_URL: "http://127.0.0.1:9",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code, output).toBe(1);
      expect(output).toContain(`Port ${taken} on 127.0.0.1 is already in use`);
      expect(output).toMatch(/PORT=\d+ npm run dev/);
      expect(output).not.toContain("EADDRINUSE");
      expect(output).not.toMatch(/^\s+at /m);
      // Nothing started: no .env.local, no .data/.
      expect(await readdir(cwd)).toEqual([]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
