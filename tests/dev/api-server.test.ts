// The dev API server over real HTTP, on a copy of the fixture app (the reload tests edit it).
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "../../dev/vercel/server.js";
import type { RunningServer } from "../../dev/web-server.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/vercel-app", import.meta.url));

let appDir: string;
let server: RunningServer;

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), "api-server-"));
  await cp(FIXTURE, appDir, { recursive: true });
  server = await startApiServer({ port: 0, rootDir: appDir });
});

afterAll(async () => {
  await server?.close();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) =>
  fetch(`${server.url}${path}`, { redirect: "manual", ...init });

describe("functions", () => {
  it("serves api/health.ts at /api/health", async () => {
    const response = await get("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("passes [param] segments as query parameters on the request URL", async () => {
    const booking = await get("/api/bookings/123?view=full");
    expect(await booking.json()).toEqual({
      route: "bookings/[id]",
      id: "123",
      url: `${server.url}/api/bookings/123?view=full&id=123`,
    });
    const settings = await get("/api/users/42/settings");
    expect(await settings.json()).toMatchObject({ userId: "42" });
  });

  it("serves a folder's index.ts at the folder's path", async () => {
    expect(await (await get("/api/bookings")).json()).toMatchObject({ route: "bookings" });
  });

  it("answers a method the module does not export with 405 and the methods it does", async () => {
    const post = await get("/api/bookings/123", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, DELETE");
    // As on Vercel, HEAD and OPTIONS are not derived from GET.
    const head = await get("/api/health", { method: "HEAD" });
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("GET");
    expect((await get("/api/health", { method: "OPTIONS" })).status).toBe(405);
  });

  it("answers an unknown /api path with a JSON 404", async () => {
    const response = await get("/api/nope");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: 404, message: "Not Found" } });
  });
});

describe("vercel.json", () => {
  it("applies rewrites, leaving the requested URL on the request", async () => {
    const response = await get("/api/bookings/create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ guest: "Ada" }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      route: "bookings",
      url: `${server.url}/api/bookings/create`,
      created: { guest: "Ada" },
    });
  });

  it("adds the headers of matching rules", async () => {
    expect((await get("/api/health")).headers.get("x-content-type-options")).toBe("nosniff");
    expect((await get("/api/nope")).headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("redirects .ts and .html URLs to the clean ones (cleanUrls)", async () => {
    const response = await get("/api/health.ts");
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/api/health");
  });
});

describe("static files", () => {
  it("serves public/index.html at /", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("<h1>Fixture app</h1>");
  });

  it("serves files in subfolders with their content type", async () => {
    const response = await get("/css/site.css");
    expect(response.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await response.text()).toContain("font-family");
  });

  it.each([
    "/../package.json",
    "/%2e%2e/package.json",
    "/..%2fpackage.json",
    "/..%5cpackage.json",
    "/%2e%2e%2fvercel.json",
    "/api/../../package.json",
    "//etc/passwd",
    "/index.html/../../package.json",
  ])("refuses %s", async (path) => {
    const { status, body } = await rawGet(path);
    expect(status).toBe(404);
    expect(body).not.toContain("vercel-app-fixture");
    expect(body).not.toContain("root:");
  });
});

describe("platform headers", () => {
  it("replaces client-sent address headers with the socket's address", async () => {
    const response = await get("/api", {
      headers: {
        "x-forwarded-for": "203.0.113.7",
        "x-real-ip": "203.0.113.7",
        "x-vercel-forwarded-for": "203.0.113.7",
        "x-vercel-id": "forged",
      },
    });
    const seen = (await response.json()) as Record<string, string>;
    expect(seen).toMatchObject({
      forwardedFor: "127.0.0.1",
      realIp: "127.0.0.1",
      vercelForwardedFor: "127.0.0.1",
    });
    expect(seen.vercelId).toMatch(/^dev1::[0-9a-f]+-\d+-[0-9a-f]{12}$/);
    expect(response.headers.get("x-vercel-id")).toBe(seen.vercelId);
  });

  it("gives every request its own x-vercel-id", async () => {
    const [first, second] = await Promise.all([get("/"), get("/api/nope")]);
    expect(first.headers.get("x-vercel-id")).toMatch(/^dev1::/);
    expect(second.headers.get("x-vercel-id")).not.toBe(first.headers.get("x-vercel-id"));
  });
});

describe("reloading", () => {
  it("serves a function added while running", async () => {
    await writeFile(
      join(appDir, "api", "added.ts"),
      'export const GET = () => new Response("added");',
    );
    await eventually(async () => expect(await (await get("/api/added")).text()).toBe("added"));
  });

  it("picks up a change to a lib/ module a function imports", async () => {
    // The fixture has no lib/: this also covers a folder created while the server runs.
    await mkdir(join(appDir, "lib"));
    await writeFile(join(appDir, "lib", "message.ts"), 'export const message = "first";');
    await writeFile(
      join(appDir, "api", "message.ts"),
      'import { message } from "../lib/message.js";\nexport const GET = () => new Response(message);',
    );
    await eventually(async () => expect(await (await get("/api/message")).text()).toBe("first"));
    await writeFile(join(appDir, "lib", "message.ts"), 'export const message = "second";');
    await eventually(async () => expect(await (await get("/api/message")).text()).toBe("second"));
  });
});

/** A GET with the path sent exactly as written, as fetch would normalise it. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { port } = server;
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** File watching is asynchronous: retry an assertion for a few seconds. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
